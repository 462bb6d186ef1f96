/*
 * cold-find: memory for coldread.t's `find`, at fixed addresses so the
 * test knows where every match must be. Each copy of the 16-byte needle
 * is written a byte at a time from a transformed copy, so the needle is
 * nowhere else in the program (rodata, stack) for find to see.
 *
 *	A	0x300000000000, 40 MiB, every byte nonzero; needles across
 *		a 256 KiB boundary (find's chunks), across a 2 MiB one (the
 *		arena's residency chunks), across two page boundaries the
 *		test maps in ptinspect's view on one side only, and in the
 *		last 16 bytes
 *	B	0x310000000000, 8 MiB filled, needles at 4 MiB - 16 and at
 *		6 MiB, then shrunk to 4 MiB by mremap: only the first stays
 *	C	0x320000000000, 64 MiB MAP_NORESERVE, three pages written
 *		(one with a needle at 33 MiB + 100), the rest holes
 *
 * Then it exits 0 (the pause).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define MIB ((size_t)1 << 20)
#define A ((unsigned char *)0x300000000000)
#define B ((unsigned char *)0x310000000000)
#define C ((unsigned char *)0x320000000000)

/* "cold-find-needle", each byte + 1. */
static const char needle_plus1[] = "dpme.gjoe.offemf";

static void
put_needle(unsigned char *at)
{
	for (size_t i = 0; i < sizeof(needle_plus1) - 1; i++)
		at[i] = (unsigned char)(needle_plus1[i] - 1);
}

static unsigned char *
map_at(unsigned char *at, size_t len, int extra)
{
	void *p = mmap(at, len, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | extra, -1, 0);

	if (p != at) {
		perror("cold-find: mmap");
		exit(1);
	}
	return p;
}

int
main(void)
{
	unsigned char *a = map_at(A, 40 * MIB, 0);
	unsigned char *b = map_at(B, 8 * MIB, 0);
	unsigned char *c = map_at(C, 64 * MIB, MAP_NORESERVE);

	for (size_t i = 0; i < 40 * MIB; i++)
		a[i] = (unsigned char)('a' + i % 23);
	put_needle(a + 256 * 1024 - 5);
	put_needle(a + 2 * MIB - 7);
	put_needle(a + 5 * MIB + 3 * 4096 - 3);
	put_needle(a + 9 * MIB + 5 * 4096 - 9);
	put_needle(a + 40 * MIB - 16);

	memset(b, 'b', 8 * MIB);
	put_needle(b + 4 * MIB - 16);
	put_needle(b + 6 * MIB);
	if (mremap(b, 8 * MIB, 4 * MIB, 0) != b) {
		perror("cold-find: mremap");
		return 1;
	}

	c[0] = 'c';
	put_needle(c + 33 * MIB + 100);
	c[64 * MIB - 1] = 'c';
	return 0;
}
