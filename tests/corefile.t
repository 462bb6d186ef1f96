#!/bin/sh
# corefile.t: the core file reader (src/corefile.c) and unwinder
# (src/coreunwind.c), through tests/corefile-dump, on cores of
# tests/progs/gcore written three ways: (a) ptinspect's own `gcore`,
# (b) gdb's `gcore`, (c) the kernel (where core_pattern writes a file).
# Oracles: eu-readelf -l (segments) and -n (psinfo, siginfo), the
# program's /proc/PID/maps read by gdb before it wrote its core, gdb's
# `info threads` and `info registers` for every thread, gdb's `x/s` at the
# marker the program printed, eu-stack --core and gdb's `bt`. Then a core
# whose executable moved away (a warning naming it; frames found again
# with the executable given), bad input (text, head -c cuts, an
# executable, a kernel core of a 32-bit program), all under valgrind too.

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"
tap_require_cmd python3 gdb eu-readelf eu-stack

DUMP=$TOP_BUILDDIR/tests/corefile-dump
PROG=$PROGS/gcore
marker=GCORE-MARKER-7f3a9c-in-the-heap

cat >"$TAP_TMP/cmp.py" <<'EOF'
import re, sys

def dump(path):
    regs, regions, threads = {}, [], []
    for l in open(path):
        w = l.split()
        if w[0] == "thread":
            threads.append(w[1])
            regs[w[1]] = dict(kv.split("=") for kv in w[2:])
        elif w[0] == "region":
            s, e = w[1].split("-")
            regions.append((int(s, 16), int(e, 16), w[2], int(w[3], 16),
                            w[6] if len(w) > 6 else ""))
    return regs, regions, threads

what = sys.argv[1]
regs, regions, threads = dump(sys.argv[2])
if what == "readelf":
    # eu-readelf -l: LOAD VirtAddr MemSiz Flg
    want = []
    for l in open(sys.argv[3]):
        w = l.split()
        if w and w[0] == "LOAD":
            flg = "".join(x for x in w[6:-1])
            perms = ("r" if "R" in flg else "-") + ("w" if "W" in flg else "-") + ("x" if "E" in flg else "-")
            want.append((int(w[2], 16), int(w[2], 16) + int(w[5], 16), perms))
    got = [(s, e, p[:3]) for s, e, p, o, n in regions]
    print("same %d" % len(got) if sorted(want) == got else
          "differ: readelf %s ours %s" % (sorted(set(want) - set(got))[:3], sorted(set(got) - set(want))[:3]))
elif what == "maps":
    # /proc/PID/maps as gdb's python read it before the core was written
    live = {}
    for l in open(sys.argv[3]):
        m = re.match(r"([0-9a-f]+)-([0-9a-f]+) (\S+) ([0-9a-f]+) \S+ \d+ *(.*)$", l.strip())
        if m:
            live[int(m.group(1), 16)] = (int(m.group(2), 16), m.group(3), int(m.group(4), 16), m.group(5))
    bad, named = [], 0
    for s, e, p, o, n in regions:
        if s not in live:
            bad.append("%x not in maps" % s)
            continue
        le, lp, lo, ln = live[s]
        # gdb's gcore marks every segment readable (guard pages, vsyscall)
        if e != le or p[1:3] != lp[1:3] or (p[0] == "-" and lp[0] == "r"):
            bad.append("%x-%x %s vs maps %x %s" % (s, e, p, le, lp))
        if n.startswith("/"):
            named += 1
            if n != ln or o != lo:
                bad.append("%x %s+%x vs maps %s+%x" % (s, n, o, ln, lo))
        elif n and n != ln:
            bad.append("%x %s vs maps %s" % (s, n, ln))
    print("; ".join(bad[:4]) if bad else "all %d regions in maps, %d file names and offsets" % (len(regions), named))
elif what == "regs":
    # gdb: "Thread N (... (LWP tid)):" then "name 0x... ..." lines
    text = open(sys.argv[3]).read()
    gdb, cur = {}, None
    for l in text.splitlines():
        m = re.match(r"Thread \d+ \(.*LWP (\d+)\)\)?:", l)
        if m:
            cur = gdb.setdefault(m.group(1), {})
            continue
        m = re.match(r"([a-z0-9_]+) +(0x[0-9a-f]+) ", l)
        if m and cur is not None:
            cur[m.group(1)] = int(m.group(2), 16)
    bad, n = [], 0
    if sorted(gdb) != sorted(threads):
        bad.append("threads: gdb %s ours %s" % (sorted(gdb), sorted(threads)))
    for t in threads:
        for k, v in gdb.get(t, {}).items():
            if k in regs[t]:
                n += 1
                if int(regs[t][k]) != v:
                    bad.append("%s %s: gdb %#x ours %#x" % (t, k, v, int(regs[t][k])))
    print("; ".join(bad[:4]) if bad else "same %d threads, %d registers" % (len(threads), n))
EOF

# check_core NAME CORE [MAPS]: every oracle on one core.
check_core()
{
	name=$1 core=$2 maps=${3:-}
	tap_run "$DUMP" "$core"
	tap_is "$TAP_RC" 0 "$name: opens ($TAP_ERR)"
	cp "$TAP_TMP/out" "$TAP_TMP/dump.$name"
	tap_unlike "$TAP_OUT" '^warning' "$name: no warnings (every file there)"
	tap_like "$TAP_OUT" '^region .* r-xp [0-9a-f]+ 00:00 0 .*/gcore$' \
		"$name: the program's text is named from NT_FILE"

	eu-readelf -l "$core" >"$TAP_TMP/phdrs.$name"
	tap_like "$(python3 "$TAP_TMP/cmp.py" readelf "$TAP_TMP/dump.$name" \
		"$TAP_TMP/phdrs.$name")" '^same [0-9]+$' \
		"$name: regions are eu-readelf -l's PT_LOADs (address, size, flags)"
	if [ -n "$maps" ]; then
		tap_like "$(python3 "$TAP_TMP/cmp.py" maps "$TAP_TMP/dump.$name" \
			"$maps")" '^all [0-9]+ regions in maps, [1-9][0-9]* file' \
			"$name: regions, names and offsets as /proc/PID/maps had them"
	fi

	tap_run eu-readelf -n "$core"
	pid=$(printf '%s\n' "$TAP_OUT" | sed -n 's/^ *uid: .*, pid: \([0-9]*\), ppid: \([0-9]*\),.*/\1 \2/p' | head -n 1)
	# (eu-readelf puts psargs on a line of its own when the two are long)
	fname=$(printf '%s\n' "$TAP_OUT" | sed -n 's/^ *fname: \([^, ]*\).*/\1/p' | head -n 1)
	tap_like "$(cat "$TAP_TMP/dump.$name")" \
		"^psinfo pid=${pid% *} ppid=${pid#* } .*fname=$fname psargs=.*gcore crash" \
		"$name: psinfo as eu-readelf -n reads it (pid ${pid% *}, $fname)"
	if printf '%s\n' "$TAP_OUT" | grep -q 'fault address: 0x28'; then
		tap_like "$(cat "$TAP_TMP/dump.$name")" \
			'^siginfo signo=11 code=1 addr=0x28$' \
			"$name: siginfo SIGSEGV at 0x28, as eu-readelf -n reads it"
	else
		tap_skip "$name: no NT_SIGINFO with the fault address in this core"
	fi

	addr=$(sed -n 's/^marker \(0x[0-9a-f]*\) .*/\1/p' "$TAP_TMP/prog.$name")
	tap_run gdb -nx -batch -ex 'echo BT-BEGIN\n' -ex bt \
		-ex 'echo BT-END\n' -ex 'info threads' \
		-ex 'x/64xb $rsp' -ex 'echo X-END\n' \
		-ex 'thread apply all info registers' -ex "x/s $addr" \
		-ex 'thread apply all bt' "$PROG" "$core"
	printf '%s\n' "$TAP_OUT" >"$TAP_TMP/gdb.$name"
	tap_like "$(python3 "$TAP_TMP/cmp.py" regs "$TAP_TMP/dump.$name" \
		"$TAP_TMP/gdb.$name")" '^same 3 threads, 7[0-9] registers' \
		"$name: threads and registers are gdb's"
	tap_like "$TAP_OUT" "^$addr:[[:space:]]+\"$marker\"" \
		"$name: gdb reads the marker at $addr"
	rsp=$(sed -n '/^thread /{s/.* rsp=\([0-9]*\) .*/\1/p;q;}' "$TAP_TMP/dump.$name")
	gdbx=$(sed -n '/^BT-END/,/^X-END/p' "$TAP_TMP/gdb.$name" |
		grep -E '^0x[0-9a-f]+.*:[[:space:]]+0x[0-9a-f]{2}([[:space:]]|$)' |
		sed 's/^[^:]*:[[:space:]]*//' | tr -d ' \t\n' | sed 's/0x//g')
	tap_run "$DUMP" -x "$rsp" -n 64 "$core"
	tap_is "$TAP_OUT" "$gdbx" "$name: the 64 bytes at the first thread's rsp are gdb's"
	tap_run "$DUMP" -s "$addr" "$core"
	tap_is "$TAP_OUT" "$marker" "$name: corefile_read reads it too"

	# Backtraces: function names per thread against eu-stack and gdb.
	tap_run "$DUMP" -b -e "$PROG" "$core"
	ours=$(printf '%s\n' "$TAP_OUT" | awk '/^TID/{print; next}
		/^#/{print $3}' | sed 's/+0x[0-9a-f]*$//' | tr '\n' ' ')
	tap_like "$ours" '^TID [0-9]+: gcore_c gcore_b gcore_a main ' \
		"$name: the crashing thread's frames: gcore_c gcore_b gcore_a main"
	tap_like "$TAP_OUT" '^#0 .* gcore_c\+0x[0-9a-f]+ gcore .*tests/progs/gcore\.c:[0-9]+$' \
		"$name: frame #0 has module and file:line"
	tap_run eu-stack --core="$core" -e "$PROG"
	theirs=$(printf '%s\n' "$TAP_OUT" | awk '/^TID/{print; next}
		/^#/{print $3}' | sed 's/@.*//' | tr '\n' ' ')
	tap_is "$ours" "$theirs" \
		"$name: the same threads and functions as eu-stack (no @@VERSION)"
	gdbf=$(sed -n '/^BT-BEGIN/,/^BT-END/s/^#[0-9]* *\(0x[0-9a-f]* in \)\{0,1\}\([A-Za-z_][A-Za-z0-9_]*\) .*/\2/p' \
		"$TAP_TMP/gdb.$name" | head -n 4 | tr '\n' ' ')
	tap_is "$gdbf" "gcore_c gcore_b gcore_a main " \
		"$name: gdb's bt agrees on the crashing thread"
}

# (a) ptinspect's gcore at the crash pause.
pti_run --batch -ex "gcore $TAP_TMP/core.pti" "$PROG" crash
printf '%s\n' "$TAP_OUT" >"$TAP_TMP/prog.pti"
tap_ok "ptinspect wrote a core" test -s "$TAP_TMP/core.pti"
check_core pti "$TAP_TMP/core.pti"
pti_addr=$addr

# (b) gdb's gcore at the SIGSEGV, /proc/PID/maps read just before.
tap_run gdb -nx -batch -ex run \
	-ex 'python print(open("/proc/%d/maps" % gdb.selected_inferior().pid).read(), file=open("'"$TAP_TMP"'/maps.gdb", "w"))' \
	-ex "gcore $TAP_TMP/core.gdb" --args "$PROG" crash
printf '%s\n' "$TAP_OUT" >"$TAP_TMP/prog.gdb"
tap_ok "gdb wrote a core" test -s "$TAP_TMP/core.gdb"
check_core gdb "$TAP_TMP/core.gdb" "$TAP_TMP/maps.gdb"

# (c) the kernel's, when core_pattern writes a file in the working directory.
pattern=$(cat /proc/sys/kernel/core_pattern 2>/dev/null)
kdir=$TAP_TMP/kernel
mkdir -p "$kdir"
case $pattern in
'|'*|*/*) ;;
*)	(cd "$kdir" && ulimit -c unlimited 2>/dev/null &&
		"$PROG" crash) >"$TAP_TMP/prog.kernel" 2>/dev/null ;;
esac
kcore=$(ls "$kdir" 2>/dev/null | head -n 1)
if [ -n "$kcore" ]; then
	check_core kernel "$kdir/$kcore"
else
	echo "# SKIP no kernel core (core_pattern '$pattern', ulimit -c)"
	tap_skip "no kernel core (core_pattern '$pattern')" 14
fi

# A core whose executable moved: a warning naming it, not a failure;
# the unwinder says which module it could not find, and finds the frames
# again when given the executable (same build id).
mkdir -p "$TAP_TMP/moved"
cp "$PROG" "$TAP_TMP/moved/gcore"
pti_run --batch -ex "gcore $TAP_TMP/core.moved" "$TAP_TMP/moved/gcore" crash
rm -f "$TAP_TMP/moved/gcore"
tap_run "$DUMP" "$TAP_TMP/core.moved"
tap_is "$TAP_RC" 0 "moved: the core still opens"
tap_like "$TAP_OUT" "^warning $TAP_TMP/moved/gcore: mapped file is gone" \
	"moved: the warning names the missing executable"
tap_run "$DUMP" -b "$TAP_TMP/core.moved"
tap_like "$TAP_OUT" "^missing .*moved/gcore" \
	"moved: the unwinder names the module it could not find"
tap_run "$DUMP" -b -e "$PROG" "$TAP_TMP/core.moved"
tap_like "$(printf '%s\n' "$TAP_OUT" | awk '/^#/{print $3}' | tr '\n' ' ')" \
	'^gcore_c\+0x[0-9a-f]+ gcore_b' \
	"moved: with the executable given, its functions are back"

# Bad input: a text file, a truncated core (head -c), an executable.
printf 'not a core\n' >"$TAP_TMP/text"
tap_run "$DUMP" "$TAP_TMP/text"
tap_like "$TAP_RC:$TAP_ERR" "^1:corefile-dump: $TAP_TMP/text: not an ELF file" \
	"a text file: not an ELF file"
head -c 100000 "$TAP_TMP/core.pti" >"$TAP_TMP/core.cut"
tap_run "$DUMP" "$TAP_TMP/core.cut"
tap_like "$TAP_RC:$TAP_ERR" "^1:corefile-dump: $TAP_TMP/core.cut: truncated: segment 0x[0-9a-f]+-0x[0-9a-f]+ needs bytes up to [0-9]+, the file has 100000$" \
	"head -c 100000 of a core: truncated, naming the segment"
head -c 1000 "$TAP_TMP/core.pti" >"$TAP_TMP/core.cut"
tap_run "$DUMP" "$TAP_TMP/core.cut"
tap_like "$TAP_RC:$TAP_ERR" "^1:.*core.cut: truncated: the (notes|program headers)" \
	"head -c 1000 of a core: truncated in its headers or notes"
tap_run "$DUMP" "$PROG"
tap_like "$TAP_RC:$TAP_ERR" "^1:.*gcore: not a core file \\(ET_DYN" \
	"an executable: not a core file"

# A 32-bit program's kernel core, if gcc can build one without a libc.
printf 'void _start(void) { *(volatile int *)0 = 0; }\n' >"$TAP_TMP/s32.c"
core32=
if gcc -m32 -nostdlib -static -fno-pie -no-pie -o "$TAP_TMP/s32" \
	"$TAP_TMP/s32.c" >/dev/null 2>&1 && [ -n "$kcore" ]; then
	mkdir -p "$TAP_TMP/k32"
	(cd "$TAP_TMP/k32" && ulimit -c unlimited 2>/dev/null &&
		"$TAP_TMP/s32") >/dev/null 2>&1
	core32=$(ls "$TAP_TMP/k32" | head -n 1)
fi
if [ -n "$core32" ]; then
	tap_run "$DUMP" "$TAP_TMP/k32/$core32"
	tap_like "$TAP_RC:$TAP_ERR" "^1:.*: a 32-bit ELF file; only 64-bit x86-64 cores are read" \
		"a 32-bit kernel core: refused, saying so"
else
	echo "# SKIP no 32-bit core: gcc -m32 -nostdlib failed, the kernel" \
		"cannot run 32-bit programs (no IA32 emulation), or no kernel cores"
	tap_skip "no 32-bit kernel core could be made"
fi

# valgrind: the reader and the unwinder on a real core, and on bad input.
if command -v valgrind >/dev/null 2>&1; then
	bad=
	for args in "$TAP_TMP/core.pti" "-s $pti_addr $TAP_TMP/core.pti" \
		"-b -e $PROG $TAP_TMP/core.pti" "-b $TAP_TMP/core.moved" \
		"$TAP_TMP/text" "$TAP_TMP/core.cut" "$PROG"; do
		# shellcheck disable=SC2086 # split on purpose
		TAP_TIMEOUT=120 tap_run valgrind -q --error-exitcode=99 \
			--leak-check=full --errors-for-leak-kinds=definite \
			"$DUMP" $args
		[ "$TAP_RC" = 99 ] && bad="$bad [$args]"
	done
	tap_is "$bad" "" "valgrind: no errors or leaks, good cores and bad input"
else
	echo "# SKIP no valgrind"
	tap_skip "no valgrind"
fi

pti_done
