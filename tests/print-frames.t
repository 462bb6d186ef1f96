#!/bin/sh
# print-frames.t: variables of outer frames at -O2, with gdb as the oracle
# on a core ptinspect wrote of the same pause. print-frames keeps outer's
# and middle's values in callee-saved registers (rbx, rbp, r12-r15) across
# their calls: frames 1 and 2 read them through the unwinder's registers
# (libunwind live, libdwfl on a core), and inner's parameter, dead by its
# system call, is an entry value read at middle's call site. Each frame's
# print, args and locals, and bt's arguments, must be gdb's: live, on
# --core of that core, and on --snapshot of a `save` of the same pause.

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"
command -v gdb >/dev/null 2>&1 || tap_skip_all "no gdb (the oracle)"
tap_require_cmd readelf

prog=$PROGS/print-frames

# The program must have what the test is about: an entry value, and the
# call site that gives it.
info=$(readelf --debug-dump=info,loc "$prog" 2>/dev/null)
case $info in
*DW_TAG_call_site_parameter*) ;;
*) tap_skip_all "print-frames has no call site information (compiler?)" ;;
esac
case $info in
*DW_OP_entry_value*) ;;
*) tap_skip_all "print-frames has no entry value (compiler?)" ;;
esac

cat >"$TAP_TMP/exprs" <<'EOF2'
frame 0
v
v + 1
frame 1
a
b
c
s
u
a * 100 + b
frame 2
k
m
n
EOF2
pti_print_cmds "$TAP_TMP/exprs" "$TAP_TMP/ours.cmds" "$TAP_TMP/gdb.cmds"
printf 'bt\n' | tee -a "$TAP_TMP/ours.cmds" >>"$TAP_TMP/gdb.cmds"
pti_run --batch -ex "gcore $TAP_TMP/pf.core" -ex "save $TAP_TMP/snap" \
	-x "$TAP_TMP/ours.cmds" "$prog"
tap_is "$TAP_RC" 3 "print-frames: exit status 3"
ours_out=$TAP_OUT

# Values: ours without the frame lines; gdb's without its banner, frame
# and source lines.
values()
{
	grep -v '^#[0-9]' | grep -v '^print-frames:' |
		grep -v '^/.*: 1 thread\|^/.*: [0-9]* files'
}
gdb -nx -batch -x "$TAP_TMP/gdb.cmds" "$prog" "$TAP_TMP/pf.core" \
	>"$TAP_TMP/gdb.all" 2>/dev/null
grep -v '^#[0-9]' "$TAP_TMP/gdb.all" | grep -v '^[0-9]*\s' |
	grep -v '^\[\|^Core was\|^Program\|^warning\|^$\|^Using\|^Download' \
	>"$TAP_TMP/gdb"
n=$(wc -l <"$TAP_TMP/gdb")
tap_ok "gdb printed all $n lines" [ "$n" -ge 20 ]
# Without the unwinder's registers these are <optimized out>: make sure
# gdb does read them.
tap_is "$(grep -c 'optimized out' "$TAP_TMP/gdb")" 4 \
	"gdb: only t, r, n (twice) are optimized out"

# bt: each frame's function and arguments (ours "middle+0x35 (a=12)",
# gdb's "middle (a=12, c=c@entry=21)").
bt_args()
{
	sed 's/^\(#[0-9]\)  *\(0x[0-9a-f]* in \)\{0,1\}/\1 /' |
		sed -n 's/^\(#[0-9] [a-z_]*\)[+0-9a-fx]* \((.*)\) .*$/\1 \2/p' |
		sed -n '/ main /q;p'
}
# bt is the last command: its frames 0-2 from the last "#0" (frame N
# printed lines like them before).
last_bt()
{
	grep '^#[0-9]  ' | awk '/^#0 /{n=0} {l[n++]=$0}
		END{for(i=0;i<n;i++)print l[i]}' | sed -n '/^#3/q;p' | bt_args
}
last_bt <"$TAP_TMP/gdb.all" >"$TAP_TMP/gdb.bt"
tap_is "$(wc -l <"$TAP_TMP/gdb.bt")" 3 "gdb's bt has inner, middle, outer"
tap_like "$(cat "$TAP_TMP/gdb.bt")" '^#0 inner \(v=v@entry=34\)$' \
	"gdb's bt: inner's v, which only its entry value gives"

check()
{
	what=$1 out=$2
	printf '%s\n' "$out" | values >"$TAP_TMP/ours"
	if cmp -s "$TAP_TMP/ours" "$TAP_TMP/gdb"; then
		tap_pass "$what: frames 0-2: print, args, locals as gdb's ($n)"
	else
		tap_fail "$what: frames 0-2: print, args and locals as gdb's"
		diff "$TAP_TMP/gdb" "$TAP_TMP/ours" | sed 's/^/# /' | head -30
	fi
	printf '%s\n' "$out" | last_bt >"$TAP_TMP/ours.bt"
	if cmp -s "$TAP_TMP/ours.bt" "$TAP_TMP/gdb.bt"; then
		tap_pass "$what: bt's arguments of frames 0-2 as gdb's"
	else
		tap_fail "$what: bt's arguments of frames 0-2 as gdb's"
		diff "$TAP_TMP/gdb.bt" "$TAP_TMP/ours.bt" | sed 's/^/# /'
	fi
}
check live "$ours_out"
pti_run --core="$TAP_TMP/pf.core" --batch -x "$TAP_TMP/ours.cmds" "$prog"
tap_is "$TAP_RC" 0 "--core: exit status 0"
tap_is "$TAP_ERR" "" "--core: no errors"
check --core "$TAP_OUT"
pti_run --snapshot="$TAP_TMP/snap" --batch -x "$TAP_TMP/ours.cmds" \
	"$prog"
tap_is "$TAP_ERR" "" "--snapshot: no errors"
check --snapshot "$TAP_OUT"

pti_done
