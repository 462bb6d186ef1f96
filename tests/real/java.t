#!/bin/sh
# java.t: `java -version` (the JVM reserves huge address ranges, starts a
# dozen threads and prints to stderr), natively and under ptinspect.
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/real/real.sh"

real_require java

TAP_TIMEOUT=300
real_compare "java -version" -- java -version
real_check_stats "java -version" java -version
tap_done
