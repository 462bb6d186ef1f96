#!/bin/sh
# print.t: `print`, `locals`, `args` and `set` on print-vars (paused in
# exit_group three frames deep), with gdb as the oracle: each value, and
# each frame's info locals / info args, must be gdb's text on a core that
# ptinspect wrote of the same pause; `set var` and typed `set` must show
# in gdb's reading of a core written after them. Also --json's typed tree,
# --no-redirect, a core file (its locals and globals against gdb's),
# and errors naming the bad token.

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"
tap_require_cmd python3
command -v gdb >/dev/null 2>&1 || tap_skip_all "no gdb (the oracle)"

prog=$PROGS/print-vars

# Frame N, its locals and args, then expressions: each in ptinspect and,
# from a command file, in gdb.
cat >"$TAP_TMP/exprs" <<'EOF'
frame 0
planet_list
*planet_list
planet_list->next->name
mixed
numbers
grid
greeting
zeros
motto
hidden_counter
small
big
pi
third
repeated
favourite
odd_color
int_ptr
null_ptr
origin
*int_ptr
numbers[1]
grid[1]
grid[1][2]
&numbers[1]
mixed.fl
mixed.fl.delta
mixed.num.bytes
mixed.pts[1].x
(struct planet *)planet_list
numbers[1]*3+2
p
*p
p->name
depth
label
local_sum
letter
copy
copy.next->name
mixed.cb
add_one
&mixed
&hidden_counter
&greeting[2]
(long)pi
-numbers[1]
int_ptr-1
*(int_ptr+2)
(char)mixed.num.i
&motto
(const char **)&motto
&mixed.cb
&grid
&grid[1]
*&grid[1]
(const char *)motto
BLUE
frame 1
count
scale
squares
squares[3]
i
block_local
frame 2
c
pt
pt.y
negative
EOF
pti_print_cmds "$TAP_TMP/exprs" "$TAP_TMP/ours.cmds" "$TAP_TMP/gdb.cmds"
pti_run --batch -ex "gcore $TAP_TMP/pv.core" -x "$TAP_TMP/ours.cmds" "$prog"
tap_is "$TAP_RC" 3 "print-vars: exit status 3 after print, locals, args"
printf '%s\n' "$TAP_OUT" | grep -v '^#[0-9]' | grep -v '^print-vars:' |
	grep -v '^/.*: 1 thread' >"$TAP_TMP/ours"
gdb -nx -batch -x "$TAP_TMP/gdb.cmds" "$prog" "$TAP_TMP/pv.core" 2>/dev/null |
	grep -v '^#[0-9]' | grep -v '^[0-9]*\s' | grep -v '^\[\|^Core was\|^Program\|^warning\|^$\|^Using\|^Download' \
	>"$TAP_TMP/gdb"
n=$(wc -l <"$TAP_TMP/gdb")
tap_ok "gdb printed all $n lines" [ "$n" -gt 70 ]
if cmp -s "$TAP_TMP/ours" "$TAP_TMP/gdb"; then
	tap_pass "frames 0-2: every print, locals and args as gdb's ($n lines)"
else
	tap_fail "frames 0-2: every print, locals and args as gdb's"
	diff "$TAP_TMP/gdb" "$TAP_TMP/ours" | sed 's/^/# /' | head -40
fi
tap_like "$(cat "$TAP_TMP/ours")" \
	'^\$1 = \(struct planet \*\) 0x[0-9a-f]+$' \
	"a top-level pointer shows its type"
tap_like "$(cat "$TAP_TMP/ours")" 'mixed = |= \{tag = "mix\\000' \
	"a struct prints as gdb's"

# -O2: frame 0's parameter in a register (DW_OP_reg5), as gdb reads it;
# in frame 1 only an entry value, read at crash_a's call site (gdb's).
pti_run --batch -ex "gcore $TAP_TMP/crash.core" -ex 'p p' -ex args \
	-ex 'frame 1' -ex 'p p' "$PROGS/bt-crash"
ours=$(printf '%s\n' "$TAP_OUT" | grep -v '^#' | sed -n '/^\$1/,$p')
gdbs=$(gdb -nx -batch -ex 'p p' -ex 'info args' -ex 'frame 1' -ex 'p p' \
	"$PROGS/bt-crash" "$TAP_TMP/crash.core" 2>/dev/null |
	grep -v '^#\|^[0-9]' | sed -n '/^\$1/,$p')
tap_is "$(printf '%s\n' "$ours" | sed -n 1,2p)" \
	"$(printf '%s\n' "$gdbs" | sed -n 1,2p)" \
	"bt-crash (-O2) frame 0: a register parameter as gdb's"
tap_is "$(printf '%s\n' "$ours" | sed -n 3p)" \
	"$(printf '%s\n' "$gdbs" | sed -n 3p)" \
	"bt-crash frame 1: an entry-value parameter as gdb's"

# set var and typed set, then a core for gdb to read them back.
pti_run --batch -ex 'set var hidden_counter = 99' \
	-ex 'set var mixed.fl.mode = 2' -ex 'set var mixed.fl.delta = -7' \
	-ex 'set var pi = 2.5' -ex 'set var favourite = BLUE' \
	-ex 'frame 1' -ex 'set var squares[2] = squares[3] + 1' \
	-ex 'set i32 &numbers[0] -77' -ex 'set u8 &greeting[0] 0x45' \
	-ex 'set f32 &third 0.5' -ex 'set ptr &null_ptr 0x1234' \
	-ex "gcore $TAP_TMP/set.core" "$prog"
tap_is "$TAP_RC" 3 "set: exit status 3"
tap_unlike "$TAP_ERR" '^set:' "set: no errors"
got=$(gdb -nx -batch -ex 'p hidden_counter' -ex 'p mixed.fl' -ex 'p pi' \
	-ex 'p favourite' -ex 'frame 1' -ex 'p squares' -ex 'p numbers[0]' \
	-ex 'p greeting' -ex 'p third' -ex 'p null_ptr' "$prog" \
	"$TAP_TMP/set.core" 2>/dev/null | sed -n 's/^\$[0-9]* = //p' |
	tr '\n' '|')
tap_is "$got" '99|{ready = 1, mode = 2, delta = -7, tail = 122 '"'z'"'}|2.5|BLUE|{0, 1, 10, 9}|-77|"Earth\000\000\000\000\000\000\000\000\000\000"|0.5|(void *) 0x1234|' \
	"set var (int, bit fields, double, enum, a local) and set TYPE: gdb reads them back"

# JSON: a typed tree.
pti_run --batch --json -ex 'p mixed' -ex 'p planet_list' -ex locals \
	-ex 'p greeting' "$prog"
tap_is "$(pti_json_eval print '[(f["name"], f["kind"], f["type"]) for f in o["value"].get("fields", [])][:4]' | sed -n 1p)" \
	"[('tag', 'array', 'char [8]'), ('ratio', 'float', 'double'), ('color', 'enum', 'enum color'), ('num', 'union', 'union number')]" \
	"--json: struct fields with names, kinds and types"
tap_is "$(pti_json_eval print '[(k, v) for k, v in o["value"]["fields"][4]["fields"][2].items() if k != "addr"] if "fields" in o["value"] else 0' | sed -n 1p)" \
	"[('name', 'delta'), ('type', 'int'), ('kind', 'int'), ('bits', 5), ('value', -3)]" \
	"--json: a bit field"
tap_is "$(pti_json_eval print '(o["type"], o["value"]["kind"], o["text"].split(")")[0])' | sed -n 2p)" \
	"('struct planet *', 'pointer', '(struct planet *')" \
	"--json: a pointer's type and text"
tap_is "$(pti_json_eval print '(o["value"].get("string"), len(o["value"].get("elements", [])), o["value"].get("elements", [{}])[0].get("char"))' | sed -n 3p)" \
	"('earth', 16, 'e')" "--json: a char array's string and elements"
tap_is "$(pti_json_eval locals '[v["name"] for v in o["vars"]]')" \
	"['ret', 'local_sum', 'letter', 'copy']" "--json: locals by name"

# Without redirection: the same values.
pti_run --no-redirect --batch -ex 'p *planet_list->next' -ex 'p greeting' \
	"$prog"
tap_like "$TAP_OUT" '^\$1 = \{name = 0x[0-9a-f]+ "venus", moons = 1, next = 0x[0-9a-f]+\}$' \
	"--no-redirect: a heap struct"
tap_like "$TAP_OUT" '^\$2 = "earth(\\000){10}"$' "--no-redirect: a char array"

# Errors name the bad token; none of them crashes.
pti_run --batch -ex 'p frobnicate' -ex 'p numbers.x' -ex 'p mixed.nope' \
	-ex 'p *planet_list->next->next->next' -ex 'p *null_ptr' \
	-ex 'p (numbers' -ex 'p 1/0' -ex 'p mixed + 1' -ex 'p 12abc' \
	-ex 'set var mixed = 1' -ex 'set var pi = x' -ex 'set u8 &small 300' \
	-ex 'set q8 &small 1' -ex 'set var hidden_counter 5' -ex 'p $frob' \
	-ex 'p main' -ex 'print' "$prog"
tap_is "$TAP_RC" 3 "errors: the process still exits 3"
err=$TAP_ERR
tap_like "$err" '^p: frobnicate: no symbol in the current context$' \
	"unknown symbol"
tap_like "$err" '^p: x: the operand is not a struct or union$' \
	"member of an array: type mismatch"
tap_like "$err" '^p: nope: there is no member named nope in struct mixed$' \
	"unknown member"
tap_like "$err" '^p: \*planet_list->next->next->next: cannot access memory at address 0x0 \(null pointer\)$' \
	"null dereference"
tap_like "$err" '^p: \*null_ptr: attempt to take contents of a void pointer$' \
	"void pointer"
tap_like "$err" "^p: \\(numbers: '\\)' expected at column 9\$" \
	"syntax: the column"
tap_like "$err" '^p: 1/0: division by zero$' "division by zero"
tap_like "$err" "^p: mixed \\+ 1: operands of '\\+' must be numbers or pointers\$" \
	"struct + int: type mismatch"
tap_like "$err" '^p: 12abc: invalid number$' "bad number"
tap_like "$err" '^set: mixed: not a scalar variable$' "set var on a struct"
tap_like "$err" '^set: x: no symbol in the current context$' \
	"set var pi = x: the bad token"
tap_like "$err" '^set: 300: not a u8$' "set u8 300: out of range"
tap_like "$err" '^set: q8: not a type' "set q8: no such type"
tap_like "$err" "^set: set var hidden_counter 5: '=' expected\$" \
	"set var without ="
tap_like "$err" '^p: \$frob' "unknown register"
tap_like "$TAP_OUT" '= \{int \(void\)\} 0x[0-9a-f]+ <main>' \
	"a function prints as gdb's {type} addr <name>"
tap_like "$err" '^print: usage: print EXPR' "print without EXPR: usage"

# A program without debug information, and a core file (read-only).
pti_run --batch -ex 'p planet_list' -ex 'p 6*7' /bin/true
tap_like "$TAP_ERR" '^p: planet_list: no symbol in the current context' \
	"no debug information: the name is refused"
tap_like "$TAP_OUT" '^\$1 = 42$' "no debug information: arithmetic still works"
# A core file: writes refused; frame 0's locals and args, and the first
# 20 expressions of frame 0 (all globals), as gdb printed them from the
# same core above.
set -- -ex 'set u32 $sp 1' -ex 'set var hidden_counter = 1' -ex locals \
	-ex args
for e in $(sed -n 2,21p "$TAP_TMP/exprs"); do
	set -- "$@" -ex "p $e"
done
pti_run --core="$TAP_TMP/pv.core" --batch "$@" "$prog"
tap_like "$TAP_ERR" '^set: 0x[0-9a-f]+: a core file is read-only$' \
	"set on a core: read-only"
tap_is "$(printf '%s\n' "$TAP_ERR" | grep -c 'read-only$')" 2 \
	"set var on a core: read-only too"
tap_is "$TAP_OUT" "$(sed -n '/^\$/q;p' "$TAP_TMP/gdb")
$(grep '^\$' "$TAP_TMP/gdb" | head -20)" \
	"--core: frame 0's locals and args, 20 globals as gdb's"

pti_done
