/*
 * page-churn.c: memory given back and taken again, the pattern
 * --reuse-freed is for (bench/reuse-slowdown runs it): ROUNDS times, LEN
 * KiB mapped (mmap) or the heap grown (sbrk), a write to every page, then
 * unmapped or shrunk back.
 *
 *	bench/page-churn mmap|sbrk ROUNDS KIB
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	int rounds;
	size_t len;
	char *p;

	if (argc != 4 || (strcmp(argv[1], "mmap") != 0 &&
	    strcmp(argv[1], "sbrk") != 0) || (rounds = atoi(argv[2])) < 1 ||
	    atol(argv[3]) < 4) {
		fputs("usage: page-churn mmap|sbrk ROUNDS KIB\n", stderr);
		return 2;
	}
	len = (size_t)atol(argv[3]) << 10;
	for (int i = 0; i < rounds; i++) {
		if (argv[1][0] == 'm') {
			p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p == MAP_FAILED)
				return 1;
		} else if ((p = sbrk((long)len)) == (void *)-1) {
			return 1;
		}
		for (size_t off = 0; off < len; off += 4096)
			((volatile char *)p)[off] = 1;
		if (argv[1][0] == 'm' ? munmap(p, len) != 0 :
		    sbrk(-(long)len) == (void *)-1)
			return 1;
	}
	return 0;
}
