#!/bin/sh
# cpython.t: CPython's own regression tests for mmap, threads, subprocesses,
# os, signals and forks from threads (test_fork1: its child's sleep got
# errno 514 once), natively and under ptinspect -f; the result lines
# (SUCCESS, tests OK / failed / skipped and their names) must be the same.
# Two test workers (-j2): most of the time is test_signal's sleeps, so
# the pair nearly halves it (about 80 s natively with one, on the 2-core
# VM); each worker is one more process tree under ptinspect -f. The
# native run goes on beside the traced one (REAL_SIDE_BY_SIDE).
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/real/real.sh"

# Debian's interpreter: libpython3.11-testsuite installs the tests for it.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3) || tap_skip_all "python3 not installed"
"$PY" -c 'import test.support, test.test_mmap' 2>/dev/null ||
	tap_skip_all "CPython's test package not installed (Debian: libpython3.11-testsuite)"

# Keep what the regression test driver concludes, drop timings and progress.
real_filter()
{
	grep -E '^(== )?Tests result: |^(All )?[0-9]+ tests? |^    test_'
}

# Which tests printed what into stderr depends on timing.
REAL_STDERR=ignore
# Most of both runs is waiting (test_signal's sleeps): side by side they
# take little more than one. The kept lines name no path.
REAL_SIDE_BY_SIDE=yes
TAP_TIMEOUT=1200
REAL_MIN_PAUSES=10	# test_subprocess alone starts hundreds of processes
real_compare "python3 -m test" -f -- "$PY" -m test -j2 \
	test_mmap test_threading test_subprocess test_os test_signal test_fork1
tap_diag "native: $(tr '\n' ' ' <"$REAL_TMP/native.cmp")"
# Which test cases failed, and why, in either run.
for run in native traced; do
	failures=$(grep -h -A14 \
		-E '^(FAIL|ERROR): test|^test test_[a-z0-9_]+ failed' \
		"$REAL_TMP/$run.out" "$REAL_TMP/$run.err" | head -80)
	[ -z "$failures" ] || tap_diag "$run run:" "$failures"
done
tap_done
