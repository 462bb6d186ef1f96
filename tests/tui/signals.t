#!/bin/sh
# signals.t: Ctrl-C in the TUI says what quits instead of doing nothing;
# while keys go to the program, Ctrl-C reaches it (and -p holds it before
# SIGINT kills it); SIGTERM to ptinspect kills the program, held or let
# run, and ptinspect exits 128+15.
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/tui/tui-lib.sh"

# Prints ptinspect's own pid (the tagged process running $PTINSPECT).
ptinspect_pid()
{
	exe=$(readlink -f "$PTINSPECT")
	for p in $(pti_tagged_pids); do
		[ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$exe" ] &&
			echo "$p"
	done
}

tui_start -- -p "$TUI_PROGS/tui-data"
tui_wait "paused at exit_group(3)" || tap_bail "the TUI did not start"
tui_keys C-c
tui_wait "Ctrl-C does not quit: press q" &&
    tap_like "$(tui_cut 0 0 0 99)" "paused at exit_group\(3\)" \
    "Ctrl-C in the TUI says what quits; the program stays held"
tui_keys q c
tap_is "$(tui_exit_status)" 3 "exit status 3"

tui_start -- -p sh -c 'exec sleep 1000'
tui_wait "running" || tap_bail "the TUI did not start"
tui_keys Tab Tab Tab Tab Tab i
tui_wait "INPUT: keys go to the program"
tui_keys C-c
tui_wait "SIGINT" &&
    tap_like "$(tui_cut 0 0 0 99)" "SIGINT" \
    "Ctrl-C typed to the program reaches it; -p holds it before SIGINT"
tui_keys C-] q c
tap_is "$(tui_exit_status)" 130 "letting SIGINT happen: exit 128+2"

tui_start -- -p "$TUI_PROGS/tui-data"
tui_wait "paused at exit_group(3)" || tap_bail "the TUI did not start"
tui_pid
pid=$(ptinspect_pid)
tap_isnt "$pid" "" "ptinspect's pid found"
kill -TERM $pid
tap_is "$(tui_exit_status)" 143 "SIGTERM while the program is held: 128+15"
tap_ok "... and the held program is gone" test ! -e "/proc/$TUI_PID"

tui_start -- sh -c 'exec sleep 1000'
tui_wait "running" || tap_bail "the TUI did not start"
tui_pid
tui_keys q
tui_wait "let it run to its end"
tui_keys c
sleep 0.5	# not needed for the result: SIGTERM works at any point
pid=$(ptinspect_pid)
kill -TERM $pid
tap_is "$(tui_exit_status)" 143 "SIGTERM after the TUI closed: 128+15"
tap_ok "... and the program is gone" test ! -e "/proc/$TUI_PID"
tui_done
