#!/bin/sh
# daemon.t: a descendant that outlives the program ptinspect started.
# Every traced process has ptinspect's seccomp filter, which needs a
# tracer, so ptinspect cannot let it go; in batch mode without -f it hands
# it to a background keeper (tracer-keeper.c) and returns at once with the
# program's status, saying so once. The descendant (daemon-job, with a
# second thread) waits for a file the test writes only once ptinspect has
# returned, then maps and unmaps 64 MiB from both threads and grows its
# heap: under the keeper those calls work (without a tracer they fail
# with ENOSYS) and are still redirected into ptinspect's memfd. The keeper
# ends with the descendant; killing the keeper kills it. With -f
# ptinspect waits as before, and with -f -p holds each at its exit.
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"

job='"$0" "$1" "$2" & echo started; exit 3'
told='^ptinspect: pid [0-9]+ has ended; the process it left running \(pid'
told="$told"' [0-9]+, daemon-job\) goes on under a keeper, pid [0-9]+,'
told="$told"' that traces them in the background .*; killing the keeper'
told="$told"' kills them$'

# Polls (50 ms) until CMD succeeds, for at most 8 s.
poll()
{
	n=160
	until "$@"; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || return 1
		sleep 0.05
	done
}

# Is pid $1 gone (or a zombie nobody reaps)?
gone()
{
	! [ -e "/proc/$1" ] ||
	    [ "$(sed 's/^.*) \(.\).*$/\1/' "/proc/$1/stat" 2>/dev/null)" = Z ]
}

# The keeper's pid, and the descendant's, as ptinspect said them.
said_keeper()
{
	printf '%s\n' "$TAP_ERR" |
	    sed -n 's/.*under a keeper, pid \([0-9]*\).*/\1/p'
}
said_job()
{
	printf '%s\n' "$TAP_ERR" |
	    sed -n 's/.*(pid \([0-9]*\), daemon-job).*/\1/p'
}

tap_run env PTI_TEST_TAG="$pti_tag" "$PTINSPECT" --batch -- \
    sh -c "$job" "$PROGS/daemon-job" "$TAP_TMP/go" "$TAP_TMP/done"
tap_is "$TAP_RC" 3 "ptinspect returns with the program's status"
tap_is "$TAP_OUT" started "the program ran"
tap_ok "... while the descendant still waits (it has not written its file)" \
    test ! -e "$TAP_TMP/done"
tap_like "$TAP_ERR" "$told" "ptinspect says the keeper took it over"
tap_is "$(printf '%s\n' "$TAP_ERR" | grep -c 'ptinspect: ')" 1 "... once"
keeper=$(said_keeper)
job_pid=$(said_job)
tap_is "$(cat "/proc/$keeper/comm" 2>/dev/null)" ptinspect-keep \
    "the keeper runs"
tap_is "$(sed -n 's/^TracerPid:[[:space:]]*//p' "/proc/$job_pid/status" \
    2>/dev/null)" "$keeper" "the keeper traces the descendant (/proc)"
: >"$TAP_TMP/go"
poll test -e "$TAP_TMP/done"
tap_is "$(cat "$TAP_TMP/done" 2>/dev/null)" "ok 2016 memfd" \
    "the descendant ran to its end, its mmaps, munmaps and brk redirected"
poll gone "$keeper"
tap_ok "the keeper ended with the descendant" gone "$keeper"
pti_collect_leftovers "--batch (keeper)"

# The keeper's messages go where ptinspect's went when that is a file or a
# terminal; a pipe it does not keep, so `$(ptinspect ... 2>&1)` returns
# while the descendant (its own output sent elsewhere) runs, waiting for
# GO, as it would natively.
rm -f "$TAP_TMP/go" "$TAP_TMP/done"
tap_run env PTI_TEST_TAG="$pti_tag" "$PTINSPECT" --batch -- \
    sh -c "$job" "$PROGS/daemon-job" "$TAP_TMP/go" "$TAP_TMP/done"
keeper=$(said_keeper)
tap_is "$(readlink "/proc/${keeper:-none}/fd/2")" "$TAP_TMP/err" \
    "the keeper writes its messages to ptinspect's standard error, a file"
: >"$TAP_TMP/go"
poll gone "${keeper:-none}"
pti_collect_leftovers "--batch (keeper, stderr a file)"
rm -f "$TAP_TMP/go" "$TAP_TMP/done"
quiet_job='"$0" "$1" "$2" >/dev/null 2>&1 & echo started; exit 3'
out=$(env PTI_TEST_TAG="$pti_tag" timeout -k 1 20 "$PTINSPECT" --batch -- \
    sh -c "$quiet_job" "$PROGS/daemon-job" "$TAP_TMP/go" "$TAP_TMP/done" 2>&1)
tap_is "$?" 3 "\$(ptinspect ... 2>&1) returns at once: the keeper keeps no pipe"
tap_ok "... while the descendant still waits" test ! -e "$TAP_TMP/done"
: >"$TAP_TMP/go"
poll test -e "$TAP_TMP/done"
pti_collect_leftovers "--batch (keeper, stderr a pipe)"

# What is left may never be quiet: a shell loop running a command every
# 20 ms. The hand-over comes 100 ms after the program's end all the same
# (not after 100 ms without events), while dash vforks its commands: a
# vfork child not yet exec'd is let run to its exec, since its parent
# waits for it uninterruptibly and no SIGSTOP would stop the parent.
rm -f "$TAP_TMP/go" "$TAP_TMP/done"
busy='(while [ ! -e "$0" ]; do sleep 0.02; done; echo finished > "$1") &'
tap_run env PTI_TEST_TAG="$pti_tag" timeout -k 1 20 "$PTINSPECT" --batch \
    -- sh -c "$busy exit 4" "$TAP_TMP/go" "$TAP_TMP/done"
tap_is "$TAP_RC" 4 "a busy shell loop left running: the program's status"
tap_ok "... at once: the loop still runs" test ! -e "$TAP_TMP/done"
tap_like "$TAP_ERR" 'process(es)? it left running \(pid [0-9]+, sh(, \.\.\.)?\) go(es)? on under a keeper' \
    "... under a keeper"
keeper=$(said_keeper)
: >"$TAP_TMP/go"
poll test -e "$TAP_TMP/done"
tap_is "$(cat "$TAP_TMP/done" 2>/dev/null)" finished \
    "... it ran to its end under the keeper"
poll gone "${keeper:-none}"
pti_collect_leftovers "--batch (keeper, busy shell loop)"

# The program ends while a vfork child it left sleeps before its exec
# (daemon-job's vfork mode; the program waits until the child is in it).
rm -f "$TAP_TMP/go" "$TAP_TMP/done" "$TAP_TMP/done.vfork"
inwait='"$0" "$1" "$2" vfork & while [ ! -e "$2.vfork" ]; do sleep 0.01;'
tap_run env PTI_TEST_TAG="$pti_tag" timeout -k 1 20 "$PTINSPECT" --batch \
    -- sh -c "$inwait done; exit 5" "$PROGS/daemon-job" "$TAP_TMP/go" \
    "$TAP_TMP/done"
tap_is "$TAP_RC" 5 "a vfork child before its exec: the program's status"
tap_like "$TAP_ERR" 'the 2 processes it left running \(pid [0-9]+, daemon-job, \.\.\.\) go on under a keeper' \
    "... the vfork parent and child go on under a keeper"
keeper=$(said_keeper)
: >"$TAP_TMP/go"
poll test -e "$TAP_TMP/done"
tap_is "$(cat "$TAP_TMP/done" 2>/dev/null)" "ok 2016 memfd" \
    "... the child exec'd and ran to its end, redirected"
poll gone "${keeper:-none}"
pti_collect_leftovers "--batch (keeper, vfork child)"

# Killing the keeper kills what it traces (PTRACE_O_EXITKILL).
rm -f "$TAP_TMP/go" "$TAP_TMP/done"
tap_run env PTI_TEST_TAG="$pti_tag" "$PTINSPECT" --batch -- \
    sh -c "$job" "$PROGS/daemon-job" "$TAP_TMP/go" "$TAP_TMP/done"
keeper=$(said_keeper)
job_pid=$(said_job)
tap_ok "a keeper took the descendant" test -n "$keeper" -a -n "$job_pid"
tap_ok "... which runs" test -d "/proc/${job_pid:-none}/task"
kill -TERM "${keeper:-none}" 2>/dev/null
poll gone "${job_pid:-none}"
tap_ok "killing the keeper kills the descendant" gone "${job_pid:-none}"
pti_collect_leftovers "--batch (keeper killed)"

# As a non-root user, a descendant that made itself non-dumpable (as
# ssh-agent does) refuses a new tracer; ptinspect makes it dumpable for
# the moment of the hand-over and the keeper makes it non-dumpable again.
# daemon-job's nodump mode sleeps a second across the hand-over in one
# nanosleep, which must end as natively (0, a second or more), and checks
# it is still non-dumpable at its end. The oracle for ssh-agent: ssh-add
# talks to the agent under the keeper as to a native one.
nobody="setpriv --reuid=65534 --regid=65534 --clear-groups --"
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null ||
    ! $nobody test -x "$PTINSPECT" 2>/dev/null; then
	tap_skip "needs root and setpriv (ptinspect run as uid 65534)" 9
else
	chmod 711 "$TAP_TMP"
	mkdir "$TAP_TMP/nobody"
	chown 65534:65534 "$TAP_TMP/nobody"
	nd=$TAP_TMP/nobody
	tap_run env PTI_TEST_TAG="$pti_tag" $nobody "$PTINSPECT" --batch -- \
	    sh -c '"$0" "$1" "$2" nodump & echo started; exit 3' \
	    "$PROGS/daemon-job" "$nd/go" "$nd/done"
	tap_is "$TAP_RC" 3 "non-dumpable, as nobody: the program's status"
	tap_like "$TAP_ERR" "$told" \
	    "non-dumpable, as nobody: the keeper took the descendant over"
	keeper=$(said_keeper)
	job_pid=$(said_job)
	# The keeper lets ptinspect exit only once it has finished: had it
	# not, timeout(1)'s exit after ptinspect's would leave the job's
	# process group orphaned with the job still stopped for the
	# hand-over, and the kernel would kill it with SIGHUP. Its /proc
	# files are root's only while it is non-dumpable, which the keeper
	# sets just before it lets it go.
	tap_is "$(stat -c %u "/proc/${job_pid:-none}/status" 2>/dev/null)" 0 \
	    "non-dumpable, as nobody: the keeper has finished when ptinspect returns (non-dumpable again)"
	tap_is "$(sed -n 's/^TracerPid:[[:space:]]*//p' \
	    "/proc/${job_pid:-none}/status" 2>/dev/null)" "${keeper:-none}" \
	    "non-dumpable, as nobody: the keeper traces it (/proc)"
	$nobody touch "$nd/go"
	poll test -e "$nd/done"
	tap_is "$(cat "$nd/done" 2>/dev/null)" "ok 2016 memfd nodump" \
	    "non-dumpable: its sleep across the hand-over ended as natively; it is non-dumpable still; its memory calls redirected"
	poll gone "${keeper:-none}"
	pti_collect_leftovers "--batch (keeper, non-dumpable, as nobody)"

	if ! command -v ssh-agent >/dev/null ||
	    ! command -v ssh-add >/dev/null; then
		tap_skip "ssh-agent is not installed" 4
	else
		tap_run env PTI_TEST_TAG="$pti_tag" HOME="$nd" TMPDIR="$nd" \
		    $nobody "$PTINSPECT" --batch -- ssh-agent -s
		tap_is "$TAP_RC" 0 "ssh-agent -s as nobody: returns, status 0"
		agent=$(printf '%s\n' "$TAP_OUT" |
		    sed -n 's/^SSH_AGENT_PID=\([0-9]*\);.*/\1/p')
		sock=$(printf '%s\n' "$TAP_OUT" |
		    sed -n 's/^SSH_AUTH_SOCK=\([^;]*\);.*/\1/p')
		keeper=$(said_keeper)
		tap_is "$(sed -n 's/^TracerPid:[[:space:]]*//p' \
		    "/proc/${agent:-none}/status" 2>/dev/null)" \
		    "${keeper:-none}" "ssh-agent as nobody: goes on, traced by the keeper"
		tap_run $nobody env SSH_AUTH_SOCK="$sock" ssh-add -l
		tap_is "$TAP_RC:$TAP_OUT" "1:The agent has no identities." \
		    "ssh-agent as nobody: ssh-add -l gets its answer"
		kill "${agent:-none}" 2>/dev/null
		poll gone "${keeper:-none}"
		tap_ok "ssh-agent as nobody: the keeper ends with the agent" \
		    gone "${keeper:-none}"
		pti_collect_leftovers "--batch ssh-agent -s (as nobody)"
	fi
fi

# -f: ptinspect waits for the descendant and says why, once.
waits='(while kill -0 $$ 2>/dev/null; do sleep 0.05; done; sleep 0.6;'
waits="$waits"' echo finished > "$1") & echo started; exit 3'
why='^ptinspect: pid [0-9]+ has ended; waiting for [0-9]+ process(es)? it'
why="$why"' left running \(pid [0-9]+, [^)]*\): each has ptinspect.s'
why="$why"' seccomp filter and needs ptinspect as its tracer'
rm -f "$TAP_TMP/done"
pti_run --batch -f -- sh -c "$waits" sh "$TAP_TMP/done"
tap_is "$TAP_RC" 3 "-f: the program's exit status, after its descendant ended"
tap_is "$(cat "$TAP_TMP/done" 2>/dev/null)" finished \
    "-f: the descendant ran to its end before ptinspect returned"
tap_like "$TAP_ERR" "$why" "-f: ptinspect says why it waits"
tap_is "$(printf '%s\n' "$TAP_ERR" | grep -c 'has ended; waiting')" 1 \
    "... once"

prog='(sleep 0.6; echo finished > "$1") & echo started; exit 3'
rm -f "$TAP_TMP/done"
pti_run --batch -f -p -ex status -- sh -c "$prog" sh "$TAP_TMP/done"
tap_is "$TAP_RC" 3 "-f -p: the program's exit status"
tap_is "$(cat "$TAP_TMP/done" 2>/dev/null)" finished \
    "-f -p: the descendant ran to its end"
tap_is "$(printf '%s\n' "$TAP_OUT" | grep -c ': paused at exit_group')" 3 \
    "-f -p: the program, the subshell and sleep were each held at exit"
pti_done
