#!/bin/sh
# seal.t: memory a program seals (mseal(2)) goes back to private memory
# before the seal (tests/semantics.t runs sem-mseal for that). Under an
# RLIMIT_AS with no room for a private copy aside, the copy is made in
# place: the seal happens as natively, and every call the kernel refuses
# on the sealed memory keeps its bytes. Where no private memory can be
# had at all (forced through the test-only PTI_TEST_PRIVATE_FAIL,
# src/redirect.c), the seal still happens over the memfd and ptinspect
# says once, naming the process and the address, that the memory stays
# there; every refusal still keeps the bytes (a whole munmap's lane gives
# the extent back, a hole's munmap and MAP_FIXED over it go only once
# they worked), and at the pause `maps` shows the sealed memory as the
# memfd's still ("access":"shared": the extent was given back). `stats`
# names sealed private memory as such.

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"

prog="$PROGS/sem-mseal"
tap_run "$prog" tight
case $TAP_RC in
77) tap_skip_all "natively: $TAP_ERR" ;;
0) ;;
*) tap_bail "sem-mseal tight fails natively ($TAP_RC): $TAP_ERR" ;;
esac

# said N DESC: the last run's stderr holds N lines from ptinspect.
said()
{
	tap_is "$(printf '%s\n' "$TAP_ERR" | grep -c '^ptinspect: ')" "$1" \
		"$2: $1 line(s) from ptinspect"
}

pti_run --batch -- "$prog" tight
tap_is "$TAP_RC" 0 "sealed under a tight RLIMIT_AS: every refusal keeps the bytes"
said 0 "made private in place"

pti_run --batch -- "$prog"
tap_is "$TAP_RC" 0 "sealed with room for the copy: the program's checks pass"
said 0 "with room for the copy"

# `stats` says why the sealed memory is private: smaps' VmFlags "sl".
pti_run --batch --json --pause-on-exit -ex stats -- "$prog" seal
sealed=$(printf '%s\n' "$TAP_OUT" | sed -n 's/^sealed 0x//p')
tap_is "$(pti_json_eval stats "[c['reason'] for c in o['copy']
	if int(c['start'], 16) == 0x$sealed]")" "['sealed (mseal)']" \
	"stats: the sealed 1 MiB is private as \"sealed (mseal)\""

for mode in seal tight; do
	tap_run env PTI_TEST_TAG="$pti_tag" PTI_TEST_PRIVATE_FAIL=1 \
		"$PTINSPECT" --batch --json -ex maps -- "$prog" "$mode"
	pti_collect_leftovers "PTI_TEST_PRIVATE_FAIL=1 --batch -- $prog $mode"
	tap_is "$TAP_RC" 0 "$mode, with no private memory: the bytes kept"
	said 1 "$mode, with no private memory"
	tap_like "$TAP_ERR" \
		'^ptinspect: pid [0-9]+: sealed memory at 0x[0-9a-f]+ stays in .*memfd.*said once' \
		"$mode: it says the sealed memory stays in the memfd"
	sealed=$(printf '%s\n' "$TAP_OUT" | sed -n 's/^sealed 0x//p')
	tap_is "$(pti_json_eval maps "[r['access'] for r in o['regions']
		if int(r['start'], 16) <= 0x$sealed < int(r['end'], 16)]")" \
		"['shared']" "$mode: the sealed memory is the memfd's at the pause"
done

pti_done
