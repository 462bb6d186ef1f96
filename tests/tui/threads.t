#!/bin/sh
# threads.t: a crash opens on the crashing thread. tui-threads has four
# threads; the second one created ("crasher") dies of SIGSEGV in
# crash_in_worker. The TUI opens on the Threads pane, focused, with that
# thread listed first and selected, its backtrace below it, and its
# registers shown; the other threads follow.
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/tui/tui-lib.sh"

# The bottom-right slot at 100x30: its title row, then the pane's rows.
threads_rows()
{
	tui_cut 18 28 47 99
}

tui_start -- -p "$TUI_PROGS/tui-threads"
tui_wait "SIGSEGV at 0x10 in crash_in_worker" ||
    tap_bail "the TUI did not show the crash"
tui_wait "crash_in_worker+0x"
tap_like "$(tui_cut 17 17 47 99)" "Threads ─ Output ─4, backtraces" \
    "the Threads pane is shown"
tap_like "$(tui_screen -e | sed -n 18p)" "30m.\[46m Threads " \
    "... and has the focus"
first=$(threads_rows | sed -n 1p)
tap_like "$first" "^> [0-9]+ crasher +held$" \
    "the crashing thread is listed first, selected"
tap_like "$(threads_rows | sed -n 2p)" "^ +#0  crash_in_worker\+0x" \
    "... its backtrace under it"
tid=$(printf '%s\n' "$first" | sed -n 's/^> \([0-9]*\) .*/\1/p')
tap_like "$(tui_cut 1 1 80 99)" "Registers ─$tid" \
    "... and its registers are shown"
# The pane fills in as each thread's row is read, each with its
# backtrace, so the waiters may lie below the pane's rows: walk the
# selection down (the view follows it) until both waiters' tids were seen,
# for up to 20 steps.
seen=
for i in $(seq 20); do
	seen="$seen $(threads_rows |
	    sed -n 's/^[> ] *\([0-9][0-9]*\) waiter  *held$/\1/p')"
	n=$(printf '%s\n' $seen | sort -u | grep -c .)
	[ "$n" = 2 ] && break
	tui_keys j
	sleep 0.3
done
tap_is "$n" 2 "the waiting threads follow"
tui_keys q
tui_wait "let the exit finish"
tui_keys c
tap_is "$(tui_exit_status)" 139 "c lets SIGSEGV kill it: exit status 139"
tui_done
