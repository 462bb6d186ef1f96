#!/bin/sh
# node.t: node -e with maps, sorting, typed arrays, a 16 MiB Buffer, garbage
# collector pressure, timers, promises and a child process, natively and
# under ptinspect (V8 reserves huge ranges and uncommits with MAP_FIXED).
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/real/real.sh"

real_require node

script='
const crypto = require("crypto");
const { execFileSync } = require("child_process");
const m = new Map();
for (let i = 0; i < 200000; i++) {
	const k = "k" + (i % 5003);
	m.set(k, (m.get(k) || 0) + i);
}
const top = [...m.entries()]
	.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 3);
console.log(JSON.stringify(top));
const buf = Buffer.alloc(16 << 20, 7);
buf.write("marker", 12345);
console.log(crypto.createHash("sha256").update(buf).digest("hex"));
const f = new Float64Array(1 << 22);
for (let i = 0; i < f.length; i++) f[i] = Math.sqrt(i);
console.log(f.reduce((a, b) => a + b, 0).toFixed(3));
let keep = [], made = 0;
for (let i = 0; i < 400000; i++) {
	keep.push({ i, s: "x".repeat(i % 64) });
	made++;
	if (keep.length > 20000) keep = [];
}
console.log("objects", made, keep.length);
console.log(execFileSync("sh", ["-c", "echo child $((6 * 7))"]).toString().trim());
Promise.resolve().then(() => console.log("microtask"));
setTimeout(() => { console.error("timer"); process.exitCode = 4; }, 20);
'
TAP_TIMEOUT=300
REAL_MIN_PAUSES=2	# node and sh
real_compare "node -e" -- node -e "$script"
real_compare "node -e (-f)" -f -- node -e "$script"
real_check_stats "node -e" node -e "$script"
tap_done
