#!/bin/sh
# kill.t: the `kill` command ends the process wherever it is held: at
# exit_group, before a fatal signal, at its last thread's exit (the main
# thread called pthread_exit, the other SYS_exit), and held after a
# SIGKILL (which gives no stop before it acts). ptinspect then returns the
# status of the death at once, never waiting forever.

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"

# kill_run WHAT PROG ARG...: ptinspect --batch -ex kill under a timeout.
kill_run()
{
	what=$1
	shift
	tap_run timeout 30 env PTI_TEST_TAG="$pti_tag" "$PTINSPECT" --batch \
		-ex kill -- "$@"
	pti_collect_leftovers "-ex kill $what"
	tap_isnt "$TAP_RC" 124 "kill $what: ptinspect returns (no hang)"
	tap_like "$TAP_OUT" "^pid [0-9]+: killed" "kill $what: says killed"
}

kill_run "after SIGKILL" sh -c 'kill -9 $$'
tap_is "$TAP_RC" 137 "kill after SIGKILL: status 137"

kill_run "at exit_group" "$PROGS/exit-code" 3
tap_is "$TAP_RC" 137 "kill at exit_group: status 137"

kill_run "before SIGSEGV" "$PROGS/crash"
tap_is "$TAP_RC" 137 "kill before SIGSEGV: status 137"

# The last thread's exit is already under way: its own status stands.
kill_run "at the last thread's exit" "$PROGS/last-thread"
tap_like "$TAP_RC" '^(137|7)$' \
	"kill at the last thread's exit: the exit's status or 137"

pti_done
