#!/bin/sh
# seal.t: memory a program seals (mseal(2)) goes back to private memory
# before the seal (tests/semantics.t runs sem-mseal for that); where it
# cannot (RLIMIT_AS leaves no room for the private copy), the seal still
# happens as natively, the bytes stay, and ptinspect says once, naming
# the process and the address, that the memory stays in its memfd.

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"

prog="$PROGS/sem-mseal"
tap_run "$prog" tight
case $TAP_RC in
77) tap_skip_all "natively: $TAP_ERR" ;;
0) ;;
*) tap_bail "sem-mseal tight fails natively ($TAP_RC): $TAP_ERR" ;;
esac

pti_run --batch -- "$prog" tight
tap_is "$TAP_RC" 0 "sealed under a tight RLIMIT_AS: the program's checks pass"
said=$(printf '%s\n' "$TAP_ERR" | grep '^ptinspect: ')
tap_is "$(printf '%s\n' "$said" | grep -c .)" 1 "one line from ptinspect"
tap_like "$said" \
	'^ptinspect: pid [0-9]+: sealed memory at 0x[0-9a-f]+ stays in .*memfd.*said once' \
	"it says the sealed memory stays in the memfd"

# With room for the copy, nothing is said.
pti_run --batch -- "$prog"
tap_is "$TAP_RC" 0 "sealed with room for the copy: the program's checks pass"
tap_is "$(printf '%s\n' "$TAP_ERR" | grep -c '^ptinspect: ')" 0 \
	"nothing said"

pti_done
