#!/bin/sh
# print-ops.t: print's C operators on print-vars (paused in exit_group
# three frames deep), gdb as the oracle on a core ptinspect wrote of the
# same pause: comparisons and ! (an int 0 or 1), && || ?: (the side not
# taken is not evaluated: a null dereference there is no error), bitwise
# operators and shifts (counts out of range too), unary minus, sizeof of
# types and of expressions, float and double literals and arithmetic
# (float with int stays float, NaN and inf), u and l suffixes, C's
# precedence. Then the errors gdb also refuses, and --json's types.

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"
command -v gdb >/dev/null 2>&1 || tap_skip_all "no gdb (the oracle)"

prog=$PROGS/print-vars

cat >"$TAP_TMP/exprs" <<'EOF2'
1 == 1
numbers[1] < numbers[0]
numbers[0] > numbers[1] && numbers[2] > numbers[1]
1 != 2
1 <= 1
2 >= 3
-1 < 0u
(unsigned char)-1 == 255
(char)-1 == -1
'a' < 'b'
favourite == GREEN
mixed.fl.delta < 0
int_ptr == &numbers[2]
int_ptr - 1 < int_ptr
null_ptr == 0
!5
!!planet_list
!pi
1 && 0
5 || 0
0 && *null_ptr
0 && planet_list->next->next->next->moons
1 || *(int *)0
1 || 1/0
planet_list && planet_list->next && planet_list->next->moons > 0
null_ptr || 0
pi && 1
0 ? 1/0 : 5
1 ? pi : 2
3 > 2 ? 10 : 20
0 ? 1 : 0 ? 2 : 3
6 & 3
6 | 3
6 ^ 3
(numbers[0] | numbers[2]) ^ 1
~0
~small
~0u
small ^ 0xff
1 << 4
-16 >> 2
small << 2
small << 30
big >> 3
big >> 60
1 << 31
1 << 32
1L << 63
1ul << 63
-1 >> 40
1 >> -1
(unsigned)-1 >> 31
(long)-1 >> 63
4294967295 >> 1
-numbers[1]
-'a'
-big
-1ul
0x7fffffff + 1
10000000000 * 3
100000 * 100000
07 + 010
1 - -1
sizeof(int)
sizeof(char)
sizeof(unsigned long)
sizeof(long double)
sizeof(struct mixed)
sizeof(struct planet *)
sizeof(point_t)
sizeof(enum color)
sizeof(void)
sizeof numbers
sizeof numbers / sizeof numbers[0]
sizeof mixed.tag
sizeof *planet_list
sizeof planet_list
sizeof 'a'
sizeof main
sizeof pi + 1
sizeof(pi + 1)
sizeof(third * 2)
sizeof(int) * 2
sizeof(int) - 5
sizeof(struct planet) * 2 + 1
sizeof(int[3])
sizeof(struct planet[2][3])
sizeof(char *[4])
1.5
.5
1.
0.1
2.5e-3
1e10
1e3
123456789.0
1.5f
0.5f
pi * 2
pi + 1
pi - pi
-pi
1.0/3
7/2.0
100.0/3
5 / 2 * 2.0
-2.5 * -2
third * 2
third + third
third + 1
third * 3
-third
1.0f + 1
1.0f/3
(float)1/3
(float)0.1
(float)pi
(double)third
(double)3
(int)2.7
(long)1e300
(int)-1e300
(int)(0.0/0)
(unsigned char)(0.0/0)
(unsigned long)-1.5
(unsigned)1e10
(_Bool)0.5
(_Bool)2
numbers[0] * 1.5
big * 1.0
mixed.ratio*4
planet_list->next->moons * 2.5
mixed.pts[1].x * 1.0 / 7
1.0 == 1
pi == 3.14159
pi > 3
pi < third
third == 1.0f/3
2.5 * 4 == 10
pi / 0
-1.0/0
0.0/0
(float)1e40
0.0/0 == 0.0/0
0.0/0 != 0.0/0
1 + 2 * 3 == 7 && 4 > 3
10 > 3 > 0
1 == 2 == 0
5 & 3 == 3
2 + 3 << 1
1 | 2 ^ 3 & 4
1 || 0 && 0
numbers[1] * 3 + 2 > 0 ? numbers[1] : -numbers[1]
frame 1
count * scale
count > 2 && scale < 1.0
squares[3] << 1
sizeof squares
i == 4 ? squares[i - 1] : -1
EOF2
: >"$TAP_TMP/ours.cmds"
: >"$TAP_TMP/gdb.cmds"
while IFS= read -r e; do
	case $e in
	frame*)	printf '%s\n' "$e" | tee -a "$TAP_TMP/ours.cmds" \
			>>"$TAP_TMP/gdb.cmds" ;;
	*)	printf 'p %s\n' "$e" | tee -a "$TAP_TMP/ours.cmds" \
			>>"$TAP_TMP/gdb.cmds" ;;
	esac
done <"$TAP_TMP/exprs"
n=$(grep -c -v '^frame' "$TAP_TMP/exprs")
# What gdb refuses, ptinspect must refuse too, naming the operator; and
# result types, from gdb's whatis. One gdb run (it takes seconds to
# start): -x stops at an error, -ex does not.
bad='3.0 % 2|1.0 << 2|3 ^ pi|mixed == 1|~1.5|pi * int_ptr|1--1'
typed='1 < 2|third * 3|pi + 1|sizeof(int)|1u << 2|2L << 1|small << 2'
set --
IFS='|'
for e in $typed; do
	set -- "$@" -ex "whatis $e"
done
for e in $bad; do
	set -- "$@" -ex "p $e"
done
unset IFS
gdb_args=$(for a in "$@"; do printf '%s\n' "$a"; done)

set --
IFS='|'
for e in $bad; do
	set -- "$@" -ex "p $e"
done
unset IFS
pti_run --batch -ex "gcore $TAP_TMP/pv.core" -x "$TAP_TMP/ours.cmds" "$@" \
	"$prog"
tap_is "$TAP_RC" 3 "print-vars: exit status 3 after $n prints"
printf '%s\n' "$TAP_OUT" | grep '^\$' >"$TAP_TMP/ours"
tap_is "$TAP_ERR" "p: 3.0 % 2: operands of '%' must be integers
p: 1.0 << 2: operands of '<<' must be integers
p: 3 ^ pi: operands of '^' must be integers
p: mixed == 1: operands of '==' must be numbers or pointers
p: ~1.5: the operand of '~' must be an integer
p: pi * int_ptr: operands of '*' must be integers or pointers
p: 1--1: unexpected '--1' at column 2" \
	"no good expression refused; the 7 bad ones refused, naming the operator"
tap_is "$(wc -l <"$TAP_TMP/ours" | tr -d ' ')" "$n" \
	"ptinspect printed $n values, none for the bad expressions"

# gdb reads the core while ptinspect reads it again for --json.
IFS='
'
set -- $gdb_args
unset IFS
gdb -nx -batch -x "$TAP_TMP/gdb.cmds" "$@" "$prog" "$TAP_TMP/pv.core" \
	>"$TAP_TMP/gdb.out" 2>"$TAP_TMP/gdb.err" &
gdb_pid=$!
pti_run --core="$TAP_TMP/pv.core" --batch --json -ex 'p 1 < 2' \
	-ex 'p third * 3' -ex 'p pi + 1' -ex 'p sizeof(int)' -ex 'p 1u << 2' \
	-ex 'p 2L << 1' -ex 'p small << 2' "$prog"
ours_types=$(printf '%s\n' "$TAP_OUT" | sed -n 's/.*"history":[0-9]*,"type":"\([^"]*\)".*/\1/p' | tr '\n' '|')

wait $gdb_pid
grep '^\$' "$TAP_TMP/gdb.out" >"$TAP_TMP/gdb"
tap_is "$(wc -l <"$TAP_TMP/gdb" | tr -d ' ')" "$n" \
	"gdb printed $n values, none for the bad expressions"
tap_is "$(grep -c -v "^$\|^warning" "$TAP_TMP/gdb.err")" 7 \
	"gdb refused the 7 bad ones"
if cmp -s "$TAP_TMP/ours" "$TAP_TMP/gdb"; then
	tap_pass "$n expressions with C's operators: values as gdb's"
else
	tap_fail "$n expressions with C's operators: values as gdb's"
	diff "$TAP_TMP/gdb" "$TAP_TMP/ours" | sed 's/^/# /' | head -40
fi
types=$(sed -n 's/^type = //p' "$TAP_TMP/gdb.out" | tr '\n' '|')
tap_is "$ours_types" "$types" "--json: result types as gdb's whatis ($types)"

pti_done
