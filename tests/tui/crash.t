#!/bin/sh
# crash.t: tui-crash dies of SIGSEGV at 0x10 in crash_here, three calls
# below main. The status line says so, the TUI opens on the threads pane
# (on frame #0, see source.t), which shows the frames in order with
# source lines, Enter on a frame shows its code, the output pane has what
# it printed (or -o FILE has it), and letting the signal happen makes
# ptinspect exit 128+11.
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/tui/tui-lib.sh"

tui_start -- -p "$TUI_PROGS/tui-crash"
tui_wait "SIGSEGV at 0x10 in crash_here" &&
    tap_pass "the status line names the signal, address and function"
tui_pid
tui_wait "#3" || tap_bail "no backtrace"
# Offsets depend on the compiler's code; the order and lines do not.
tui_golden crash-threads.txt "$(tui_cut 17 22 47 99 |
    sed -E 's/\+0x[0-9a-f]+/+OFF/')" "the threads pane shows the backtrace"
tui_keys j Enter
tui_wait "tui-crash+0x" &&
    tap_like "$(tui_cut 1 1 0 78)" "Memory ─ P(rocess)? ─ S(ource)? ─[0-9a-f]{12} tui-crash\+0x" \
    "Enter on frame #1 shows its code"
tui_keys Tab Tab Tab Tab Tab Tab
tui_wait "about to crash" && tap_pass "the output pane has the output"
tui_keys q
tui_wait "let the exit finish"
tui_keys c
tap_is "$(tui_exit_status)" 139 "c lets SIGSEGV kill it: exit status 139"

tui_start -- -p -o "$TAP_TMP/out.txt" "$TUI_PROGS/tui-crash"
tui_wait "SIGSEGV at 0x10"
tui_keys Tab
tui_wait "(output goes to" && tap_pass "-o: the output pane says where output goes"
tap_is "$(cat "$TAP_TMP/out.txt")" "about to crash" "-o: the file has the output"
tui_kill_held "-o"
tui_done
