/*
 * alloc-threads: an allocator workload for bench/run. THREADS threads
 * (default 8) each do ITER (default 200,000) malloc/free pairs of mixed
 * sizes on a ring of 256 live blocks: most small (16-512 B), some medium
 * (1-64 KiB), a few large (256 KiB-1 MiB, past glibc's mmap threshold
 * at first, so mmap/munmap and arena growth happen too). Every block gets
 * a tag at both ends that is checked before it is freed: memory that
 * tracing broke fails the run (exit 1) instead of timing well.
 *
 *	bench/alloc-threads [THREADS [ITER]]
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RING 256

struct block {
	unsigned char *p;
	size_t size;
};

static long iterations = 200000;

static size_t pick_size(uint64_t *state);
static void *worker(void *arg);

int main(int argc, char **argv)
{
	int nthreads = argc > 1 ? atoi(argv[1]) : 8;
	pthread_t tids[64];
	long failed = 0;

	if (argc > 2)
		iterations = atol(argv[2]);
	if (nthreads < 1 || nthreads > 64 || iterations < 1) {
		fputs("usage: alloc-threads [THREADS [ITER]]\n", stderr);
		return 2;
	}
	for (long i = 0; i < nthreads; i++)
		if (pthread_create(&tids[i], NULL, worker, (void *)i) != 0) {
			fputs("alloc-threads: pthread_create failed\n", stderr);
			return 1;
		}
	for (int i = 0; i < nthreads; i++) {
		void *ret;

		pthread_join(tids[i], &ret);
		failed += (long)ret;
	}
	if (failed) {
		fprintf(stderr, "alloc-threads: %ld blocks corrupted\n",
			failed);
		return 1;
	}
	return 0;
}

static size_t pick_size(uint64_t *state)
{
	unsigned r;

	*state = *state * 6364136223846793005ull + 1442695040888963407ull;
	r = (unsigned)(*state >> 33);
	if (r % 100 < 80)
		return 16 + r / 100 % 497;
	if (r % 100 < 98)
		return 1024 + (size_t)(r / 100 % 64) * 1024;
	return 262144 + (size_t)(r / 100 % 4) * 262144;
}

static void *worker(void *arg)
{
	struct block ring[RING] = { { NULL, 0 } };
	uint64_t state = 0x616c6c6f63ull + (uint64_t)(uintptr_t)arg;
	unsigned char tag = (unsigned char)(0x5a + (uintptr_t)arg);
	long failed = 0;

	for (long i = 0; i < iterations + RING; i++) {
		struct block *b = &ring[i % RING];

		if (b->p) {
			if (b->p[0] != tag || b->p[b->size - 1] != tag)
				failed++;
			free(b->p);
			b->p = NULL;
		}
		if (i >= iterations)
			continue;
		b->size = pick_size(&state);
		b->p = malloc(b->size);
		if (!b->p)
			return (void *)(failed + 1);
		memset(b->p, tag, b->size < 256 ? b->size : 256);
		b->p[b->size - 1] = tag;
	}
	return (void *)failed;
}
