/*
 * fork-cost.c: the cost of fork for a process with 256 MiB resident.
 * Fills 256 MiB of private anonymous memory, then forks N times
 * (default 10); each child writes one byte in each MiB (so copy-on-write
 * happens) and exits; the parent waits for it. Prints the mean time of
 * fork + child + wait, measured by the program itself:
 *
 *	fork-cost: 256 MiB resident, 10 forks, 12.345 ms per fork
 *
 * With a second argument "exec", each child execs /bin/true at once
 * instead (the shell/make pattern: fork + exec of a big process):
 *
 *	fork-cost: 256 MiB resident, 10 fork+execs, 12.345 ms per fork
 *
 * The child checks that it saw the parent's bytes and the parent checks
 * that the child's writes did not reach it, so a fast but wrong fork
 * fails (exit 1) instead of looking good.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MIB ((size_t)1 << 20)
#define LEN (256 * MIB)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	int forks = argc > 1 ? atoi(argv[1]) : 10;
	int exec = argc > 2 && strcmp(argv[2], "exec") == 0;
	unsigned char *p = mmap(NULL, LEN, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	double t0, total = 0;

	if (p == MAP_FAILED) {
		perror("fork-cost: mmap");
		return 1;
	}
	memset(p, 0x5a, LEN);
	for (int i = 0; i < forks; i++) {
		pid_t pid;
		int st;

		t0 = now();
		pid = fork();
		if (pid < 0) {
			perror("fork-cost: fork");
			return 1;
		}
		if (pid == 0 && exec) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(3);
		}
		if (pid == 0) {
			for (size_t off = 0; off < LEN; off += MIB) {
				if (p[off] != 0x5a)
					_exit(2);
				p[off] = 0xa5;
			}
			_exit(0);
		}
		if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
		    WEXITSTATUS(st) != 0) {
			fprintf(stderr, "fork-cost: child failed (%#x)\n", st);
			return 1;
		}
		total += now() - t0;
		for (size_t off = 0; off < LEN; off += MIB)
			if (p[off] != 0x5a) {
				fprintf(stderr, "fork-cost: the child's write "
					"reached the parent at +%zu\n", off);
				return 1;
			}
	}
	printf("fork-cost: %zu MiB resident, %d %s, %.3f ms per fork\n",
	       LEN / MIB, forks, exec ? "fork+execs" : "forks",
	       total / forks * 1e3);
	return 0;
}
