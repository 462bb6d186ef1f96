#!/bin/sh
# semantics-1.t: half 1 of tests/semantics.t (see there), which make -j2
# check runs beside the other half.
SEM_SHARD=1/2 exec "$TOP_SRCDIR/tests/semantics.t"
