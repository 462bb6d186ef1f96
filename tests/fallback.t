#!/bin/sh
# fallback.t: where seccomp filters are unavailable (deny-seccomp makes
# seccomp(2) fail as on a kernel without them), ptinspect warns once and
# traces every syscall instead: same pauses, statuses and output. Asking
# for --no-seccomp takes the same path without a warning.

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"

deny="$PROGS/deny-seccomp"
tap_run "$deny" true
if [ "$TAP_RC" -ne 0 ]; then
	tap_skip_all "cannot install a seccomp filter here: $TAP_ERR"
fi

# Runs ptinspect under deny-seccomp.
pti_run_denied()
{
	tap_run env PTI_TEST_TAG="$pti_tag" "$deny" "$PTINSPECT" "$@"
	pti_collect_leftovers "$* (seccomp denied)"
}

# warned DESC: the last run's stderr holds exactly one ptinspect line, a
# warning about seccomp.
warned()
{
	tap_is "$(printf '%s\n' "$TAP_ERR" | grep -c '^ptinspect: ')" 1 \
		"$1: one line from ptinspect"
	tap_like "$TAP_ERR" '^ptinspect: .*seccomp' "$1: it names seccomp"
}

pti_run_denied --batch -ex status "$PROGS/exit-code" 42
tap_is "$TAP_RC" 42 "exit_group: exit status 42"
tap_like "$TAP_OUT" '^pid [0-9]+: paused at exit_group\(42\); 1 thread$' \
	"exit_group: the pause"
warned "exit_group"

pti_run_denied --batch -ex status "$PROGS/crash"
tap_is "$TAP_RC" 139 "SIGSEGV: exit status 139"
tap_like "$TAP_OUT" \
	'^pid [0-9]+: paused before SIGSEGV \(fault address 0x10\); 1 thread$' \
	"SIGSEGV: the pause"
warned "SIGSEGV"

pti_run_denied --batch -ex status "$PROGS/threads"
tap_is "$TAP_RC" 0 "threads: exit status 0"
tap_like "$TAP_OUT" '^pid [0-9]+: paused at exit_group\(0\); 9 threads$' \
	"threads: 9 threads held"

pti_run_denied --batch -f -ex status "$PROGS/fork-exec" fork \
	"$PROGS/exit-code" 3
tap_is "$TAP_RC" 3 "fork -f: exit status 3"
tap_is "$(printf '%s\n' "$TAP_OUT" | grep -c 'paused at exit_group(3)')" 2 \
	"fork -f: child and parent pause"

# Output: the same bytes as a native run under the same filter; stderr
# has the warning besides.
tap_run env PTI_TEST_TAG="$pti_tag" "$deny" "$PROGS/output"
cp "$TAP_TMP/out" "$TAP_TMP/native.out"
grep -v '^ptinspect: ' "$TAP_TMP/err" >"$TAP_TMP/native.err"
pti_run_denied --batch "$PROGS/output"
tap_same_file "$TAP_TMP/out" "$TAP_TMP/native.out" "output: same stdout"
grep -v '^ptinspect: ' "$TAP_TMP/err" >"$TAP_TMP/err.rest"
tap_same_file "$TAP_TMP/err.rest" "$TAP_TMP/native.err" \
	"output: same stderr besides the warning"
warned "output"

# --no-seccomp: the same fallback, asked for, so no warning.
pti_run_denied --batch --no-seccomp -ex status "$PROGS/exit-code" 42
tap_is "$TAP_RC" 42 "--no-seccomp: exit status 42"
tap_is "$TAP_ERR" "" "--no-seccomp: no warning"

pti_done
