#!/bin/sh
# source.t: the Source and Code panes. tui-crash (-g -O0) dies of SIGSEGV
# in crash_here: the TUI opens on that frame, its line marked in Source
# (gdb's line for the pc; addr2line's for the symbol+offset the Code
# title names) and the faulting instruction marked in Code (the one batch
# `disas` marks, at gdb's offset). Selecting frame #2 in Threads moves
# both, as does :down; both scroll (C, F12, g, G, Enter). abort(3) opens
# on main, not on libc's raise. A moved source file is said to be
# missing, and found with --source-dir.
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/tui/tui-lib.sh"

command -v gdb >/dev/null 2>&1 || tap_skip_all "gdb is not installed"
command -v addr2line >/dev/null 2>&1 ||
	tap_skip_all "addr2line is not installed (binutils)"
prog="$TUI_PROGS/tui-crash"

# The oracles run while the TUI does (gdb takes seconds to start).
gdb -batch -nx -ex run -ex bt -ex 'x/i $pc' "$prog" \
    >"$TAP_TMP/gdb.out" 2>&1 </dev/null &
gdb_pid=$!
"$PTINSPECT" --batch -ex disas -ex 'frame 2' -ex disas "$prog" \
    >"$TAP_TMP/disas.out" 2>"$TAP_TMP/disas.err" </dev/null &
disas_pid=$!

# A copy of its source, built and then moved, for --source-dir.
gcc_pid=
if command -v gcc >/dev/null 2>&1; then
	mkdir -p "$TAP_TMP/built" "$TAP_TMP/moved"
	cp "$TOP_SRCDIR/tests/tui/progs/tui-crash.c" "$TAP_TMP/built/moved.c"
	(cd "$TAP_TMP/built" && gcc -g -O0 -o ../moved-prog moved.c &&
	    mv moved.c ../moved/) &
	gcc_pid=$!
fi

# The marked row of the Source pane (rows 2-16) and of Code (18-28).
src_mark() { tui_cut 2 16 0 78 | grep '^=>'; }
code_mark() { tui_cut 18 28 0 45 | grep '^=>'; }
# "crash_here+0xf" from a title row.
code_title() { tui_cut 17 17 0 45 | sed -n 's/.*Code ─\([^ ─]*\).*/\1/p'; }
# batch disas's marked instructions: "<crash_here+0xf>	movl ..."
disas_mark() {
	grep '^=>' "$TAP_TMP/disas.out" | sed -n "${1}p" |
	    sed 's/^=> 0x[0-9a-f]* //; s/://'
}

tui_start -- -p "$prog"
tui_wait "SIGSEGV at 0x10 in crash_here" || tap_bail "the TUI did not start"
tui_wait "in crash_here, frame #0" &&
    tap_pass "it opens on the faulting frame: the title names file:line"
wait $gdb_pid $disas_pid
gdb_line=$(sed -n 's/^#0 .* at .*tui-crash\.c:\([0-9]*\)$/\1/p' \
    "$TAP_TMP/gdb.out")
gdb_off=$(sed -n 's/^=> 0x[0-9a-f]* <crash_here+\([0-9]*\)>:.*/\1/p' \
    "$TAP_TMP/gdb.out")
src=$(src_mark)
tap_is "$(echo "$src" | awk '{ print $2 }')" "$gdb_line" \
    "Source marks gdb's line for the crash ($gdb_line)"
tap_is "$(echo "$src" | sed 's/^=> *[0-9]*  //; s/ *$//')" \
    "$(sed -n "${gdb_line}p" "$TOP_SRCDIR/tests/tui/progs/tui-crash.c" |
    expand | sed 's/ *$//')" "... and shows that line's text"
tap_like "$(tui_cut 1 1 0 78)" "Source ─tui-crash\.c:$gdb_line in crash_here" \
    "the Source title names tui-crash.c:$gdb_line"
code=$(code_mark)
title=$(code_title)
tap_is "$title" "crash_here+$(printf '0x%x' "$gdb_off")" \
    "Code's title is gdb's faulting pc, crash_here+$gdb_off"
tap_is "<$title>	$(echo "$code" | sed 's/^=> +0x[0-9a-f]* *//')" \
    "$(disas_mark 1)" "Code marks the instruction batch disas marks"
tap_is "$(addr2line -e "$prog" "$title" | sed 's,.*/,,')" \
    "tui-crash.c:$gdb_line" "addr2line $title gives the line Source marks"

# Threads has the focus, on frame #0: two rows down is frame #2.
tui_keys j j
tui_wait "in outer, frame #2" && tui_wait "Code ─outer+"
title=$(code_title)
off=$(printf '0x%x' $(( ${title#outer+} - 1 )))
want=$(addr2line -e "$prog" "outer+$off" | sed 's,.*:,,')
tap_is "$(src_mark | awk '{ print $2 }')" "$want" \
    "frame #2: Source follows to outer's call, line $want (addr2line)"
tap_is "<$title>	$(code_mark | sed 's/^=> +0x[0-9a-f]* *//')" \
    "$(disas_mark 2)" "frame #2: Code follows, as batch frame 2; disas"

# :down selects frame #1 for Source and for Threads, whose k then goes
# to frame #0. Both scroll; Enter comes back to the frame; from Code F12
# shows Source.
tui_keys :; tui_type down; tui_keys Enter
tui_wait "in middle, frame #1" && tap_pass ":down: Source follows to frame #1"
tui_keys k
tui_wait "in crash_here, frame #0" && tap_pass "... and so does Threads"
tui_keys C G
i=0
while [ -n "$(code_mark)" ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
tap_is "$(code_mark)" "" "C G: Code scrolls the mark away"
tui_keys Enter
tui_wait "=> +0x" && tap_pass "Enter: back to the frame's instruction"
tui_keys F12 g
tui_wait "      1  /*" && tap_pass "F12 g: Source scrolls to line 1"
tui_keys Enter
tui_wait "=>   $gdb_line" && tap_pass "Enter: back to the frame's line"

tui_kill_held tui-crash

# abort(3): main's line, not libc's raise or abort.
tui_start -- -p "$TOP_BUILDDIR/tests/progs/abort"
tui_wait "SIGABRT" || tap_bail "abort did not pause"
line=$(grep -n 'abort();' "$TOP_SRCDIR/tests/progs/abort.c" | cut -d: -f1)
tui_wait "abort.c:$line in main, frame #" &&
    tap_pass "SIGABRT opens on main at abort.c:$line, past libc's frames"
tap_is "$(src_mark | awk '{ print $2 }')" "$line" "Source marks line $line"
tui_kill_held "abort"

# A source file moved after the build: missing, then --source-dir.
if [ -n "$gcc_pid" ] && wait $gcc_pid; then
	tui_start -- -p "$TAP_TMP/moved-prog"
	tui_wait "no source: $TAP_TMP/built/moved.c not found (--source-dir)" &&
	    tap_pass "a moved source file: Source says where it was looked for"
	tui_kill_held "moved-prog"
	tui_start -- -p --source-dir="$TAP_TMP/moved" "$TAP_TMP/moved-prog"
	tui_wait "=>   $gdb_line" &&
	    tap_pass "--source-dir=DIR: Source finds it there"
	tui_kill_held "moved-prog with --source-dir"
else
	tap_skip "no gcc, or it failed" 4
fi
tui_done
