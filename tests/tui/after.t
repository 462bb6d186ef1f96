#!/bin/sh
# after.t: what the user's terminal shows and does once the TUI closes.
# What the program wrote while the TUI was up is printed there; a
# program let run to its end is in the foreground as if run natively:
# typed input reaches it, Ctrl-C and Ctrl-\ kill it as they would.
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/tui/tui-lib.sh"

# The issue's example: three lines, written while the TUI was up.
want=$(ls / | sort | head -3)
tui_start -- -f -p sh -c 'ls / | sort | head -3'
tui_wait "paused: see Processes" || tap_bail "the TUI did not start"
tui_keys q
tui_wait "kill every process"
tui_keys c
tap_is "$(tui_exit_status)" 0 "exit status 0"
tap_is "$(tui_screen | head -3)" "$want" \
    "the program's output is on the terminal after the TUI closes"

# Let it run, then type to it: the keys reach its terminal.
tui_start -- sh -c 'read line; echo "got $line"; exit 4'
tui_wait "running" || tap_bail "the TUI did not start"
tui_keys q
tui_wait "let it run to its end"
tui_keys c
tui_type "typed after"
tui_keys Enter
tap_is "$(tui_exit_status)" 4 "input typed after the TUI closed reaches it"
tap_like "$(tui_screen)" "^got typed after" "... and its answer shows"

# Let it run, then Ctrl-C: it dies of SIGINT, as natively.
tui_start -- sh -c 'echo started; exec sleep 1000'
tui_wait "running" || tap_bail "the TUI did not start"
tui_keys q
tui_wait "let it run to its end"
tui_keys c
tui_keys C-c
tap_is "$(tui_exit_status)" 130 "Ctrl-C after the TUI closed: exit 128+2"
tap_like "$(tui_screen)" "^started" "... after the output it wrote"

# Ctrl-\ likewise (SIGQUIT).
tui_start -- sh -c 'exec sleep 1000'
tui_wait "running" || tap_bail "the TUI did not start"
tui_keys q
tui_wait "let it run to its end"
tui_keys c
tui_keys 'C-\'
tap_is "$(tui_exit_status)" 131 "Ctrl-\\ after the TUI closed: exit 128+3"
tui_done
