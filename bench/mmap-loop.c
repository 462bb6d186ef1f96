/*
 * mmap-loop.c: the mmap/munmap-heavy redirection benchmark. Maps
 * 1 MiB of private anonymous memory, touches two pages, unmaps it, N times
 * (default 20,000), and prints the loop's own elapsed time:
 *
 *	mmap-loop: 20000 rounds in 0.123456 s
 *
 * Timing inside the program leaves out start-up, so the same line under
 * ptinspect or strace measures only what the tracer adds to the loop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define LEN (1u << 20)

int main(int argc, char **argv)
{
	long rounds = argc > 1 ? atol(argv[1]) : 20000;
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < rounds; i++) {
		volatile char *p = mmap(NULL, LEN, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED) {
			perror("mmap-loop: mmap");
			return 1;
		}
		p[0] = 1;
		p[LEN / 2] = 2;
		if (p[0] != 1 || p[LEN / 2] != 2) {
			fprintf(stderr, "mmap-loop: round %ld: lost a write\n",
				i);
			return 1;
		}
		if (munmap((void *)p, LEN) != 0) {
			perror("mmap-loop: munmap");
			return 1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("mmap-loop: %ld rounds in %.6f s\n", rounds,
	       (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}
