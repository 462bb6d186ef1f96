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
 * A third argument MAPS (default 0) adds that many separate one-page
 * mappings (a page apart, so none merge) before the forks; each child
 * checks and writes one in a hundred of them (give "fork" as the second
 * argument for the plain variant):
 *
 *	fork-cost: 256 MiB resident, 30000 more mappings, 10 forks, ...
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
	int maps = argc > 3 ? atoi(argv[3]) : 0;
	unsigned char *p = mmap(NULL, LEN, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *small = NULL;
	double t0, total = 0;

	if (p == MAP_FAILED) {
		perror("fork-cost: mmap");
		return 1;
	}
	memset(p, 0x5a, LEN);
	/* Address space for the small mappings, each page apart. */
	if (maps > 0)
		small = mmap(NULL, (size_t)maps * 2 * 4096, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (small == MAP_FAILED || (small != NULL &&
	    munmap(small, (size_t)maps * 2 * 4096) != 0)) {
		perror("fork-cost: mmap of the small mappings' space");
		return 1;
	}
	for (int i = 0; i < maps; i++) {
		unsigned char *m = small + (size_t)i * 2 * 4096;

		if (mmap(m, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE |
			 MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) != m) {
			perror("fork-cost: mmap of a small mapping");
			return 1;
		}
		m[0] = (unsigned char)i;
	}
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
			for (int k = 0; k < maps; k += 100) {
				unsigned char *m = small + (size_t)k * 2 * 4096;

				if (m[0] != (unsigned char)k)
					_exit(2);
				m[0] = (unsigned char)~k;
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
	for (int k = 0; k < maps; k += 100)
		if (small[(size_t)k * 2 * 4096] != (unsigned char)k) {
			fprintf(stderr, "fork-cost: the child's write reached "
				"the parent's mapping %d\n", k);
			return 1;
		}
	if (maps > 0)
		printf("fork-cost: %zu MiB resident, %d more mappings, %d %s, "
		       "%.3f ms per fork\n", LEN / MIB, maps, forks,
		       exec ? "fork+execs" : "forks", total / forks * 1e3);
	else
		printf("fork-cost: %zu MiB resident, %d %s, %.3f ms per "
		       "fork\n", LEN / MIB, forks,
		       exec ? "fork+execs" : "forks", total / forks * 1e3);
	return 0;
}
