#!/bin/sh
# forks.t: child processes. By default only the process ptinspect started
# pauses; with -f every child process pauses at its exit too, and the
# commands run against each. Shell pipelines, fork+exec and posix_spawn
# (CLONE_VFORK) children, and a child that crashes.

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"
tap_require_cmd python3

# statuses: one "state:exit_code:signal" word per status JSON line, in order.
statuses()
{
	pti_json_eval status \
		'"%s:%s:%s" % (o["state"], o["exit_code"], o["signal"])' |
		tr '\n' ' ' | sed 's/ $//'
}

# pids: how many distinct pids the status lines name.
pids()
{
	pti_json_eval status 'o["pid"]' | sort -u | wc -l
}

for mode in "" --no-seccomp; do
	m=${mode:+" ($mode)"}

	pti_run --batch --json $mode -ex status \
		"$PROGS/fork-exec" fork "$PROGS/exit-code" 5
	tap_is "$TAP_RC" 5 "fork: exit status$m"
	tap_is "$(statuses)" "exit:5:None" "fork without -f: only the root$m"
	tap_like "$TAP_OUT" '^child exited with 5$' "fork: the child ran$m"

	pti_run --batch --json -f $mode -ex status \
		"$PROGS/fork-exec" fork "$PROGS/exit-code" 5
	tap_is "$TAP_RC" 5 "fork -f: exit status$m"
	tap_is "$(statuses)" "exit:5:None exit:5:None" \
		"fork -f: the child pauses, then the parent$m"
	tap_is "$(pids)" 2 "fork -f: two processes$m"

	pti_run --batch --json -f $mode -ex status \
		"$PROGS/fork-exec" spawn "$PROGS/crash"
	tap_is "$TAP_RC" 139 "spawn -f: exit status 139$m"
	tap_is "$(statuses)" "signal:None:SIGSEGV exit:139:None" \
		"spawn -f: the child pauses before SIGSEGV, then the parent$m"
	tap_like "$TAP_OUT" '^child killed by signal 11$' \
		"spawn -f: the child died of SIGSEGV after the pause$m"

	# A shell pipeline: sh and its three children all pause.
	pti_run --batch --json -f $mode -ex status -- \
		sh -c 'seq 1 20000 | sort -r | head -5; exit 3'
	tap_is "$TAP_RC" 3 "pipeline -f: the shell's exit status$m"
	tap_like "$(statuses)" '^([a-z]+:[A-Za-z0-9]+:[A-Z0-9a-z]+ ){3,}exit:3:None$' \
		"pipeline -f: the children pause, the shell last$m"
	tap_is "$(printf '%s\n' "$TAP_OUT" | grep -v '^{')" \
		"$(printf '9999\n9998\n9997\n9996\n9995')" \
		"pipeline -f: its output is intact$m"
	pti_run --batch --json $mode -ex status -- \
		sh -c 'seq 1 20000 | sort -r | head -5; exit 3'
	tap_is "$(statuses)" "exit:3:None" "pipeline without -f: only sh$m"

	# kill on a child ends that child only.
	pti_run --batch --json -f $mode -ex kill \
		"$PROGS/fork-exec" fork "$PROGS/exit-code" 5
	tap_is "$TAP_RC" 137 "fork -f -ex kill: both killed, in turn$m"
	tap_like "$TAP_OUT" '^child killed by signal 9$' \
		"fork -f -ex kill: the parent saw its child killed$m"
done

pti_done
