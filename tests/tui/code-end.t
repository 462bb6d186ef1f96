#!/bin/sh
# code-end.t: the Code pane marks where the frame's function ends. In
# tui-crash, dead of SIGSEGV in crash_here, the row after the last of
# crash_here's instructions that objdump -d lists below its nm -S end
# (start + ELF size) is "-- end of crash_here --"; the code past it
# (padding, then middle) still follows.
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/tui/tui-lib.sh"

command -v objdump >/dev/null 2>&1 || tap_skip_all "no objdump"
command -v nm >/dev/null 2>&1 || tap_skip_all "no nm"
prog="$TUI_PROGS/tui-crash"

# crash_here's last instruction, as an offset into it: objdump's last
# address below start + size.
set -- $(nm -S "$prog" | awk '$4 == "crash_here" { print $1, $2 }')
start=$((0x$1))
end=$((0x$1 + 0x$2))
last=
for a in $(objdump -d --no-show-raw-insn "$prog" |
    sed -n 's/^ *\([0-9a-f]*\):\t.*/\1/p'); do
	a=$((0x$a))
	[ "$a" -ge "$start" ] && [ "$a" -lt "$end" ] &&
	    last=$(printf '+0x%x' $((a - start)))
done
tap_like "$last" '^\+0x[0-9a-f]+$' "objdump: crash_here's last instruction at $last"

tui_start -- -p "$prog"
tui_wait "in crash_here, frame #0" || tap_bail "the TUI did not open on crash_here"
code=$(tui_cut 18 28 0 45)
before=$(printf '%s\n' "$code" | grep -B1 -- '-- end of crash_here --' |
	sed -n 1p | awk '{ print $1 }')
tap_is "$before" "$last" \
	"Code: '-- end of crash_here --' right after its last instruction ($last)"
tap_like "$(printf '%s\n' "$code" | grep -A2 -- '-- end of crash_here --' |
	sed -n 3p)" '^   middle\+0x0 ' "Code: middle's code follows the mark"
tui_kill_held tui-crash
tui_done
