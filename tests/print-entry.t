#!/bin/sh
# print-entry.t: parameters whose location is an entry value of a form
# ptinspect cannot read (DW_OP_entry_value of DW_OP_bregN 8, not a single
# register): gcc's -O2 assembly of a small program, its location lists'
# DW_OP_entry_value(DW_OP_regN) rewritten so, assembled. `args` in frames
# 2 and 3 must be gdb's `info args` on a core of the same pause, where
# gdb's "<error reading variable ...: DW_OP_entry_value is supported only
# for ...>" is ptinspect's "<optimized out>"; the parameters it can read
# (a struct, a register, p@entry from the call site) as gdb's. No command
# fails.

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"
tap_require_cmd python3
command -v gdb >/dev/null 2>&1 || tap_skip_all "no gdb (the oracle)"
command -v gcc >/dev/null 2>&1 || tap_skip_all "no gcc (builds the program)"

cat >"$TAP_TMP/ev.c" <<'EOF2'
#include <unistd.h>
#include <sys/syscall.h>

struct big { long a[8]; };
volatile long sink;

__attribute__((noinline)) void stop(void)
{
	syscall(SYS_exit_group, 4);
	sink++;
}

__attribute__((noinline)) long f(struct big b, int *p, int n)
{
	long s = b.a[0] + *p;

	sink = s;
	stop();
	return s + n;
}

__attribute__((noinline)) long g(int v, int *p)
{
	int x = *p + v;

	sink = x;
	f((struct big){ { x, 2 } }, &x, v);
	return x;
}

int main(int argc, char **argv)
{
	int k = argc + 10;

	(void)argv;
	return (int)g(argc * 3, &k);
}
EOF2
gcc -g -O2 -S -dA -o "$TAP_TMP/ev.s" "$TAP_TMP/ev.c" ||
	tap_skip_all "gcc -S failed"
n=$(python3 -c '
import re, sys
s = open(sys.argv[1]).read()
pat = re.compile(r"\t\.uleb128 0x4\t# Location expression size\n"
	r"\t\.byte\t0xa3\t# DW_OP_entry_value\n\t\.uleb128 0x1\n"
	r"\t\.byte\t0x5([0-9a-f])\t# DW_OP_reg\d+\n\t\.byte\t0x9f")
s, n = pat.subn(lambda m: "\t.uleb128 0x5\n\t.byte\t0xa3\n\t.uleb128 0x2\n"
	"\t.byte\t0x7%s\n\t.sleb128 8\n\t.byte\t0x9f" % m.group(1), s)
open(sys.argv[2], "w").write(s)
print(n)' "$TAP_TMP/ev.s" "$TAP_TMP/ev2.s")
[ "${n:-0}" -gt 0 ] ||
	tap_skip_all "gcc's assembly has no DW_OP_entry_value(DW_OP_regN) to rewrite"
gcc -g -o "$TAP_TMP/ev2" "$TAP_TMP/ev2.s" || tap_bail "cannot assemble"
tap_diag "$n entry values rewritten to DW_OP_entry_value(DW_OP_bregN 8)"

pti_run --batch -ex "gcore $TAP_TMP/ev.core" -ex 'frame 2' -ex args \
	-ex 'frame 3' -ex args "$TAP_TMP/ev2"
tap_is "$TAP_RC" 4 "exit status 4 after args"
tap_is "$(printf '%s\n' "$TAP_ERR" | grep -v 'core:.*written')" "" \
	"no command failed"
ours=$(printf '%s\n' "$TAP_OUT" | grep '^[a-z]* = ')
gdbs=$(gdb -nx -batch -ex 'frame 2' -ex 'info args' -ex 'frame 3' \
	-ex 'info args' "$TAP_TMP/ev2" "$TAP_TMP/ev.core" 2>/dev/null |
	grep '^[a-z]* = ')
tap_like "$gdbs" 'DW_OP_entry_value is supported only' \
	"gdb cannot read a parameter of the rewritten form either"
tap_is "$ours" "$(printf '%s\n' "$gdbs" | sed 's/<error reading variable [a-z]* ([^>]*DW_OP_entry_value is supported only[^>]*)>/<optimized out>/')" \
	"frames 2-3: args as gdb's, its unreadable entry values <optimized out>"
tap_like "$ours" '^b = \{a = \{' "frame 2: the struct argument is read"

pti_done
