# bench/bench.mk: the benchmarks (not tests). `make bench` runs bench/run,
# the one entry point: it builds what it needs, runs every benchmark with
# a warm-up and several rounds, prints medians and min-max, and writes
# docs/BENCHMARKS.md and docs/plots/*.png (QUICK=1: a two-minute run
# whose report goes to docs-quick/ in the build directory; DOCS=DIR:
# elsewhere). The single benchmarks still run by hand:
#	bench/syscall-slowdown [PTINSPECT]   dd bs=1 under ptinspect vs native
# bench/allow-all (built by make check) gives the seccomp floor line.

EXTRA_DIST += bench/syscall-slowdown
# `print` of a 100-field struct, first and warm, by hand:
#	bench/print-bench [PTINSPECT]
EXTRA_DIST += bench/print-bench
check_PROGRAMS += bench/allow-all
bench_allow_all_CFLAGS = $(AM_CFLAGS)

# bench/run's own programs.
EXTRA_DIST += bench/run bench/plots.gp bench/sqlite-work.sql \
	docs/BENCHMARKS.md docs/plots/mem-latency.png \
	docs/plots/mem-throughput.png docs/plots/slowdown.png
noinst_PROGRAMS += bench/mem-access bench/exit-latency bench/timeit \
	bench/alloc-threads bench/stop-cost bench/page-cost bench/tree-cpu
bench_mem_access_SOURCES = bench/mem-access.c
bench_mem_access_CFLAGS = $(PTI_TOOL_CFLAGS_)
bench_mem_access_LDFLAGS = $(PTI_TOOL_LDFLAGS_)
bench_mem_access_LDADD = $(PTI_TEST_LIBS)
bench_exit_latency_SOURCES = bench/exit-latency.c
bench_exit_latency_CFLAGS = $(PTI_TOOL_CFLAGS_)
bench_exit_latency_LDFLAGS = $(PTI_TOOL_LDFLAGS_)
bench_exit_latency_LDADD = $(PTI_TEST_LIBS)
# Measuring programs and a tracee: plain flags, no sanitizers.
bench_timeit_SOURCES = bench/timeit.c
bench_timeit_CFLAGS = $(AM_CFLAGS)
bench_alloc_threads_SOURCES = bench/alloc-threads.c
bench_alloc_threads_CFLAGS = $(AM_CFLAGS)
bench_alloc_threads_LDADD = -lpthread
bench_stop_cost_SOURCES = bench/stop-cost.c
bench_stop_cost_CFLAGS = $(AM_CFLAGS)
bench_page_cost_SOURCES = bench/page-cost.c
bench_page_cost_CFLAGS = $(AM_CFLAGS)
bench_tree_cpu_SOURCES = bench/tree-cpu.c
bench_tree_cpu_CFLAGS = $(AM_CFLAGS)

.PHONY: bench
bench: all
	QUICK='$(QUICK)' $(SHELL) $(srcdir)/bench/run '$(abs_top_builddir)'

# `fds` on many descriptors, by hand:
#	bench/fds-bench [N [ROUNDS]]   procinfo_fds_read on N fds, in ms
noinst_PROGRAMS += bench/fds-bench
bench_fds_bench_SOURCES = bench/fds-bench.c
bench_fds_bench_CFLAGS = $(PTI_TOOL_CFLAGS_)
bench_fds_bench_LDFLAGS = $(PTI_TOOL_LDFLAGS_)
bench_fds_bench_LDADD = src/libptinspect.a $(PTI_TEST_LIBS)

# The arena's fast path against process_vm_readv and memcpy.
noinst_PROGRAMS += bench/arena-read-bench
bench_arena_read_bench_SOURCES = bench/arena-read-bench.c
bench_arena_read_bench_CFLAGS = $(PTI_TOOL_CFLAGS_)
bench_arena_read_bench_LDFLAGS = $(PTI_TOOL_LDFLAGS_)
bench_arena_read_bench_LDADD = $(PTI_TEST_LIBS)

# The backtrace benchmark: stock _UPT accessors against ours.
noinst_PROGRAMS += bench/unwind-bench
bench_unwind_bench_SOURCES = bench/unwind-bench.c
bench_unwind_bench_CFLAGS = $(PTI_TOOL_CFLAGS_) $(LIBUNWIND_CFLAGS)
bench_unwind_bench_LDFLAGS = $(PTI_TOOL_LDFLAGS_)
bench_unwind_bench_LDADD = src/libptinspect.a $(PTI_TEST_LIBS)
EXTRA_DIST += bench/unwind-bench.sh

# Benchmarks (run by hand; make check builds them):
#	bench/mmap-slowdown [PTINSPECT]	mmap/munmap loop: native, ptinspect,
#					strace --seccomp-bpf
#	bench/fork-slowdown [PTINSPECT]	fork with 256 MiB resident
#	bench/mem-read-bench		mem_read of a real tracee vs
#					process_vm_readv and memcpy
#	bench/reuse-slowdown [BUILDDIR]	memory unmapped and mapped again:
#					--reuse-freed=0 against the default
check_PROGRAMS += bench/mmap-loop bench/fork-cost bench/mem-read-bench \
	bench/page-churn
EXTRA_DIST += bench/mmap-slowdown bench/fork-slowdown bench/reuse-slowdown
bench_page_churn_CFLAGS = $(AM_CFLAGS)
bench_mem_read_bench_SOURCES = bench/mem-read-bench.c
bench_mem_read_bench_CFLAGS = $(PTI_TOOL_CFLAGS_)
bench_mem_read_bench_LDFLAGS = $(PTI_TOOL_LDFLAGS_)
bench_mem_read_bench_LDADD = $(PTI_TEST_LIBS)

# The TUI's CPU benchmark, run by hand: bench/tui-redraw [BUILDDIR].
EXTRA_DIST += bench/tui-redraw

# Real programs under -f (make, gcc, python3, its test_json, sqlite3, git,
# node): native, allow-all, strace, ptinspect with both RLIMIT_NOFILE
# cases, and ptinspect's stops by rule; bench/run runs it, or by hand:
#	bench/real-workloads [--quick] [BUILDDIR]
EXTRA_DIST += bench/real-workloads

# gcore against gdb's, run by hand: bench/gcore-bench [PTINSPECT]
# (1 GiB mapped, 256 MiB written; time and size on disk).
check_PROGRAMS += bench/gcore-mem
EXTRA_DIST += bench/gcore-bench
bench_gcore_mem_CFLAGS = $(AM_CFLAGS)
