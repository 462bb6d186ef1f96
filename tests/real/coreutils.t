#!/bin/sh
# coreutils.t: a shell pipeline of coreutils over a large tree, natively and
# under ptinspect (root process only, then every process with -f).
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/real/real.sh"

real_require sh ls sort sha256sum
[ -d /usr/include ] || tap_skip_all "/usr/include missing"

TAP_TIMEOUT=300
REAL_MIN_PAUSES=4	# sh, ls, sort, sha256sum
pipeline='ls -lR /usr/include | sort | sha256sum'
real_compare "$pipeline" -- sh -c "$pipeline"
real_compare "$pipeline (-f)" -f -- sh -c "$pipeline"
real_check_stats "sort" sort /etc/services
tap_done
