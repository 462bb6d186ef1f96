/*
 * timeit: runs a command N times, one after the other, with its standard
 * input, output and error on /dev/null, and prints the mean wall time of
 * one run in seconds. bench/run times every workload with it: no shell
 * and no date(1) process between the clock readings and the command.
 *
 *	bench/timeit N PROGRAM [ARG...]
 *
 * Exits 1 (after a message naming the command) when a run does not exit
 * with status 0, so a failing workload never passes for a fast one.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double timeit_now(void);

int main(int argc, char **argv)
{
	long n = argc > 2 ? atol(argv[1]) : 0;
	double t0;
	int status;
	pid_t pid;

	if (n < 1) {
		fputs("usage: timeit N PROGRAM [ARG...]\n", stderr);
		return 2;
	}
	t0 = timeit_now();
	for (long i = 0; i < n; i++) {
		pid = fork();
		if (pid < 0) {
			perror("timeit: fork");
			return 1;
		}
		if (pid == 0) {
			int fd = open("/dev/null", O_RDWR);

			if (fd < 0 || dup2(fd, 0) < 0 || dup2(fd, 1) < 0 ||
			    dup2(fd, 2) < 0)
				_exit(126);
			execvp(argv[2], argv + 2);
			_exit(127);
		}
		if (waitpid(pid, &status, 0) != pid) {
			perror("timeit: waitpid");
			return 1;
		}
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "timeit: %s: %s %d\n", argv[2],
				WIFEXITED(status) ? "exit status" : "signal",
				WIFEXITED(status) ? WEXITSTATUS(status) :
						    WTERMSIG(status));
			return 1;
		}
	}
	printf("%.6f\n", (timeit_now() - t0) / (double)n);
	return 0;
}

static double timeit_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
