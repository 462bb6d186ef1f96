#!/bin/sh
# bt-tailcall.t: frames of functions that ended in a tail call, which the
# stack no longer holds, shown as gdb synthesizes them from DWARF call
# sites. tests/progs/bt-tailcall.c at -O2: main calls first, which jumps
# to second, which jumps to leaf, which calls syscall(SYS_exit_group).
# gdb's bt on a core of the held process is the oracle: the same
# functions at the same frame numbers, live and post-mortem, with
# "tailcall" in the JSON, and `frame`/`up` numbering them.

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"
command -v gdb >/dev/null 2>&1 || tap_skip_all "no gdb (the oracle)"
tap_require_cmd objdump
tap_require_cmd readelf
tap_require_cmd python3

prog=$PROGS/bt-tailcall

# The program must have what the test is about: the two jumps, and the
# call sites that tell them.
dis=$(objdump -d --no-show-raw-insn "$prog")
for j in 'first>:.*jmp *[0-9a-f]* <second>' 'second>:.*jmp *[0-9a-f]* <leaf>'
do
	printf '%s\n' "$dis" | awk '/^[0-9a-f]+ </{f=$2} /jmp/{print f $0}' |
		grep -q "$j" ||
		tap_skip_all "bt-tailcall has no tail call ($j; CFLAGS?)"
done
case $(readelf --debug-dump=info "$prog" 2>/dev/null) in
*DW_AT_call_tail_call*|*DW_AT_GNU_tail_call*) ;;
*) tap_skip_all "bt-tailcall has no tail call sites (compiler?)" ;;
esac

# names: "#N function" per frame line.
names()
{
	sed -n 's/^\(#[0-9]*\)  *\(0x[0-9a-f]* in \)\{0,1\}/\1 /p' |
		sed 's/^\(#[0-9]* [A-Za-z_][A-Za-z0-9_.]*\).*$/\1/'
}

# last_bt: the names of the last text bt's frames, from its "#0" to main
# (gdb prints frame #0's line before its bt too).
last_bt()
{
	grep '^#' | names | awk '/^#0 /{n=0} {l[n++]=$0}
		END{for(i=0;i<n;i++)print l[i]}' | sed '/ main$/q'
}

# as_gdb NAME WHAT: $TAP_TMP/NAME (a last_bt) is gdb's.
as_gdb()
{
	if cmp -s "$TAP_TMP/gdb" "$TAP_TMP/$1"; then
		tap_pass "$2: functions and frame numbers as gdb's"
	else
		tap_fail "$2: functions and frame numbers as gdb's"
		diff "$TAP_TMP/gdb" "$TAP_TMP/$1" | sed 's/^/# /'
	fi
}

core=$TAP_TMP/tc.core
pti_run --batch -ex "gcore $core" -ex bt -ex 'frame 2' -ex up -ex down \
	"$prog"
tap_is "$TAP_RC" 6 "bt-tailcall: exit status 6"
ours=$TAP_OUT
gdb -nx -batch -ex bt "$prog" "$core" 2>/dev/null |
	last_bt >"$TAP_TMP/gdb"
tap_is "$(tr '\n' ' ' <"$TAP_TMP/gdb")" \
	'#0 syscall #1 leaf #2 second #3 first #4 main ' \
	"gdb's bt: leaf, then the tail callers second and first, then main"
printf '%s\n' "$ours" | last_bt >"$TAP_TMP/live"
as_gdb live "live bt"
# frame 2, up, down: the last three frame lines (gdb's form).
tap_is "$(printf '%s\n' "$ours" | grep '^#' | tail -n 3 | names |
	tr '\n' ' ')" '#2 second #3 first #2 second ' \
	"frame 2, up, down: second, first, second"
# gdb shows the tail callers' pcs as the addresses after their jumps.
gdb_pcs=$(gdb -nx -batch -ex bt "$prog" "$core" 2>/dev/null |
	sed -n 's/^#[23]  *\(0x[0-9a-f]*\) in .*/\1/p' | tr '\n' ' ')
our_pcs=$(printf '%s\n' "$ours" | awk '/^#0 /{n++} n==1' |
	sed -n 's/^#[23]  *\(0x[0-9a-f]*\) in .*/\1/p' | sed -n 1,2p |
	tr '\n' ' ')
tap_is "$our_pcs" "$gdb_pcs" "live bt: the tail callers' pcs as gdb's"

# Post-mortem, on the same core.
pti_run --core="$core" --batch -ex bt "$prog"
printf '%s\n' "$TAP_OUT" | last_bt >"$TAP_TMP/core"
as_gdb core "--core bt"

# JSON: "tailcall" marks the synthesized frames only.
pti_run --batch --json -ex bt "$prog"
tap_is "$(printf '%s\n' "$TAP_OUT" | python3 -c '
import json, sys
for l in sys.stdin:
	o = json.loads(l) if l.startswith("{") else {}
	if o.get("cmd") == "bt":
		f = o["threads"][0]["frames"][:5]
		print(" ".join("%s:%d" % (x["function"], x["tailcall"])
		    for x in f))
		break
')" 'syscall:0 leaf:0 second:1 first:1 main:0' \
	"--json bt: second and first have \"tailcall\":true"

pti_done
