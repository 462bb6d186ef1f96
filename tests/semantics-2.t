#!/bin/sh
# semantics-2.t: half 2 of tests/semantics.t (see there), which make -j2
# check runs beside the other half.
SEM_SHARD=2/2 exec "$TOP_SRCDIR/tests/semantics.t"
