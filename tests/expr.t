#!/bin/sh
# expr.t: address expressions with symbols, &NAME, *EXPR and parentheses,
# against outside oracles: the addresses expr-ptrs (a PIE) prints of
# itself in the same run (main, &planet_list, the list's pointers, malloc
# in libc), gdb's `info address` and nm on the non-PIE bt-nested-nopie;
# and frame selection (frame, up, down) against gdb's bt on a core that
# ptinspect wrote of the same pause.

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"
tap_require_cmd python3
command -v nm >/dev/null 2>&1 || tap_skip_all "no nm"

prog=$PROGS/expr-ptrs

# printed NAME: the value expr-ptrs printed for NAME in the last run.
printed()
{
	printf '%s\n' "$TAP_OUT" | awk -v n="$1" '$1 == n { print $2 }'
}

pti_run --batch --json -ex 'sym main' -ex 'sym &planet_list' \
	-ex 'sym *planet_list' -ex 'sym **planet_list' \
	-ex 'sym *(*planet_list)' -ex 'sym malloc@libc.so.6' \
	-ex 'sym (main+0x10)*1-0x10' -ex 'x *planet_list+8 8' "$prog"
tap_is "$TAP_RC" 0 "expr-ptrs: exit status 0"
addrs=$(pti_json_eval sym 'o.get("addr")' | tr '\n' ' ')
set -- $addrs
tap_is "$1" "$(printed main)" "sym main: the address the program printed"
tap_is "$2" "$(printed '&planet_list')" "sym &planet_list: as printed"
tap_is "$3" "$(printed planet_list)" "sym *planet_list: the pointer's value"
tap_is "$4" "$(printed next)" "sym **planet_list: planet_list->next"
tap_is "$5" "$(printed next)" "sym *(*planet_list): the same"
tap_is "$6" "$(printed malloc)" \
	"sym malloc@libc.so.6: the malloc the program calls"
tap_is "$7" "$(printed main)" "sym (main+0x10)*1-0x10: main"
v=$(pti_json_eval x 'int.from_bytes(bytes.fromhex(o["bytes"]), "little")')
tap_is "$v" "$(printed value)" "x *planet_list+8 8: the first node's value"

# find's REGION as an expression: the region holding *planet_list (the
# heap), where the first node's value (101, 8 bytes) is at planet_list+8.
pti_run --batch --json -ex 'find 6500000000000000 *planet_list' \
	-ex 'find 6500 frob' "$prog"
m=$(pti_json_eval find 'o.get("matches", [None])[0]' | sed -n 1p)
tap_is "$m" "$(printf '0x%x' $(($(printed planet_list) + 8)))" \
	"find DATA *planet_list: the value at planet_list+8, in that region"
tap_like "$TAP_OUT" '"error":"frob: no such symbol or region"' \
	"find DATA frob: no such symbol or region"

# The non-PIE program against gdb and nm on its file.
nopie=$PROGS/bt-nested-nopie
pti_run --batch --json -ex 'sym level_b' -ex 'sym &sink' -ex 'sym main+4' \
	"$nopie"
ours=$(pti_json_eval sym 'o["addr"]' | tr '\n' ' ')
nm_of()
{
	nm "$nopie" | awk -v n="$1" '$3 == n { printf "0x%x\n", "0x" $1 }'
}
if command -v gdb >/dev/null 2>&1; then
	gdbs=$(gdb -nx -batch -ex 'info address level_b' -ex 'p &sink' \
		-ex 'p/x (long)&main+4' "$nopie" 2>&1 |
		grep -o '0x[0-9a-f]*' | tr '\n' ' ')
	tap_is "$ours" "$gdbs" \
		"level_b, &sink, main+4: gdb's info address / p (bt-nested-nopie)"
else
	tap_skip "no gdb" 1
fi
tap_is "$(echo $ours | cut -d' ' -f1)" "$(nm_of level_b)" "level_b: nm's"

# A region name still means the region: libc.so.6 is its first mapping.
pti_run --batch --json -ex 'maps' -ex 'sym libc.so.6' "$nopie"
first=$(pti_json_eval maps \
	'[r["start"] for r in o["regions"] if (r["name"] or "").endswith("/libc.so.6")][0]')
got=$(pti_json_eval sym 'o["addr"]')
tap_is "$got" "$first" "libc.so.6: the region (regions win over symbols)"

# Errors name the token, and syntax errors the column.
pti_run --batch -ex 'x frobnicate' -ex 'x (main+1' -ex 'x main)' \
	-ex 'x *0x10' "$nopie"
tap_like "$TAP_ERR" '^x: frobnicate: no such symbol or region$' \
	"unknown name: no such symbol or region"
tap_like "$TAP_ERR" "^x: \\(main\\+1: '\\)' expected at column 8\$" \
	"missing ): its column"
tap_like "$TAP_ERR" "^x: main\\): unmatched '\\)' at column 5\$" \
	"unmatched ): its column"
tap_like "$TAP_ERR" '^x: 0x10: address not mapped$' \
	"*0x10: the load fails, naming the address"

# Frames: bt-nested (PIE) paused in level_d, 6 frames of its own; a core
# of the pause for gdb. For each frame N: `frame N`, then $pc and $sp
# through sym, against gdb's `frame N`, `p/x $pc`, `p/x $sp` on the core.
if command -v gdb >/dev/null 2>&1; then
	nested=$PROGS/bt-nested
	set -- -ex "gcore $TAP_TMP/core"
	gset=
	for n in 0 1 2 3 4 5; do
		set -- "$@" -ex "frame $n" -ex 'sym $pc' -ex 'sym $sp'
		gset="$gset -ex 'frame $n' -ex 'p/x \$pc' -ex 'p/x \$sp'"
	done
	set -- "$@" -ex 'frame 1' -ex 'up 2' -ex 'sym $pc' -ex 'down' \
		-ex 'sym $pc' -ex 'up 3' -ex 'sym $pc' -ex 'frame 3' -ex list \
		-ex disas -ex 'frame 0'
	pti_run --batch --json "$@" "$nested"
	tap_is "$TAP_RC" 7 "bt-nested: exit status 7 after frame, up, down"
	json=$TAP_OUT
	ours=$(pti_json_eval sym 'o["addr"]' | sed -n 1,12p | paste -d' ' - -)
	frames=$(pti_json_eval frame '"#%d %s %s:%s" % (o["frame"],
		o["function"], (o["file"] or "").rsplit("/", 1)[-1], o["line"])')
	eval "gdb -nx -batch $gset -ex 'frame 1' -ex 'up 2' -ex 'p/x \$pc' \
		-ex 'down' -ex 'p/x \$pc' -ex 'up 3' -ex 'p/x \$pc' \
		\"$nested\" \"$TAP_TMP/core\"" >"$TAP_TMP/gdb.out" 2>&1
	gdbs=$(sed -n 's/^\$[0-9]* = //p' "$TAP_TMP/gdb.out" | sed -n 1,12p |
		paste -d' ' - -)
	tap_is "$ours" "$gdbs" "frame 0..5: \$pc and \$sp as gdb's on the core"
	gframes=$(python3 -c '
import re, sys
for l in open(sys.argv[1]):
	m = re.match(r"^#(\d+)\s+(?:0x[0-9a-f]+ in )?(\S+) \(.*\) at (\S+):(\d+)", l)
	if m:
		print("#%s %s %s:%s" % (m.group(1), m.group(2),
			m.group(3).rsplit("/", 1)[-1], m.group(4)))
' "$TAP_TMP/gdb.out")
	tap_is "$(printf '%s\n' "$frames" | sed -n 1,9p)" \
		"$(printf '%s\n' "$gframes" | sed -n 2,10p)" \
		"frame lines: function and file:line as gdb's (frames 0-5, frame 1, up 2, down)"
	ours=$(pti_json_eval sym 'o["addr"]' | sed -n 13,15p | tr '\n' ' ')
	gdbs=$(sed -n 's/^\$[0-9]* = //p' "$TAP_TMP/gdb.out" | sed -n 13,15p |
		tr '\n' ' ')
	tap_is "$ours" "$gdbs" "up 2, down, up 3: the frames gdb selects"
	line=$(pti_json_eval frame 'o["line"]' | sed -n 11p)
	want=$(awk -v a=$((line - 5)) -v b=$((line + 4)) \
		'NR >= a && NR <= b { print NR "\t" $0 }' \
		"$TOP_SRCDIR/tests/progs/bt-nested.c")
	TAP_OUT=$json
	got=$(pti_json_eval list \
		'"\n".join("%d\t%s" % (l["line"], l["text"]) for l in o["lines"])')
	tap_is "$got" "$want" "list in frame 3: the source around line $line"
	pc3=$(pti_json_eval frame 'o["pc"]' | sed -n 11p)
	cur=$(pti_json_eval disas \
		'[i["addr"] for i in o["insns"] if i["current"]]')
	tap_is "$cur" "['$pc3']" "disas in frame 3: that frame's pc is current"
	TAP_OUT=$json
else
	tap_skip "no gdb" 5
fi
# Arguments: bt-args (its frames kept at -O0) against gdb's bt on a core
# of the same pause: every frame to main, "function (args)", gdb's
# <symbol> after a pointer aside; and `frame 2`'s line as gdb's.
if command -v gdb >/dev/null 2>&1; then
	argsprog=$PROGS/bt-args
	pti_run --batch --json -ex "gcore $TAP_TMP/args.core" -ex bt \
		-ex 'frame 2' "$argsprog"
	tap_is "$TAP_RC" 5 "bt-args: exit status 5 after bt"
	ours=$(pti_json_eval bt '"\n".join("%s (%s)" % (f["function"],
		f["args"]) for f in o["threads"][0]["frames"][:4])')
	frame2=$(pti_json_eval frame 'o["args"]')
	gdb -nx -batch -ex bt -ex 'frame 2' "$argsprog" "$TAP_TMP/args.core" \
		>"$TAP_TMP/gdb-args.out" 2>&1
	gdbs=$(python3 -c '
import re, sys
out = []
for l in open(sys.argv[1]):
	m = re.match(r"^#(\d+)\s+(?:0x[0-9a-f]+ in )?(\S+) \((.*)\) at \S+$", l)
	if m:
		out.append("%s (%s)" % (m.group(2),
			re.sub(r"(0x[0-9a-f]+) <[^>]*>", r"\1", m.group(3))))
# the core-load line, the bt, then frame 2
print("\n".join(out[1:5]))
print("FRAME2 " + out[5].split(" (", 1)[1][:-1] if len(out) > 5 else "")
' "$TAP_TMP/gdb-args.out")
	tap_is "$ours" "$(printf '%s\n' "$gdbs" | sed -n 1,4p)" \
		"bt arguments (int, long, char, bool, char *, pointers, unsigned, short, double) as gdb's bt"
	tap_is "FRAME2 $frame2" "$(printf '%s\n' "$gdbs" | sed -n 5p)" \
		"frame 2: the arguments gdb's frame 2 shows"
	# Frame 0 of an -O2 crash: p in a register (DW_OP_reg5), read from
	# the thread's registers, and its entry value at crash_b's call site
	# (gdb's "p=p@entry=V").
	pti_run --batch --json -ex "gcore $TAP_TMP/crash.core" -ex bt \
		"$PROGS/bt-crash"
	ours=$(pti_json_eval bt '"%s (%s)" % (o["threads"][0]["frames"][0]["function"],
		o["threads"][0]["frames"][0]["args"])')
	gdbs=$(gdb -nx -batch -ex bt "$PROGS/bt-crash" "$TAP_TMP/crash.core" \
		2>&1 | sed -n 's/^#0  \(.*\) at .*/\1/p' | sed -n 2p)
	tap_is "$ours" "$gdbs" "bt-crash frame 0: a register argument as gdb's"
else
	tap_skip "no gdb" 4
fi

pti_run --batch -ex 'frame 1' -ex 'x $rax' -ex 'frame 99' -ex 'down 2' \
	-ex 'frame 8' -ex 'up' "$PROGS/bt-nested-nopie"
tap_like "$TAP_OUT" '^#1  0x[0-9a-f]{16} in level_inl \(\.\.\.\) at bt-nested\.c:[0-9]+$' \
	"frame 1: gdb's frame line"
tap_like "$TAP_ERR" '^x: \$rax: not known in frame #1 \(only \$pc and \$sp are\)$' \
	"frame 1: \$rax refused, not frame 0's"
tap_like "$TAP_ERR" '^frame: frame 99: no such frame \(9 frames\)$' \
	"frame 99: no such frame"
tap_like "$TAP_ERR" '^up: initial frame selected; you cannot go up$' \
	"up from the outermost frame refused"

pti_done
