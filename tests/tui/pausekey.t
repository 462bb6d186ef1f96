#!/bin/sh
# pausekey.t: F8 pauses a running program on demand (every thread held,
# "paused by request": /proc says the program is stopped and its counter,
# bumped every millisecond, stands still) and F8 again continues it (the
# counter moves on); the F-key bar says which F8 does now. The program
# then ends as usual.
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/tui/tui-lib.sh"

# counter: the u32 at 0x20000000008 as the prompt's x shows it on the
# bottom line, which the prompt takes over first: the value read is the
# new x's (a fixed wait could read the last x's line again, and "stands
# still" would pass unseen).
counter_shown()
{
	tui_screen | grep -q '^0000020000000008  '
}
counter_gone()
{
	! counter_shown
}
counter()
{
	tui_keys :
	tui_until counter_gone || return
	tui_type 'x 0x20000000008 4'; tui_keys Enter
	tui_until counter_shown || return
	tui_screen | sed -n 's/^0000020000000008  \(.. .. .. ..\).*/\1/p' |
		tail -1
}

# The program's state letter in /proc (S, R; t when held by ptrace).
proc_state()
{
	sed 's/^.*) \(.\).*$/\1/' "/proc/$1/stat" 2>/dev/null
}

tui_start -- -p "$TUI_PROGS/tui-live"
tui_wait "running" || tap_bail "the TUI did not start"
tap_like "$(tui_screen | tail -1)" "F8Pause" \
    "the F-key bar offers F8 Pause while it runs"
tui_pid; pid=$TUI_PID
tui_keys F8
tui_wait "paused by request" &&
    tap_pass "F8 pauses the running program: paused by request"
tap_is "$(proc_state "$pid")" t "/proc says it is stopped (t)"
tap_like "$(tui_screen | tail -1)" "F8Cont" "F8 now reads Cont"
first=$(counter)
sleep 0.5
second=$(counter)
tap_isnt "$first" "" "the counter reads while paused"
tap_is "$second" "$first" "the counter stands still while paused"

tui_keys Escape F8
tui_wait "running" && tap_pass "F8 continues it: running again"
sleep 0.5
third=$(counter)
# A reading, and another one: an empty one (no x shown) must not pass.
tap_ok "the counter moves on after continue ($first, then $third)" \
	test -n "$third" -a "$third" != "$first"

tui_keys Escape F9 y
tui_wait "killed by SIGKILL" && tap_pass "it ends as usual"
tui_keys q
tap_is "$(tui_exit_status)" 137 "exit status 137 after the kill"
tui_done
