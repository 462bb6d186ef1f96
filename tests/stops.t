#!/bin/sh
# stops.t: `stats` counts the process's stops at the calls ptinspect's
# filter stops, by rule, and the calls that need no stop make none.
# tests/progs/stop-rules makes 100 mprotect calls that make memory
# writable, 100 MADV_DONTFORK and 100 MADV_DOFORK calls and 20 mmaps:
# without a data limit only its mmaps (and its loader's) stop; with
# RLIMIT_DATA set by the program (--limit), ptinspect adds the filter
# that watches mprotect's writes at its setrlimit, and each of the 100
# stops; with the limit set before ptinspect starts (ulimit -d), the
# filter stops them from the start. The madvise calls never stop: the
# kernel keeps fork advice on the shared mapping itself. With
# --no-redirect nothing but exit_group stops.

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"

prog=$PROGS/stop-rules

# stops RULE: the last run's stop count of RULE (0 when absent).
stops()
{
	pti_json_eval stats "o['stops'].get('$1', 0)"
}

check_run()
{
	how=$1 want_mprotect=$2 want_rlimit=$3
	tap_is "$TAP_RC:$(printf '%s\n' "$TAP_OUT" | grep -v '^{')" "0:ok" \
	    "$how: the program runs"
	mmaps=$(stops mmap)
	tap_ok "$how: its mmaps stop (${mmaps:-none})" \
	    test "${mmaps:-0}" -ge 20
	tap_is "$(stops madvise)" 0 "$how: 200 fork advices, no stop"
	mprotects=$(stops mprotect)
	if [ "$want_mprotect" = 0 ]; then
		tap_is "$mprotects" 0 "$how: 100 writable mprotects, no stop"
	else
		tap_ok "$how: 100 writable mprotects stop (${mprotects:-none})" \
		    test "${mprotects:-0}" -ge 100
	fi
	tap_is "$(stops rlimit)" "$want_rlimit" "$how: setrlimit's stops"
}

pti_run --batch --json --pause-on-exit -ex stats -- "$prog"
check_run "no data limit" 0 0

pti_run --batch --json --pause-on-exit -ex stats -- "$prog" --limit
# Its setrlimit stops twice: the filter is added, then the call runs.
check_run "RLIMIT_DATA set by the program" 100 2

# AddressSanitizer's shadow memory is data: no such limit for it.
if ldd "$PTINSPECT" 2>/dev/null | grep -q 'libasan'; then
	tap_skip "a sanitizer build: its shadow memory exceeds any data limit" 6
else
	TAP_OUT=$(sh -c 'ulimit -d 4194304 && exec "$@"' sh "$PTINSPECT" \
	    --batch --json --pause-on-exit -ex stats -- "$prog" 2>&1)
	TAP_RC=$?
	check_run "ulimit -d before ptinspect" 100 0
fi

pti_run --no-redirect --batch --json --pause-on-exit -ex stats -- "$prog"
tap_is "$TAP_RC:$(pti_json_eval stats "sorted(o['stops'].items())")" \
    "0:[('exit_group', 1)]" "--no-redirect: only exit_group stops"
tap_done
