/*
 * unwind-bench: time per backtrace of a 50-frame stack, libunwind's stock
 * _UPT accessors (PTRACE_PEEKDATA per word, PTRACE_PEEKUSER per register)
 * against ptinspect's (unwind.c: own file mappings, chunked stack reads,
 * one PTRACE_GETREGS), both with UNW_CACHE_GLOBAL, cold and warm.
 *
 *	unwind-bench [-m stock|walk|replay|all] [-n ITERATIONS] [-d DEPTH]
 *
 * A forked child recurses DEPTH deep (default 50) and blocks in pause();
 * we PTRACE_SEIZE and PTRACE_INTERRUPT it. "cold" is the first unwind with
 * fresh state (new address space, empty caches), "warm" the mean of the
 * next ITERATIONS. Ours ("walk": libunwind walks each time; "replay": the
 * unchanged stack's last walk is reused) includes naming the frames
 * (cached after the cold run); stock only walks. bench/unwind-bench.sh
 * adds syscall counts from strace -c.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include <libunwind.h>
#include <libunwind-ptrace.h>

#include "tracer.h"
#include "unwind.h"
#include "util.h"

#define NOINLINE __attribute__((noinline, noclone))

static NOINLINE int bench_recurse(int n, int fd);
static pid_t bench_child(int depth);
static double bench_now(clockid_t clock);
static size_t bench_stock(unw_addr_space_t as, void *upt);
static void bench_run_stock(pid_t pid, long iterations);
static void bench_run_ours(pid_t pid, long iterations, const char *mode);
static void bench_ours_warm(struct proc *p, struct thread *t,
    long iterations, const char *what);

static volatile int bench_sink;

int
main(int argc, char **argv)
{
	const char *mode = "all";
	long iterations = 1000;
	int depth = 50, c;
	pid_t pid;

	while ((c = getopt(argc, argv, "m:n:d:")) != -1) {
		switch (c) {
		case 'm':
			mode = optarg;
			break;
		case 'n':
			iterations = atol(optarg);
			break;
		case 'd':
			depth = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: unwind-bench [-m stock|walk|"
			    "replay|all] [-n ITERATIONS] [-d DEPTH]\n");
			return 2;
		}
	}
	pid = bench_child(depth);
	if (strcmp(mode, "stock") == 0 || strcmp(mode, "all") == 0)
		bench_run_stock(pid, iterations);
	if (strcmp(mode, "stock") != 0)
		bench_run_ours(pid, iterations, mode);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return 0;
}

static NOINLINE int
bench_recurse(int n, int fd)
{
	char c = 0;

	if (n > 1)
		return bench_recurse(n - 1, fd) + bench_sink;
	if (write(fd, &c, 1) != 1)
		_exit(1);
	while (bench_sink == 0)
		pause();
	return 0;
}

/* A child stopped with depth frames of bench_recurse on its stack. */
static pid_t
bench_child(int depth)
{
	int ready[2], status;
	pid_t pid;
	char c;

	if (pipe(ready) != 0)
		fatal("pipe");
	pid = fork();
	if (pid == -1)
		fatal("fork");
	if (pid == 0) {
		close(ready[0]);
		_exit(bench_recurse(depth, ready[1]));
	}
	close(ready[1]);
	if (read(ready[0], &c, 1) != 1)
		fatalx("the child did not start");
	close(ready[0]);
	if (ptrace(PTRACE_SEIZE, pid, NULL, (void *)PTRACE_O_EXITKILL) != 0 ||
	    ptrace(PTRACE_INTERRUPT, pid, NULL, NULL) != 0)
		fatal("ptrace %d", (int)pid);
	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status))
		fatalx("the child did not stop");
	return pid;
}

/* Microseconds on clock: CLOCK_MONOTONIC, or our CPU time (user + system,
 * less disturbed by other load on the machine). */
static double
bench_now(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* One walk with the stock accessors; the number of frames. */
static size_t
bench_stock(unw_addr_space_t as, void *upt)
{
	unw_cursor_t cursor;
	unw_word_t ip;
	size_t n = 0;

	if (unw_init_remote(&cursor, as, upt) < 0)
		fatalx("unw_init_remote failed");
	do {
		unw_get_reg(&cursor, UNW_REG_IP, &ip);
		unw_is_signal_frame(&cursor);
		n++;
	} while (unw_step(&cursor) > 0 && n < UNWIND_MAX_FRAMES);
	return n;
}

static void
bench_run_stock(pid_t pid, long iterations)
{
	unw_addr_space_t as;
	double t0, c0, cold, warm, cpu;
	size_t frames;
	void *upt;
	long i, n = iterations > 0 ? iterations : 1;

	t0 = bench_now(CLOCK_MONOTONIC);
	as = unw_create_addr_space(&_UPT_accessors, 0);
	unw_set_caching_policy(as, UNW_CACHE_GLOBAL);
	upt = _UPT_create(pid);
	frames = bench_stock(as, upt);
	cold = bench_now(CLOCK_MONOTONIC) - t0;
	t0 = bench_now(CLOCK_MONOTONIC);
	c0 = bench_now(CLOCK_PROCESS_CPUTIME_ID);
	for (i = 0; i < iterations; i++)
		bench_stock(as, upt);
	warm = (bench_now(CLOCK_MONOTONIC) - t0) / n;
	cpu = (bench_now(CLOCK_PROCESS_CPUTIME_ID) - c0) / n;
	printf("stock _UPT: %zu frames, cold %.1f us, warm %.1f us "
	    "(CPU %.1f us) per unwind (%ld runs)\n", frames, cold, warm, cpu,
	    iterations);
	_UPT_destroy(upt);
	unw_destroy_addr_space(as);
}

static void
bench_run_ours(pid_t pid, long iterations, const char *mode)
{
	struct thread t = { .tid = pid, .stopped = true };
	struct proc p = { .pid = pid, .state = PROC_PAUSED, .nthreads = 1,
		.threads = &t, .paused_tid = pid };
	struct backtrace bt;
	double t0, cold;
	char *err = NULL;

	t.proc = &p;
	t0 = bench_now(CLOCK_MONOTONIC);
	if (unwind_thread(&p, &t, &bt, &err) < 0)
		fatalx("unwind: %s", err);
	cold = bench_now(CLOCK_MONOTONIC) - t0;
	printf("ours:       %zu frames, cold %.1f us (maps, file mappings, "
	    "symbols and debug info loaded)\n", bt.count, cold);
	backtrace_free(&bt);
	if (strcmp(mode, "replay") != 0) {
		unwind_set_replay(false);
		bench_ours_warm(&p, &t, iterations, "warm walk");
		unwind_set_replay(true);
	}
	if (strcmp(mode, "walk") != 0)
		bench_ours_warm(&p, &t, iterations, "warm replay");
	unwind_forget(&p);
}

/* Times iterations unwinds of t, names included, with counters. */
static void
bench_ours_warm(struct proc *p, struct thread *t, long iterations,
    const char *what)
{
	struct unwind_stats s0, s1;
	struct backtrace bt;
	char *err = NULL;
	double t0, c0, warm, cpu;
	long i, n = iterations > 0 ? iterations : 1;

	unwind_get_stats(&s0);
	t0 = bench_now(CLOCK_MONOTONIC);
	c0 = bench_now(CLOCK_PROCESS_CPUTIME_ID);
	for (i = 0; i < iterations; i++) {
		if (unwind_thread(p, t, &bt, &err) < 0)
			fatalx("unwind: %s", err);
		backtrace_free(&bt);
	}
	warm = (bench_now(CLOCK_MONOTONIC) - t0) / n;
	cpu = (bench_now(CLOCK_PROCESS_CPUTIME_ID) - c0) / n;
	unwind_get_stats(&s1);
	printf("ours, %s: %.1f us (CPU %.1f us) per unwind (%ld runs); per "
	    "unwind %.1f memory accesses (%.1f from code files), %.2f "
	    "mem_read, %.2f PTRACE_GETREGS, %.2f unwind-table searches, "
	    "%.2f replayed\n", what, warm, cpu, iterations,
	    (double)(s1.mem_accesses - s0.mem_accesses) / n,
	    (double)(s1.file_reads - s0.file_reads) / n,
	    (double)(s1.mem_reads - s0.mem_reads) / n,
	    (double)(s1.regs_fetches - s0.regs_fetches) / n,
	    (double)(s1.proc_info_lookups - s0.proc_info_lookups) / n,
	    (double)(s1.replays - s0.replays) / n);
}
