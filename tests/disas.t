#!/bin/sh
# disas.t: `disas` on bt-nested-nopie, a non-PIE program (its addresses in
# the process are those of the file), against objdump -d of the same file:
# every instruction of level_d, level_c, level_b and level_a must be at
# the address objdump gives and have the same mnemonic and operands
# (capstone's size suffixes and decimal small immediates aside), and
# `disas FUNC` must stop at the function's end (nm -S's size); call
# targets named as nm names them; $rip (in level_d, after its exit_group
# syscall) marked as the current instruction, with the ones before it.
# Capstone is loaded only by the first disassembly.

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

# Each function by name (or its address): all of it and no further (its
# ELF size), then a COUNT within a function and one past its end.
pti_run --batch --json -ex disas -ex "disas level_d" -ex "disas level_c" \
	-ex "disas level_b" -ex "disas $level_a" -ex "disas $level_b 3" \
	-ex "disas level_b 100" "$prog"
tap_is "$TAP_RC" 7 "bt-nested-nopie: exit status 7 after disas"
r=$(compare_objdump)
tap_like "$r" '^[0-9]+$' "every instruction of level_a..d as objdump -d has it"
tap_ok "at least 20 instructions compared ($r)" \
	[ "${r:-0}" -ge 20 ] 2>/dev/null
# objdump's instruction addresses in [start, start + nm -S size) of each
# function, against each listing's.
spans=$(printf '%s\n' "$TAP_OUT" | python3 -c '
import json, re, sys
size = {}
for l in open(sys.argv[2]):
	f = l.split()
	if len(f) == 4:
		size[int(f[0], 16)] = int(f[1], 16)
ref = [int(m.group(1), 16) for m in
	(re.match(r"^\s+([0-9a-f]+):\t", l) for l in open(sys.argv[1])) if m]
out = []
for l in sys.stdin:
	if not l.startswith("{\"cmd\":\"disas\""):
		continue
	got = [int(i["addr"], 16) for i in json.loads(l)["insns"]]
	s = got[0]
	want = [a for a in ref if s <= a < s + size.get(s, 0)]
	out.append("%s %d" % ("same" if got == want else "differ", len(got)))
print(" ".join(out[1:]))
' "$TAP_TMP/objdump" "$TAP_TMP/nm")
set -- $spans
tap_like "$1 $3 $5 $7" '^same same same same$' \
	"disas level_d/c/b, disas ADDR of level_a: the whole function, its last instruction objdump's last before its nm -S end ($spans)"
tap_is "$9" "differ" "disas ADDR 3 is not the whole function"
tap_is "${10}" 3 "disas ADDR 3: 3 instructions"
tap_is "${11} ${12}" "same $6" \
	"disas level_b 100: stops at level_b's end ($6 instructions)"

# The default: around $rip, one current instruction, in level_d, not first.
cur=$(pti_json_eval disas \
	'[(k, i["symbol"]) for k, i in enumerate(o["insns"]) if i["current"]]' |
	sed -n 1p)
tap_like "$cur" "^\\[\\(3, 'level_d\\+0x[0-9a-f]+'\\)\\]\$" \
	"default disas: \$rip in level_d is the 4th instruction, marked current"
last=$(pti_json_eval disas 'o["insns"][-1]["addr"]' | sed -n 1,2p |
	tr '\n' ' ')
tap_like "$last" '^(0x[0-9a-f]+) \1 $' \
	"default disas: to level_d's last instruction, not past it ($last)"
prev=$(pti_json_eval disas 'o["insns"][2]["text"]' | sed -n 1p)
tap_is "$prev" syscall "default disas: the instruction before \$rip is syscall"

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

# Capstone is loaded by the first disassembly, not at start (src/disas.c):
# ptinspect's own maps (the shell's parent's) before and after.
pti_run --batch -ex 'shell grep -c libcapstone /proc/$PPID/maps' \
	-ex "disas $level_b 1" -ex 'shell grep -c libcapstone /proc/$PPID/maps' \
	"$prog"
counts=$(printf '%s\n' "$TAP_OUT" | grep -x '[0-9]*' | tr '\n' ' ')
tap_like "$counts" '^0 [1-9][0-9]* $' \
	"libcapstone not in ptinspect's maps before the first disas, there after ($counts)"

# Errors name the address.
pti_run --batch -ex 'disas 0x10' "$prog"
tap_like "$TAP_ERR" '^disas: 0x10: address not mapped' \
	"disas 0x10: address not mapped"
pti_run --batch -ex "disas $level_a 0" "$prog"
tap_like "$TAP_ERR" '^disas: 0: not a count' "disas ADDR 0: bad count"

# A PIE at a crash: the faulting instruction is current, in crash_here,
# and is the instruction objdump has at the same offset in the file.
crash=$PROGS/bt-crash
pti_run --batch --json -ex disas "$crash"
tap_is "$TAP_RC" 139 "bt-crash: dies of SIGSEGV after disas"
cur=$(pti_json_eval disas \
	'[(int(i["addr"], 16), i["symbol"], i["text"]) for i in o["insns"] if i["current"]]')
file_fn=$(nm "$crash" | awk '$3 == "crash_here" { print $1 }')
got=$(printf '%s\n' "$cur" | python3 -c '
import ast, re, sys
c = ast.literal_eval(sys.stdin.read())
assert len(c) == 1, c
addr, sym, text = c[0]
m = re.fullmatch(r"crash_here(?:\+0x([0-9a-f]+))?", sym or "")
off = int(m.group(1) or "0", 16) if m else None
print("%x %s" % (int(sys.argv[1], 16) + off, text.split()[0]) if m else sym)
' "$file_fn" 2>&1)
want=$(objdump -d --no-show-raw-insn "$crash" | awk -v a="${got%% *}" '
	$1 == a ":" { print a, $2 }')
tap_like "$got" '^[0-9a-f]+ [a-z]+$' "bt-crash: one current instruction, in crash_here"
same=no
if [ -n "$want" ] && { [ "$got" = "$want" ] || [ "${got%?}" = "$want" ]; }
then
	same=yes
fi
tap_is "$same" yes \
	"bt-crash: current '$got' is objdump's '$want' at that file offset"

# sym ADDR against gdb's `info symbol` and `info line *ADDR` on the same
# file: each instruction address of level_b and level_d, and the object
# sink (no line). Lines compared as "NAME OFFSET BASENAME:LINE".
if command -v gdb >/dev/null 2>&1; then
	sink=$(sym_addr sink)
	pti_run --batch --json -ex "disas $level_b 8" -ex "disas $level_d 8" \
		"$prog"
	addrs="$(pti_json_eval disas \
		'" ".join(i["addr"] for i in o["insns"])' | tr '\n' ' ')$sink"
	set --
	for a in $addrs; do
		set -- "$@" -ex "sym $a"
	done
	pti_run --batch --json "$@" "$prog"
	ours=$(pti_json_eval sym '"%s %s %s:%s" % (o["symbol"], o["offset"],
		(o["file"] or "").rsplit("/", 1)[-1], o["line"] or "")')
	set --
	for a in $addrs; do
		set -- "$@" -ex "info symbol $a" -ex "info line *$a"
	done
	gdbs=$(gdb -nx -batch "$@" "$prog" 2>&1 | python3 -c '
import re, sys
out = []
for l in sys.stdin:
	m = re.match(r"^(\S+)(?: \+ (\d+))? in section", l)
	if m:
		out.append("%s %s" % (m.group(1), m.group(2) or 0))
		continue
	if l.startswith("No symbol matches"):
		out.append("None None")
		continue
	m = re.match(r"^Line (\d+) of \"([^\"]*)\"", l)
	if m:
		out[-1] += " %s:%s" % (m.group(2).rsplit("/", 1)[-1], m.group(1))
	elif l.startswith("No line number"):
		out[-1] += " :"
print("\n".join(out))')
	tap_is "$ours" "$gdbs" "sym: symbol+offset and file:line as gdb's info symbol/line ($(echo "$addrs" | wc -w) addresses)"
	tap_like "$ours" '^sink 0 :$' "sym: the object sink, no line"
else
	tap_skip "no gdb" 2
fi

# sym's region and text form.
pti_run --batch -ex "sym $level_b" -ex 'sym $rsp' -ex 'sym 0x10' "$prog"
tap_like "$TAP_OUT" "^$level_b is level_b\\+0x0 at /.*/bt-nested\\.c:[0-9]+, in /.*/bt-nested-nopie \\(0x[0-9a-f]+-0x[0-9a-f]+ r-xp\\)\$" \
	"sym text: level_b, its line, its r-xp region"
tap_like "$TAP_OUT" '^0x[0-9a-f]+ is no symbol, in \[stack\] ' \
	"sym \$rsp: no symbol, in [stack]"
tap_like "$TAP_ERR" '^sym: 0x10: address not mapped' "sym 0x10: not mapped"

# list against gdb's own list of the same file (function, FILE:LINE),
# and the default around $rip against the source file itself, at the
# line gdb's info line gives for $rip.
src=$TOP_SRCDIR/tests/progs/bt-nested.c
if command -v gdb >/dev/null 2>&1; then
	pti_run --batch -ex 'list level_b' -ex 'list bt-nested.c:20' \
		-ex 'list main' "$prog"
	ours=$(printf '%s\n' "$TAP_OUT" | grep -v '^nested:')
	gdbs=$(gdb -nx -batch -ex 'list level_b' -ex 'list bt-nested.c:20' \
		-ex 'list main' "$prog" 2>&1)
	tap_is "$ours" "$gdbs" "list FUNCTION, list FILE:LINE: as gdb's list"
	pti_run --batch --json -ex 'sym $rip' -ex list "$prog"
	rip=$(pti_json_eval sym 'o["addr"]')
	line=$(gdb -nx -batch -ex "info line *$rip" "$prog" 2>&1 |
		sed -n 's/^Line \([0-9]*\) of .*/\1/p')
	want=$(awk -v a=$((line - 5)) -v b=$((line + 4)) \
		'NR >= a && NR <= b { print NR "\t" $0 }' "$src")
	got=$(pti_json_eval list \
		'"\n".join("%d\t%s" % (l["line"], l["text"]) for l in o["lines"])')
	tap_is "$got" "$want" "list: the source around \$rip's line $line (gdb's)"
else
	tap_skip "no gdb" 2
fi

# --source-dir: a program whose source moved after it was built.
if command -v gcc >/dev/null 2>&1; then
	mkdir -p "$TAP_TMP/built" "$TAP_TMP/moved"
	printf '%s\n' '/* moved.c */' '#include <stdlib.h>' '' \
		'int main(void)' '{' '	exit(3);' '}' >"$TAP_TMP/built/moved.c"
	(cd "$TAP_TMP/built" && gcc -g -O0 -o ../moved-prog moved.c)
	mv "$TAP_TMP/built/moved.c" "$TAP_TMP/moved/"
	pti_run --batch -ex 'list main' "$TAP_TMP/moved-prog"
	tap_like "$TAP_ERR" '^list: /.*/built/moved\.c: source file not found' \
		"list: a moved source file is not found"
	pti_run --batch --source-dir="$TAP_TMP/nowhere" \
		--source-dir="$TAP_TMP/moved" -ex 'list main' "$TAP_TMP/moved-prog"
	tap_is "$TAP_OUT" "$(awk '{ print NR "\t" $0 }' "$TAP_TMP/moved/moved.c")" \
		"list --source-dir=DIR (the second of two): the moved file"
else
	tap_skip "no gcc" 2
fi
pti_run --batch -ex 'list no_such_fn' "$prog"
tap_like "$TAP_ERR" '^list: no_such_fn: no such function' \
	"list: an unknown function is named"

pti_done
