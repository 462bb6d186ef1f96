#!/bin/sh
# fork-maps.t: a fork of a process with 2,000 regions redirected
# (tests/progs/fork-maps, which checks its own memory and its child's)
# maps them again in the child in one go through the mmap stub's batch
# entry (src/stub.c, stub_map_batch), not one injected mmap each (about
# three stops per region). Counted from outside, as stub.t counts: strace
# on ptinspect sees each stop of its tracees as a wait4 that returns it.
#   - borrowed at the fork, copied when the child maps memory of its own:
#     the program's checks hold, and fewer than 500 stops in all (one
#     injected mmap per region: more than 12,000);
#   - copied at the fork (PTI_TEST_NO_BORROW): the same;
#   - the stub given up (the program maps its address first: "nostub"):
#     the checks hold on the slow path, one injected mmap per region
#     (more than 2,000 stops, copied at the fork), and borrowing.

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"

prog=$PROGS/fork-maps

tap_run "$prog"
tap_is "$TAP_RC" 0 "natively: the program's own checks hold"

# stops ARGS...: runs ptinspect --batch under strace; $TAP_RC, $stops.
stops()
{
	# LeakSanitizer cannot run under ptrace (the sanitizer build).
	tap_run env PTI_TEST_TAG="$pti_tag" ASAN_OPTIONS=detect_leaks=0 \
		strace -qq -o "$TAP_TMP/st" -e signal=none \
		-e trace=wait4,waitid "$PTINSPECT" --batch -- "$@"
	stops=$(grep -c 'WIFSTOPPED' "$TAP_TMP/st")
	pti_collect_leftovers "$*"
}

if command -v strace >/dev/null 2>&1; then
	stops "$prog"
	tap_is "$TAP_RC" 0 "borrowed: the program's own checks hold"
	tap_ok "borrowed: $stops stops for 2 x 2000 regions (< 500)" \
		test "$stops" -lt 500
	PTI_TEST_NO_BORROW=1 stops "$prog"
	tap_is "$TAP_RC" 0 "copied at the fork: the program's own checks hold"
	tap_ok "copied at the fork: $stops stops for 2000 regions (< 500)" \
		test "$stops" -lt 500
else
	tap_skip "strace is needed to count the stops" 4
fi

tap_run "$prog" nostub
if [ "$TAP_RC" = 77 ]; then
	tap_skip "nostub: the stub's page is not free natively" 3
else
	if command -v strace >/dev/null 2>&1; then
		PTI_TEST_NO_BORROW=1 stops "$prog" nostub
		tap_is "$TAP_RC" 0 \
			"no stub, copied at the fork: the program's checks hold"
		tap_ok "no stub: $stops stops, one mmap per region (> 2000)" \
			test "$stops" -gt 2000
	else
		tap_skip "strace is needed to count the stops" 2
	fi
	pti_run --batch -- "$prog" nostub
	tap_is "$TAP_RC" 0 "no stub, borrowed: the program's checks hold"
fi

pti_done
tap_done
