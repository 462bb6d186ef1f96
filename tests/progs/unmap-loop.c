/*
 * unmap-loop.c: maps 1 MiB, writes every page, unmaps it, N times (the
 * munmap goes through ptinspect's stub, stub.t); the last mapping stays.
 * With "threaded", the loop runs in a second thread while the first waits
 * for it. Checks that each fresh mapping reads zeros and each munmap
 * returns 0. Prints "last ADDR" (the mapping kept) and exits 0, or says
 * what was wrong and exits 1.
 *
 *	unmap-loop [N [threaded]]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define LEN ((size_t)1 << 20)

static int n = 200;

static void *loop(void *arg)
{
	unsigned char *p = NULL;

	for (int i = 0; i < n; i++) {
		p = mmap(NULL, LEN, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			perror("mmap");
			exit(1);
		}
		for (size_t off = 0; off < LEN; off += 4096) {
			if (p[off] != 0) {
				fprintf(stderr, "round %d: %p+%zu is %d, not 0\n",
				    i, (void *)p, off, p[off]);
				exit(1);
			}
			p[off] = (unsigned char)(i + 1);
		}
		if (i < n - 1 && munmap(p, LEN) != 0) {
			perror("munmap");
			exit(1);
		}
	}
	(void)arg;
	return p;
}

int main(int argc, char **argv)
{
	pthread_t th;
	void *last;

	if (argc > 1)
		n = atoi(argv[1]);
	if (argc > 2 && strcmp(argv[2], "threaded") == 0) {
		if (pthread_create(&th, NULL, loop, NULL) != 0 ||
		    pthread_join(th, &last) != 0) {
			fprintf(stderr, "unmap-loop: no thread\n");
			return 1;
		}
	} else {
		last = loop(NULL);
	}
	printf("last %p\n", last);
	return 0;
}
