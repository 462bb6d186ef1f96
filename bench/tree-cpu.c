/*
 * tree-cpu: runs a command and prints its wall time, the CPU time of the
 * process it started, and that of the whole tree: for a tracer (strace,
 * ptinspect) its own work apart from its tracees'.
 *
 *	bench/tree-cpu [-o FILE] PROGRAM [ARG...]
 *	tree-cpu: wall 1.234567 self 0.120 tree 1.170312
 *
 * In seconds, user + system. self is to the clock tick, from
 * /proc/PID/stat read while the process is a zombie, before it is reaped;
 * tree is wait4's rusage (the process, the children it reaped, and
 * theirs in turn), to the microsecond. The line goes to standard output, or to
 * FILE, so that the command's own output can go elsewhere: its standard
 * streams are this program's. Exits with the command's status (128 +
 * signal when killed), after the line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* utime and stime of pid, in ticks; -1 when unreadable. */
static int
read_times(pid_t pid, unsigned long long t[2])
{
	char path[64], buf[4096], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* After the command name: state is field 3, utime field 14. */
	if ((p = strrchr(buf, ')')) == NULL || sscanf(p + 2,
	    "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
	    &t[0], &t[1]) != 2)
		return -1;
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned long long t[2];
	double t0, wall, hz = (double)sysconf(_SC_CLK_TCK);
	FILE *out = stdout;
	struct rusage ru;
	siginfo_t si;
	int status;
	pid_t pid;

	if (argc > 2 && strcmp(argv[1], "-o") == 0) {
		if ((out = fopen(argv[2], "w")) == NULL) {
			perror(argv[2]);
			return 2;
		}
		argc -= 2;
		argv += 2;
	}
	if (argc < 2) {
		fputs("usage: tree-cpu [-o FILE] PROGRAM [ARG...]\n", stderr);
		return 2;
	}
	t0 = now();
	pid = fork();
	if (pid < 0) {
		perror("tree-cpu: fork");
		return 1;
	}
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		fprintf(stderr, "tree-cpu: %s: %s\n", argv[1],
		    strerror(errno));
		_exit(127);
	}
	while (waitid(P_PID, pid, &si, WEXITED | WNOWAIT) < 0)
		if (errno != EINTR) {
			perror("tree-cpu: waitid");
			return 1;
		}
	wall = now() - t0;
	if (read_times(pid, t) < 0) {
		fprintf(stderr, "tree-cpu: /proc/%d/stat unreadable\n",
		    (int)pid);
		return 1;
	}
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR) {
			perror("tree-cpu: wait4");
			return 1;
		}
	fprintf(out, "tree-cpu: wall %.6f self %.3f tree %.6f\n", wall,
	    (double)(t[0] + t[1]) / hz,
	    (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6);
	fclose(out);
	return WIFEXITED(status) ? WEXITSTATUS(status) :
	    128 + WTERMSIG(status);
}
