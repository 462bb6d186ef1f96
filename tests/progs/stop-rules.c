/*
 * stop-rules: calls whose stops tests/stops.t counts through `stats`:
 * 100 mprotect calls making a mapping writable (each followed by one
 * making it PROT_NONE again), 100 MADV_DONTFORK and 100 MADV_DOFORK calls
 * and 20 mmaps (each unmapped), then it exits 0. With --limit it first
 * sets its RLIMIT_DATA to 1 GiB.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#define ROUNDS 100
#define LEN (64 * 1024)

static void *map(int prot)
{
	void *p = mmap(NULL, LEN, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		return NULL;
	}
	return p;
}

int main(int argc, char **argv)
{
	struct rlimit rl = { 1ULL << 30, 1ULL << 30 };
	unsigned char *p;
	int i;

	if (argc > 1 && strcmp(argv[1], "--limit") == 0 &&
	    setrlimit(RLIMIT_DATA, &rl) != 0) {
		perror("setrlimit");
		return 1;
	}
	if ((p = map(PROT_NONE)) == NULL)
		return 1;
	for (i = 0; i < ROUNDS; i++) {
		if (mprotect(p, LEN, PROT_READ | PROT_WRITE) != 0 ||
		    mprotect(p, LEN, PROT_NONE) != 0 ||
		    madvise(p, LEN, MADV_DONTFORK) != 0 ||
		    madvise(p, LEN, MADV_DOFORK) != 0) {
			perror("mprotect or madvise");
			return 1;
		}
	}
	for (i = 0; i < 20; i++) {
		void *q = map(PROT_READ | PROT_WRITE);

		if (q == NULL)
			return 1;
		munmap(q, LEN);
	}
	puts("ok");
	return 0;
}
