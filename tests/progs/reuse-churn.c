/*
 * reuse-churn.c: memory given back and taken again, every way a program
 * does it, each new piece checked to read zeros before it is written
 * (ptinspect's --reuse-freed hands kept pages back: they must be zeroed
 * first, reuse.t). Per round: an mmap of 256 KiB, 1 MiB or 3 MiB and a
 * page, written and unmapped whole; the heap (64 KiB kept from the start)
 * grown by 512 KiB with sbrk, written and shrunk back; a 2 MiB mapping written, its upper half
 * unmapped and mapped again with MAP_FIXED; a 1 MiB mapping written,
 * shrunk by mremap to 256 KiB and grown back in place where it can. In
 * a second thread too, with "threaded". Prints "ok N rounds" and exits
 * 0, or says what read wrong and exits 1.
 *
 *	reuse-churn [ROUNDS [threaded]]
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define KIB ((size_t)1 << 10)
#define MIB ((size_t)1 << 20)

static int rounds = 40;

/* Exits 1 unless [p, p + len) is all zeros. */
static void
zeros(const unsigned char *p, size_t len, const char *what, int round)
{
	for (size_t i = 0; i < len; i++) {
		if (p[i] != 0) {
			printf("%s, round %d: byte %zu of %zu reads 0x%02x\n",
			    what, round, i, len, p[i]);
			exit(1);
		}
	}
}

static unsigned char *
map(void *at, size_t len, int flags)
{
	unsigned char *p = mmap(at, len, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	return p;
}

static void *
churn(void *arg)
{
	static const size_t sizes[] = { 256 * KIB, 1 * MIB, 3 * MIB + 4096 };
	unsigned char *p, *q;
	size_t len;

	(void)arg;
	for (int r = 0; r < rounds; r++) {
		int c = 0x11 + r % 200;

		len = sizes[r % 3];
		p = map(NULL, len, 0);
		zeros(p, len, "mmap", r);
		memset(p, c, len);
		if (munmap(p, len) != 0)
			exit(1);

		if (arg == NULL) {
			/* The heap is the process's: one thread at a time. */
			p = sbrk(512 * KIB);
			if (p == (void *)-1) {
				perror("sbrk");
				exit(1);
			}
			zeros(p, 512 * KIB, "sbrk", r);
			memset(p, c, 512 * KIB);
			if (sbrk(-(long)(512 * KIB)) == (void *)-1)
				exit(1);
		}

		p = map(NULL, 2 * MIB, 0);
		memset(p, c, 2 * MIB);
		if (munmap(p + MIB, MIB) != 0)
			exit(1);
		q = map(p + MIB, MIB, MAP_FIXED);
		zeros(q, MIB, "mmap over an unmapped half", r);
		memset(q, c, MIB);
		munmap(p, 2 * MIB);

		p = map(NULL, MIB, 0);
		memset(p, c, MIB);
		q = mremap(p, MIB, 256 * KIB, 0);
		if (q != p)
			exit(1);
		q = mremap(p, 256 * KIB, MIB, MREMAP_MAYMOVE);
		if (q == MAP_FAILED)
			exit(1);
		zeros(q + 256 * KIB, MIB - 256 * KIB, "mremap grown back", r);
		munmap(q, MIB);
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	pthread_t t;

	if (argc > 1)
		rounds = atoi(argv[1]);
	/* A heap that stays: its growth and shrinks keep pages above it. */
	if (sbrk(64 * KIB) == (void *)-1) {
		perror("sbrk");
		return 1;
	}
	churn(NULL);
	if (argc > 2 && strcmp(argv[2], "threaded") == 0) {
		/* Any argument but NULL: not the heap's thread. */
		if (pthread_create(&t, NULL, churn, argv) != 0 ||
		    pthread_join(t, NULL) != 0)
			return 1;
	}
	printf("ok %d rounds\n", rounds);
	return 0;
}
