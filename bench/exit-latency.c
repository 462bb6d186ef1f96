/*
 * exit-latency.c: how long ptinspect takes to hold a process that calls
 * exit_group, and to let it go. The program spawns itself as the tracee
 * (tracer_spawn with pause_on_exit). The tracee touches MIB MiB of private
 * anonymous memory, stores CLOCK_MONOTONIC in a page of a file shared with
 * the bench, and calls exit_group at once. The bench then times:
 *
 *	pause	from that stored time to tracer_next_paused handing the
 *		process out (tracer_poll in between)
 *	gone	from tracer_continue to tracer_finish returning: the exit
 *		done and the process reaped
 *	native	the same tracee run with no tracer: from its stored time
 *		to waitpid returning (the floor "gone" is compared to)
 *
 * Each is measured ROUNDS times after one warm-up round; the output is one
 * tab-separated line per figure, microseconds (MODE: "redirect", or
 * "no-redirect" with -R, the tracee's memory left private):
 *
 *	FIGURE MIB MODE MEDIAN_US MIN_US MAX_US
 *
 *	bench/exit-latency [-r ROUNDS] [-m MIB] [-R]
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tracer.h"
#include "util.h"

#define EL_MAX_ROUNDS	200

static int el_tracee(const char *path, long mib);
static void el_self(char *buf, size_t size);
static double el_stamp(const volatile double *page);
static void el_traced(char *const argv[], bool redirect,
    volatile double *page, double *pause_us, double *gone_us);
static double el_native(char *const argv[], volatile double *page);
static void el_print(const char *what, long mib, bool redirect, double *v,
    int n);
static int el_cmp_double(const void *a, const void *b);

int
main(int argc, char **argv)
{
	double pause_us[EL_MAX_ROUNDS], gone_us[EL_MAX_ROUNDS];
	double native_us[EL_MAX_ROUNDS], d1, d2;
	char self[4096], path[] = "/tmp/exit-latency.XXXXXX", mibs[32];
	char *targv[] = { self, "tracee", path, mibs, NULL };
	volatile double *page;
	long mib = 0;
	bool redirect = true;
	int c, rounds = 20, fd;

	if (argc == 4 && strcmp(argv[1], "tracee") == 0)
		return el_tracee(argv[2], atol(argv[3]));
	while ((c = getopt(argc, argv, "r:m:R")) != -1) {
		switch (c) {
		case 'r':
			rounds = atoi(optarg);
			break;
		case 'm':
			mib = atol(optarg);
			break;
		case 'R':
			redirect = false;
			break;
		default:
			fprintf(stderr, "usage: exit-latency [-r ROUNDS] "
			    "[-m MIB] [-R]\n");
			return 2;
		}
	}
	if (rounds < 1 || rounds > EL_MAX_ROUNDS || mib < 0)
		fatalx("exit-latency: bad -r or -m");
	el_self(self, sizeof(self));
	snprintf(mibs, sizeof(mibs), "%ld", mib);
	fd = mkstemp(path);
	if (fd < 0 || ftruncate(fd, 4096) != 0)
		fatal("exit-latency: %s", path);
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (page == MAP_FAILED)
		fatal("exit-latency: mmap %s", path);
	close(fd);

	el_traced(targv, redirect, page, &d1, &d2);
	el_native(targv, page);
	for (int r = 0; r < rounds; r++) {
		el_traced(targv, redirect, page, &pause_us[r],
		    &gone_us[r]);
		native_us[r] = el_native(targv, page);
	}
	unlink(path);
	printf("# figure\tmib\tmode\tmedian_us\tmin_us\tmax_us\n");
	el_print("pause", mib, redirect, pause_us, rounds);
	el_print("gone", mib, redirect, gone_us, rounds);
	el_print("native", mib, redirect, native_us, rounds);
	return 0;
}

/* The tracee: touch mib MiB, store the time, exit_group at once. */
static int
el_tracee(const char *path, long mib)
{
	size_t len = (size_t)mib << 20;
	volatile double *page;
	int fd = open(path, O_RDWR);

	if (fd < 0)
		return 1;
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (page == MAP_FAILED)
		return 1;
	if (len) {
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			return 1;
		for (size_t i = 0; i < len; i += 4096)
			p[i] = 1;
	}
	page[0] = monotonic_sec();
	syscall(SYS_exit_group, 0);
	return 1;
}

static void
el_self(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);

	if (n <= 0)
		fatal("exit-latency: /proc/self/exe");
	buf[n] = '\0';
}

/* The time the tracee stored; exits if it stored none. */
static double
el_stamp(const volatile double *page)
{
	if (page[0] == 0)
		fatalx("exit-latency: the tracee stored no time");
	return page[0];
}

static void
el_traced(char *const argv[], bool redirect, volatile double *page,
    double *pause_us, double *gone_us)
{
	struct tracer_opts opts = {
		.pause_on_exit = true,
		.no_redirect = !redirect,
	};
	struct tracer *tr;
	struct proc *p;
	char *err = NULL;
	double t;
	int status;

	page[0] = 0;
	tr = tracer_spawn(&opts, argv, &status);
	if (!tr)
		exit(1);
	while ((p = tracer_next_paused(tr)) == NULL)
		if (tracer_poll(tr, -1) < 0)
			fatalx("exit-latency: the tracee never paused");
	t = monotonic_sec();
	*pause_us = (t - el_stamp(page)) * 1e6;
	if (p->reason != PAUSE_EXIT || p->exit_code != 0)
		fatalx("exit-latency: the tracee paused, but not at exit(0)");
	t = monotonic_sec();
	if (tracer_continue(tr, p, &err) != 0)
		fatalx("exit-latency: continue: %s", err);
	status = tracer_finish(tr);
	*gone_us = (monotonic_sec() - t) * 1e6;
	tracer_destroy(tr);
	if (status != 0)
		fatalx("exit-latency: the tracee exited with %d", status);
}

static double
el_native(char *const argv[], volatile double *page)
{
	int status;
	pid_t pid;

	page[0] = 0;
	pid = fork();
	if (pid < 0)
		fatal("exit-latency: fork");
	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		fatal("exit-latency: waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fatalx("exit-latency: the native tracee failed");
	return (monotonic_sec() - el_stamp(page)) * 1e6;
}

static void
el_print(const char *what, long mib, bool redirect, double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), el_cmp_double);
	printf("%s\t%ld\t%s\t%.1f\t%.1f\t%.1f\n", what, mib,
	    redirect ? "redirect" : "no-redirect",
	    n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2, v[0], v[n - 1]);
}

static int
el_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}
