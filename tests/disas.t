#!/bin/sh
# disas.t: `disas` on bt-nested-nopie, a non-PIE program (its addresses in
# the process are those of the file), against objdump -d of the same file:
# every instruction of level_d, level_c, level_b and level_a must be at
# the address objdump gives and have the same mnemonic and operands
# (capstone's size suffixes and decimal small immediates aside); call
# targets named as nm names them; $rip (in level_d, after its exit_group
# syscall) marked as the current instruction, with the ones before it.

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"
tap_require_cmd python3
command -v objdump >/dev/null 2>&1 || tap_skip_all "no objdump"
command -v nm >/dev/null 2>&1 || tap_skip_all "no nm"

prog=$PROGS/bt-nested-nopie

# sym_addr NAME: NAME's address in prog, as 0x... (nm).
sym_addr()
{
	sym_addr_hex=$(nm "$prog" | awk -v n="$1" '$3 == n { print $1 }')
	[ -n "$sym_addr_hex" ] && printf '0x%x\n' "0x$sym_addr_hex"
}

# compare_objdump: reads the last run's disas JSON objects; prints
# "N" (instructions compared) or one line per mismatch.
compare_objdump()
{
	objdump -d --no-show-raw-insn "$prog" >"$TAP_TMP/objdump"
	nm -S "$prog" >"$TAP_TMP/nm"
	printf '%s\n' "$TAP_OUT" | python3 -c '
import json, re, sys
ranges = []
for l in open(sys.argv[2]):
	f = l.split()
	if len(f) == 4 and f[3].startswith("level_"):
		ranges.append((int(f[0], 16), int(f[0], 16) + int(f[1], 16)))
ref = {}
for l in open(sys.argv[1]):
	m = re.match(r"^\s+([0-9a-f]+):\t(\S+)\s*(.*)$", l)
	if m:
		ref[int(m.group(1), 16)] = (m.group(2), m.group(3))
num = re.compile(r"(?<![%\w])(0x[0-9a-f]+|\d+)")
def norm(ops, branch):
	ops = re.sub(r"\s*#.*$", "", ops)
	ops = re.sub(r"\s*<[^>]*>", "", ops).strip()
	if branch and re.fullmatch(r"[0-9a-f]+", ops):
		ops = "0x" + ops
	return num.sub(lambda m: str(int(m.group(1), 0)), ops)
n, bad = 0, []
for l in sys.stdin:
	o = json.loads(l) if l.startswith("{") else {}
	if o.get("cmd") != "disas":
		continue
	for i in o["insns"]:
		a = int(i["addr"], 16)
		if not any(s <= a < e for s, e in ranges):
			continue
		mn, _, ops = i["text"].partition(" ")
		if a not in ref:
			bad.append("%#x: %s: objdump has no instruction here" % (a, i["text"]))
			continue
		rmn, rops = ref[a]
		branch = rmn.startswith("j") or rmn.startswith("call")
		if not (mn == rmn or (mn[:-1] == rmn and mn[-1] in "bwlq")):
			bad.append("%#x: mnemonic %s, objdump %s" % (a, mn, rmn))
		elif norm(ops, branch) != norm(rops, branch):
			bad.append("%#x: %r, objdump %r" % (a, ops.strip(), rops))
		n += 1
print("\n".join(bad) if bad else n)
' "$TAP_TMP/objdump" "$TAP_TMP/nm"
}

level_a=$(sym_addr level_a)
level_b=$(sym_addr level_b)
level_c=$(sym_addr level_c)
level_d=$(sym_addr level_d)
[ -n "$level_a" ] && [ -n "$level_d" ] || tap_bail "nm: no level_* in $prog"

# Each function from its first byte; 12 instructions cover each whole.
pti_run --batch --json -ex disas -ex "disas $level_d 12" \
	-ex "disas $level_c 12" -ex "disas $level_b 12" \
	-ex "disas $level_a 12" "$prog"
tap_is "$TAP_RC" 7 "bt-nested-nopie: exit status 7 after disas"
r=$(compare_objdump)
tap_like "$r" '^[0-9]+$' "every instruction of level_a..d as objdump -d has it"
tap_ok "at least 20 instructions compared ($r)" \
	[ "${r:-0}" -ge 20 ] 2>/dev/null

# The default: around $rip, one current instruction, in level_d, not first.
cur=$(pti_json_eval disas \
	'[(k, i["symbol"]) for k, i in enumerate(o["insns"]) if i["current"]]' |
	head -1)
tap_like "$cur" "^\\[\\(3, 'level_d\\+0x[0-9a-f]+'\\)\\]\$" \
	"default disas: \$rip in level_d is the 4th instruction, marked current"
n=$(pti_json_eval disas 'len(o["insns"])' | head -1)
tap_is "$n" 10 "default disas: 10 instructions"
prev=$(pti_json_eval disas 'o["insns"][2]["text"]' | head -1)
tap_is "$prev" syscall "default disas: the instruction before \$rip is syscall"
n=$(pti_json_eval disas 'len(o["insns"])' | sed -n 2p)
tap_is "$n" 12 "disas ADDR 12: 12 instructions"

# level_b calls level_c: the target is named (nm's address and name).
t=$(pti_json_eval disas \
	'[(i["target"], i["target_symbol"]) for i in o["insns"] if i["text"].startswith("call")]' |
	sed -n 4p)
tap_is "$t" "[('$level_c', 'level_c')]" "level_b's call names its target level_c"

# The text form, as gdb's x/i.
pti_run --batch -ex disas -ex "disas $level_b 4" "$prog"
tap_like "$TAP_OUT" "^=> 0x[0-9a-f]+ <level_d\\+0x[0-9a-f]+>:	" \
	"text: the current instruction marked =>"
tap_like "$TAP_OUT" \
	"^   $level_b <level_b>:	pushq? +%rbp\$" "text: level_b's first instruction"
tap_like "$TAP_OUT" "	callq? +$level_c <level_c>\$" \
	"text: call $level_c <level_c>"

# Errors name the address.
pti_run --batch -ex 'disas 0x10' "$prog"
tap_like "$TAP_ERR" '^disas: 0x10: address not mapped' \
	"disas 0x10: address not mapped"
pti_run --batch -ex "disas $level_a 0" "$prog"
tap_like "$TAP_ERR" '^disas: 0: not a count' "disas ADDR 0: bad count"

pti_done
