#!/bin/sh
# reuse.t: memory a program unmaps is kept in its memfd and handed back
# zeroed at its next mappings (--reuse-freed, src/arena.c "Reuse").
# reuse-churn gives memory back and takes it again every way (munmap of
# whole mappings, in its lane or not, the heap's shrink and growth, a
# MAP_FIXED over an unmapped half, mremap shrinking and growing back)
# and checks that each new piece reads zeros: its native run is the
# oracle, and a kept page handed back unzeroed would read the round
# before. `stats` at the exit pause: bytes were zeroed for reuse (none
# with --reuse-freed=0, nor without redirection), and nothing is kept
# any more (a pause gives it back).

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"

prog="$PROGS/reuse-churn"
tap_run "$prog" 40 threaded
tap_is "$TAP_RC:$TAP_OUT" "0:ok 40 rounds" "reuse-churn natively"
native=$TAP_OUT

# stat FIELD: the field of the last run's `stats` (JSON).
stat()
{
	pti_json_eval stats "o['$1']"
}

for how in "" threaded; do
	pti_run --batch --json --pause-on-exit -ex stats -- \
		"$prog" 40 $how
	out=$(printf '%s\n' "$TAP_OUT" | grep -v '^{')
	tap_is "$TAP_RC:$out" "0:$native" \
		"reuse-churn${how:+ $how} under ptinspect: every new piece zeros"
	reused=$(stat reused_bytes)
	tap_ok "reuse-churn${how:+ $how}: $reused bytes zeroed for reuse" \
		test "${reused:-0}" -ge $((40 * 256 * 1024))
	tap_is "$(stat kept_bytes)" 0 \
		"reuse-churn${how:+ $how}: nothing kept at the pause"
done

pti_run --reuse-freed=0 --batch --json --pause-on-exit -ex stats -- \
	"$prog" 40 threaded
out=$(printf '%s\n' "$TAP_OUT" | grep -v '^{')
tap_is "$TAP_RC:$out:$(stat reused_bytes)" "0:$native:0" \
	"--reuse-freed=0: the same run, nothing reused"

# A budget below the 3 MiB mappings: the small ones are reused still.
pti_run --reuse-freed=1M --batch --json --pause-on-exit -ex stats -- \
	"$prog" 40
out=$(printf '%s\n' "$TAP_OUT" | grep -v '^{')
reused=$(stat reused_bytes)
tap_is "$TAP_RC:$out" "0:ok 40 rounds" "--reuse-freed=1M: the same run"
tap_ok "--reuse-freed=1M: $reused bytes reused" test "${reused:-0}" -gt 0

pti_run --no-redirect --batch --json --pause-on-exit -ex stats -- \
	"$prog" 40
tap_is "$TAP_RC:$(stat reused_bytes)" "0:0" \
	"--no-redirect: nothing reused (no memfd)"

pti_run --batch -ex stats --pause-on-exit -- "$prog" 4
tap_like "$TAP_OUT" \
	'^freed memory: 0 bytes kept for reuse, [1-9][0-9]* bytes zeroed for reuse so far$' \
	"stats says what was reused"

for bad in x 12Q -1 1.5M 99999999999G ""; do
	pti_run --reuse-freed="$bad" --batch -- "$prog" 1
	tap_is "$TAP_RC" 2 "--reuse-freed='$bad' refused (exit 2)"
	tap_like "$TAP_ERR" "--reuse-freed=$bad: not a size" \
		"... naming what was wrong"
done
tap_done
