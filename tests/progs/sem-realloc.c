/*
 * sem-realloc: realloc of a large block, doubling from 1 KiB up to 256 MiB,
 * keeps its contents at every step while other large blocks (glibc serves
 * them with mmap, and realloc with mremap) live around it; then shrinks
 * back down. Every block is checked after every step, so a growth that
 * reuses another block's memory is caught from either side.
 */
#include "sem.h"

#define NOTHERS 6
#define MAX ((size_t)256 << 20)

int main(void)
{
	unsigned char *others[NOTHERS], *b = malloc(1024);
	size_t olen = 3u << 20, len = 1024;
	int step = 0;

	sem_check(b != NULL, "malloc", "1024 bytes: %s", strerror(errno));
	sem_fill(b, len, 1);
	for (int i = 0; i < NOTHERS; i++) {
		others[i] = malloc(olen);
		sem_check(others[i] != NULL, "malloc", "%zu bytes", olen);
		sem_fill(others[i], olen, 100 + i);
	}
	while (len < MAX) {
		size_t nlen = len * 2;
		unsigned char *nb = realloc(b, nlen);

		sem_check(nb != NULL, "realloc grows", "%zu -> %zu bytes: %s",
			  len, nlen, strerror(errno));
		b = nb;
		sem_verify("realloc growth keeps the contents", b, len, 1);
		sem_fill_at(b + len, nlen - len, 1, len);
		for (int i = 0; i < NOTHERS; i++)
			sem_verify("realloc growth leaves other blocks alone",
				   others[i], olen, 100 + i);
		/* Churn a neighbour so the next growth meets new memory. */
		step = (step + 1) % NOTHERS;
		free(others[step]);
		others[step] = malloc(olen);
		sem_check(others[step] != NULL, "malloc", "%zu bytes", olen);
		sem_fill(others[step], olen, 100 + step);
		len = nlen;
	}
	sem_verify("256 MiB block keeps all its contents", b, len, 1);
	while (len > 4096) {
		size_t nlen = len / 4;
		unsigned char *nb = realloc(b, nlen);

		sem_check(nb != NULL, "realloc shrinks", "%zu -> %zu bytes",
			  len, nlen);
		b = nb;
		sem_verify("realloc shrink keeps the head", b, nlen, 1);
		len = nlen;
	}
	for (int i = 0; i < NOTHERS; i++) {
		sem_verify("other blocks survive", others[i], olen, 100 + i);
		free(others[i]);
	}
	free(b);
	return 0;
}
