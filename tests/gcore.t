#!/bin/sh
# gcore.t: `gcore FILE` at a crash pause and at an exit pause of
# tests/progs/gcore (a heap marker, a 64 MiB malloc never touched, two
# blocked threads, a nested call chain), checked against outside oracles:
# gdb loads the core and shows the frames ptinspect's `bt` showed (same
# functions, same return addresses), the marker's bytes at the address
# `find` gave, the registers `regs` showed, the 256 bytes at $rsp `x`
# showed, the fatal signal and the same three threads; eu-stack --core
# unwinds it; eu-readelf -n lists every note; du finds the file sparse;
# the notes match a kernel core of the same program (where core_pattern
# lets one be written).
# Run it with PTI_EXTRA_ARGS=--no-redirect too: private memory then.

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"
tap_require_cmd python3 gdb

marker=GCORE-MARKER-7f3a9c-in-the-heap

# frames_of: "FUNCTION PC" per frame of the last run's first bt JSON
# object, from frame #1 (a return address, as gdb prints it) to main.
frames_of()
{
	printf '%s\n' "$TAP_OUT" | python3 -c '
import json, sys
for l in sys.stdin:
	o = json.loads(l) if l.startswith("{") else {}
	if o.get("cmd") != "bt":
		continue
	for f in o["threads"][0]["frames"][1:]:
		print(f["function"], int(f["pc"], 16))
		if f["function"] == "main":
			break
	break
'
}

# gdb_frames FILE: the same from gdb's `bt` text.
gdb_frames()
{
	python3 -c '
import re, sys
for l in open(sys.argv[1]):
	m = re.match(r"#([0-9]+) +0x([0-9a-f]+) in (\S+) ", l)
	if m and m.group(1) != "0":
		print(m.group(3), int(m.group(2), 16))
		if m.group(3) == "main":
			break
' "$1"
}

# The kernel's vdso as this machine maps it into every process (python's).
python3 -c '
import re, sys
m = re.search(r"^([0-9a-f]+)-([0-9a-f]+) .*\[vdso\]$",
    open("/proc/self/maps").read(), re.M)
f = open("/proc/self/mem", "rb")
f.seek(int(m.group(1), 16))
open(sys.argv[1], "wb").write(f.read(int(m.group(2), 16) - int(m.group(1), 16)))
' "$TAP_TMP/vdso.live"

for mode in crash exit; do
	core=$TAP_TMP/core.$mode
	pti_run --batch --json -ex "gcore $core" -ex bt \
		-ex "find \"$marker\"" -ex regs -ex 'x $rsp 256' -ex threads \
		-ex maps "$PROGS/gcore" "$mode"
	if [ "$mode" = crash ]; then want_rc=139; else want_rc=3; fi
	tap_is "$TAP_RC" "$want_rc" "$mode: exit status $want_rc"
	tap_is "$(tap_json "$TAP_OUT" gcore threads)" 3 \
		"$mode: gcore wrote three threads"
	tap_ok "$mode: the core file exists" test -s "$core"
	addr=$(printf '%s\n' "$TAP_OUT" | sed -n 's/^marker \(0x[0-9a-f]*\) .*/\1/p')
	matches=$(tap_json "$TAP_OUT" find matches)
	tap_like "$matches" "\"$addr\"" \
		"$mode: find saw the marker at $addr, where the program put it"
	frames=$(frames_of)
	regs=$(pti_json_eval regs \
		'" ".join("%s=%d" % (k, int(v, 16)) for k, v in o["regs"].items())')
	stack=$(tap_json "$TAP_OUT" x bytes)
	tids=$(pti_json_eval threads \
		'" ".join(sorted(str(t["tid"]) for t in o["threads"]))')
	vdso=$(pti_json_eval maps '" ".join(r["start"] + " " + r["end"]
		for r in o["regions"] if r["name"] == "[vdso]")')
	tap_like "$frames" '^main ' "$mode: ptinspect's bt reaches main"

	# gdb: frames, bytes, signal, threads.
	tap_run gdb -nx -batch -ex bt -ex "x/s $addr" -ex 'info threads' \
		-ex 'info registers' -ex 'x/256xb $rsp' \
		-ex "dump binary memory $TAP_TMP/vdso.core $vdso" \
		"$PROGS/gcore" "$core"
	printf '%s\n' "$TAP_OUT" >"$TAP_TMP/gdb.out"
	tap_is "$(python3 -c '
import re, sys
got = dict(re.findall(r"^([a-z0-9_]+) +(0x[0-9a-f]+) ", open(sys.argv[1]).read(), re.M))
bad = []
for kv in sys.argv[2].split():
	k, v = kv.split("=")
	if k in got and int(got[k], 16) != int(v):
		bad.append("%s: gdb %s, ptinspect %#x" % (k, got[k], int(v)))
print("; ".join(bad) if bad else "same (%d registers)" % len([k for k in got if k + "=" in sys.argv[2]]))
' "$TAP_TMP/gdb.out" "$regs")" "same (24 registers)" \
		"$mode: gdb reads the registers ptinspect's regs showed"
	tap_is "$(grep -E '^0x[0-9a-f]+:[[:space:]]+0x[0-9a-f]{2}([[:space:]]|$)' \
		"$TAP_TMP/gdb.out" | sed 's/^0x[0-9a-f]*:[[:space:]]*//' |
		tr -d ' \t\n' | sed 's/0x//g')" "$stack" \
		"$mode: gdb reads the 256 bytes at \$rsp that x showed"
	tap_unlike "$TAP_OUT
$TAP_ERR" 'BFD: |Failed to read|[Cc]annot access memory' \
		"$mode: gdb finds every page it needs (the vdso's too)"
	tap_ok "$mode: the vdso in the core is the kernel's vdso" \
		cmp -s "$TAP_TMP/vdso.core" "$TAP_TMP/vdso.live"
	tap_is "$(sed -n 's/^[* ] *[0-9]* *Thread 0x[0-9a-f]* (LWP \([0-9]*\)).*/\1/p' \
		"$TAP_TMP/gdb.out" | sort | tr '\n' ' ')" "$tids " \
		"$mode: gdb's threads are ptinspect's"
	tap_is "$(gdb_frames "$TAP_TMP/gdb.out")" "$frames" \
		"$mode: gdb shows ptinspect's frames and return addresses"
	tap_like "$TAP_OUT" "^#0 .*gcore_c.* at .*gcore\\.c:[0-9]+|^#0 .*_exit " \
		"$mode: gdb's frame #0 is where the program stopped"
	tap_like "$TAP_OUT" "^$addr:[[:space:]]+\"$marker\"" \
		"$mode: gdb reads the marker's bytes at $addr"
	tap_is "$(printf '%s\n' "$TAP_OUT" | grep -cE '^[* ] +[0-9]+ +Thread ')" \
		3 "$mode: gdb sees three threads"
	if [ "$mode" = crash ]; then
		tap_like "$TAP_OUT" '^Program terminated with signal SIGSEGV' \
			"$mode: gdb names the fatal signal"
	fi

	# elfutils.
	if command -v eu-stack >/dev/null 2>&1; then
		tap_run eu-stack --core="$core" -e "$PROGS/gcore"
		tap_is "$TAP_RC" 0 "$mode: eu-stack --core unwinds it"
		tap_like "$(printf '%s\n' "$TAP_OUT" | awk '{print $3}' |
			tr '\n' ' ')" 'gcore_c gcore_b gcore_a main ' \
			"$mode: eu-stack shows gcore_c gcore_b gcore_a main"
		tap_is "$(printf '%s\n' "$TAP_OUT" | grep -c '^TID ')" 3 \
			"$mode: eu-stack shows three threads"
		tap_run eu-readelf -n "$core"
		notes=$(printf '%s\n' "$TAP_OUT" |
			awk '/^  (CORE|LINUX) /{ t = $3
				if (t == "<unknown>:") t = "type" $4
				print t }' | LC_ALL=C sort | uniq -c |
			awk '{print $2 "=" $1}' | tr '\n' ' ')
		tap_is "$notes" "AUXV=1 FILE=1 FPREGSET=3 PRPSINFO=1 PRSTATUS=3 SIGINFO=1 X86_XSTATE=3 type517=1 " \
			"$mode: eu-readelf -n lists every note (517: XSAVE layout)"
		if [ "$mode" = crash ]; then
			tap_like "$TAP_OUT" 'si_signo: 11,' \
				"$mode: NT_SIGINFO holds SIGSEGV"
			tap_like "$TAP_OUT" 'fault address: 0x28$' \
				"$mode: ... and its fault address"
		fi
	else
		echo "# SKIP no eu-stack"
		tap_skip "no eu-stack (elfutils)" 5
	fi

	# Sparse: the 64 MiB malloc'd but never written are holes.
	apparent=$(du -k --apparent-size "$core" | cut -f1)
	used=$(du -k "$core" | cut -f1)
	tap_ok "$mode: sparse, ${used} KiB on disk of ${apparent} KiB" \
		test "$apparent" -gt 65536 -a "$used" -lt $((apparent / 8))
done

# The kernel's own core of the same program, where core_pattern writes a
# file into the working directory: the same notes, in the same order, of
# the same sizes, and the same XSAVE layout.
notes_of()
{
	python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read()
phoff, = struct.unpack_from("<Q", d, 0x20)
t, fl, off, va, pa, fs = struct.unpack_from("<IIQQQQ", d, phoff)
p = off
while p < off + fs:
	nsz, dsz, typ = struct.unpack_from("<III", d, p)
	p += 12
	name = d[p:p + nsz - 1].decode()
	p += (nsz + 3) // 4 * 4
	desc = d[p:p + dsz]
	p += (dsz + 3) // 4 * 4
	print(name, hex(typ), dsz, desc.hex() if typ == 0x205 else "")
' "$1"
}
kdir=$TAP_TMP/kernel-core
mkdir -p "$kdir"
pattern=$(cat /proc/sys/kernel/core_pattern 2>/dev/null)
# A pattern that pipes the core to a program (systemd-coredump, apport)
# is left alone: nothing of this test goes to the system's crash records.
case $pattern in
'|'*) ;;
*)	(cd "$kdir" && ulimit -c unlimited 2>/dev/null &&
		exec "$PROGS/gcore" crash) >/dev/null 2>&1 ;;
esac
kcore=$(ls "$kdir" | head -n 1)
if [ -n "$kcore" ]; then
	knotes=$(notes_of "$kdir/$kcore")
	ours=$(notes_of "$TAP_TMP/core.crash")
	# Kernels before the XSAVE layout note (0x205) do not write it.
	case $knotes in
	*" 0x205 "*) ;;
	*) ours=$(printf '%s\n' "$ours" | grep -v ' 0x205 ') ;;
	esac
	tap_is "$ours" "$knotes" \
		"the notes are the kernel's core's: order, sizes, XSAVE layout"
else
	echo "# SKIP no kernel core to compare with (core_pattern '$pattern')"
	tap_skip "no kernel core (core_pattern '$pattern', ulimit -c)"
fi

# The default name, and an error that names the file.
cd "$TAP_TMP" || tap_bail "cd $TAP_TMP"
pti_run --batch --json -ex gcore -ex 'gcore /nonexistent/dir/core' \
	"$PROGS/gcore" exit
pid=$(tap_json "$TAP_OUT" gcore file | sed 's/^core\.//')
tap_ok "gcore without FILE writes core.PID" test -s "core.$pid"
tap_like "$TAP_OUT" '"error":.*/nonexistent/dir/core: No such file' \
	"an unwritable FILE is named in the error"
cd - >/dev/null || true

pti_done
