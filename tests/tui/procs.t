#!/bin/sh
# procs.t: processes and lifecycles. With -f the child of tui-fork is held
# at its exit while the parent waits; the processes pane lists both and
# switches the view to the child; F8 lets the child go, the parent then
# finishes. Without -p the program just exits (the memory pane says -p
# would hold it) and q quits at once. Input typed in the output pane
# reaches the program. A missing program gives
# 127 before any screen.
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/tui/tui-lib.sh"

tui_start -- -p -f "$TUI_PROGS/tui-fork"
tui_wait "paused: see Processes" &&
    tap_pass "the child's pause is announced while the parent runs"
tui_keys Tab Tab Tab Tab Tab Tab
tui_wait "held at exit_group(5)" &&
    tap_like "$(tui_screen)" "running" "the processes pane lists both"
tui_keys j Enter
tui_wait "paused at exit_group(5)" &&
    tap_like "$(tui_cut 0 0 0 99)" "tui-fork +paused at exit_group\(5\)" \
    "Enter shows the child"
tui_keys F8
tui_wait "exited with status 5" && tap_pass "F8 lets the child exit"
tui_keys k Enter
tui_wait "paused at exit_group(0)" &&
    tap_pass "the parent is held at its exit after the child is gone"
tui_keys q
tui_wait "kill every process"
tui_keys c
tap_is "$(tui_exit_status)" 0 "ptinspect exits with the parent's status"

tui_start -- "$TUI_PROGS/tui-data"
tui_wait "exited with status 3" && tap_pass "without -p the program exits"
tap_like "$(tui_screen)" \
    "the process is gone \(exit 3\); run with -p to hold it at its exit" \
    "... and the memory pane says how to hold it"
tui_keys q
tap_is "$(tui_exit_status)" 3 "q quits at once with its status"

tui_start -- -p sh -c 'read line; echo "got $line"; exit 4'
tui_wait "running"
tui_keys Tab Tab Tab Tab Tab i
tui_wait "INPUT: keys go to the program"
tui_type "hello there"
tui_keys Enter
tui_wait "paused at exit_group(4)" &&
    tap_like "$(tui_screen)" "got hello there" \
    "i in the output pane types to the program"
tui_keys C-]
tui_wait "F10Quit" && tap_pass "Ctrl-] gives the keyboard back"
tui_keys q c
tap_is "$(tui_exit_status)" 4 "exit status 4"

tui_start -- ./no-such-program
tui_wait "not found" && tap_pass "a missing program is reported"
tap_is "$(tui_exit_status)" 127 "exit status 127"
tui_done
