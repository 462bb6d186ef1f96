# tests/semantics.mk: the semantics test programs of issue 3 (a program
# cannot tell that its memory was redirected), the script that runs them
# natively and under ptinspect, and the redirection benchmarks.
# Owner: semantics helper. Tracee programs build with the plain AM_CFLAGS.

SEM_PROGS = \
	tests/progs/sem-munmap \
	tests/progs/sem-madvise \
	tests/progs/sem-map-fixed \
	tests/progs/sem-mremap \
	tests/progs/sem-realloc \
	tests/progs/sem-mprotect \
	tests/progs/sem-partial \
	tests/progs/sem-fork-cow \
	tests/progs/sem-fork-shared \
	tests/progs/sem-fork-advice \
	tests/progs/sem-spawn \
	tests/progs/sem-exec \
	tests/progs/sem-threads \
	tests/progs/sem-closefds \
	tests/progs/sem-memfd \
	tests/progs/sem-reserve \
	tests/progs/sem-mapflags \
	tests/progs/sem-brk \
	tests/progs/sem-growsdown \
	tests/progs/sem-hugetlb \
	tests/progs/sem-manymaps \
	tests/progs/sem-signals \
	tests/progs/sem-fork-loop \
	tests/progs/sem-sparse \
	tests/progs/sem-registers \
	tests/progs/sem-jit \
	tests/progs/sem-stack \
	tests/progs/sem-stub-taken \
	tests/progs/sem-fork-many \
	tests/progs/sem-fork-setuid \
	tests/progs/sem-fork-nodump \
	tests/progs/sem-fork-nofile \
	tests/progs/sem-fork-nofds \
	tests/progs/sem-reserved-fd

check_PROGRAMS += $(SEM_PROGS)
TESTS += tests/semantics.t tests/nokill.t
EXTRA_DIST += tests/semantics.t tests/nokill.t tests/progs/sem.h

# Threads caught inside the mmap stub (src/stub.c).
check_PROGRAMS += tests/progs/mmap-race
tests_progs_mmap_race_CFLAGS = $(AM_CFLAGS) -pthread
tests_progs_mmap_race_LDADD = -lpthread
TESTS += tests/stub.t
EXTRA_DIST += tests/stub.t

# Programs with threads.
tests_progs_sem_fork_cow_CFLAGS = $(AM_CFLAGS) -pthread
tests_progs_sem_fork_cow_LDADD = -lpthread
tests_progs_sem_exec_CFLAGS = $(AM_CFLAGS) -pthread
tests_progs_sem_exec_LDADD = -lpthread
tests_progs_sem_threads_CFLAGS = $(AM_CFLAGS) -pthread
tests_progs_sem_threads_LDADD = -lpthread
tests_progs_sem_signals_CFLAGS = $(AM_CFLAGS) -pthread
tests_progs_sem_signals_LDADD = -lpthread
tests_progs_sem_fork_loop_CFLAGS = $(AM_CFLAGS) -pthread
tests_progs_sem_fork_loop_LDADD = -lpthread
tests_progs_sem_registers_CFLAGS = $(AM_CFLAGS) -pthread
tests_progs_sem_registers_LDADD = -lpthread
tests_progs_sem_jit_CFLAGS = $(AM_CFLAGS) -pthread
tests_progs_sem_jit_LDADD = -lpthread
tests_progs_sem_stack_CFLAGS = $(AM_CFLAGS) -pthread
tests_progs_sem_stack_LDADD = -lpthread
tests_progs_sem_stub_taken_LDFLAGS = -static

# Benchmarks (run by hand; make check builds them):
#	bench/mmap-slowdown [PTINSPECT]	mmap/munmap loop: native, ptinspect,
#					strace --seccomp-bpf
#	bench/fork-slowdown [PTINSPECT]	fork with 256 MiB resident
#	bench/mem-read-bench		mem_read of a real tracee vs
#					process_vm_readv and memcpy
check_PROGRAMS += bench/mmap-loop bench/fork-cost bench/mem-read-bench
EXTRA_DIST += bench/mmap-slowdown bench/fork-slowdown
bench_mem_read_bench_SOURCES = bench/mem-read-bench.c
bench_mem_read_bench_CFLAGS = $(PTI_TOOL_CFLAGS_)
bench_mem_read_bench_LDFLAGS = $(PTI_TOOL_LDFLAGS_)
bench_mem_read_bench_LDADD = $(PTI_TEST_LIBS)
