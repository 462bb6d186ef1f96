/*
 * fds-bench.c: how long procinfo_fds_read (the `fds` command) takes on a
 * process with many descriptors. A child opens N of them (default 10000:
 * a quarter each regular files, pipe ends, UNIX socketpair ends and
 * eventfds) and waits; the parent reads its descriptors ROUNDS times, with
 * itself as a peer to search, and prints the median and min-max in ms.
 *
 *	bench/fds-bench [N [ROUNDS]]
 */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "procinfo.h"
#include "util.h"

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The child: n descriptors, then a byte to the parent, then wait. */
static void
open_many(int n, int ready)
{
	int i, pair[2];

	for (i = 0; i < n; i += 2) {
		switch (i / 2 % 4) {
		case 0:
			if (open("/dev/null", O_RDONLY) < 0 ||
			    open("/proc/self/status", O_RDONLY) < 0)
				_exit(1);
			break;
		case 1:
			if (pipe(pair) < 0)
				_exit(1);
			break;
		case 2:
			if (socketpair(AF_UNIX, SOCK_STREAM, 0, pair) < 0)
				_exit(1);
			break;
		default:
			if (eventfd(0, 0) < 0 || eventfd(0, 0) < 0)
				_exit(1);
		}
	}
	if (write(ready, "x", 1) != 1)
		_exit(1);
	pause();
	_exit(0);
}

int
main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 10000;
	int rounds = argc > 2 ? atoi(argv[2]) : 9, i, p[2];
	struct rlimit rl = { (rlim_t)n + 64, (rlim_t)n + 64 };
	double *t = calloc((size_t)rounds, sizeof *t);
	pid_t child, self = getpid();
	size_t count = 0;
	char c;

	if (t == NULL || rounds < 1 || pipe(p) < 0)
		return 1;
	getrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur < (rlim_t)n + 64) {
		rl.rlim_cur = (rlim_t)n + 64;
		if (rl.rlim_max < rl.rlim_cur)
			rl.rlim_max = rl.rlim_cur;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
			perror("setrlimit RLIMIT_NOFILE");
			return 77;
		}
	}
	child = fork();
	if (child == 0)
		open_many(n, p[1]);
	if (read(p[0], &c, 1) != 1) {
		fprintf(stderr, "the child could not open %d descriptors\n", n);
		return 1;
	}
	for (i = 0; i < rounds; i++) {
		struct procinfo_fds fds;
		char *err = NULL;
		double start = monotonic_sec() * 1e3;

		if (procinfo_fds_read(child, &self, 1, -1, &fds, &err) < 0) {
			fprintf(stderr, "procinfo_fds_read: %s\n", err);
			return 1;
		}
		t[i] = monotonic_sec() * 1e3 - start;
		count = fds.count;
		procinfo_fds_free(&fds);
	}
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	qsort(t, (size_t)rounds, sizeof *t, cmp_double);
	printf("fds on %zu descriptors: median %.1f ms (min %.1f, max %.1f, "
	    "%d rounds)\n", count, t[rounds / 2], t[0], t[rounds - 1], rounds);
	free(t);
	return 0;
}
