/*
 * unmap-loop.c: maps 1 MiB, writes every page, unmaps it, N times in one
 * thread (the munmap goes through ptinspect's stub, stub.t); the last
 * mapping stays. Checks that each fresh mapping reads zeros and each
 * munmap returns 0. Prints "last ADDR" (the mapping kept) and exits 0, or
 * says what was wrong and exits 1.
 *
 *	unmap-loop [N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#define LEN ((size_t)1 << 20)

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 200;
	unsigned char *p = NULL;

	for (int i = 0; i < n; i++) {
		p = mmap(NULL, LEN, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		for (size_t off = 0; off < LEN; off += 4096) {
			if (p[off] != 0) {
				fprintf(stderr, "round %d: %p+%zu is %d, not 0\n",
				    i, (void *)p, off, p[off]);
				return 1;
			}
			p[off] = (unsigned char)(i + 1);
		}
		if (i < n - 1 && munmap(p, LEN) != 0) {
			perror("munmap");
			return 1;
		}
	}
	printf("last %p\n", (void *)p);
	return 0;
}
