# bench/bench.mk: benchmarks, run by hand (not tests):
#	bench/syscall-slowdown [PTINSPECT]   dd bs=1 under ptinspect vs native
# bench/allow-all (built by make check) gives the seccomp floor line.

EXTRA_DIST += bench/syscall-slowdown
check_PROGRAMS += bench/allow-all
bench_allow_all_CFLAGS = $(AM_CFLAGS)
