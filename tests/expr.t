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

pti_done
