/*
 * threads: starts 8 worker threads (named worker-0 .. worker-7), each sums
 * a series and reports back; then, with every worker still alive, main
 * checks the sums and calls exit(0), i.e. exit_group with 9 threads. The
 * even workers are left spinning in user space, counting in spins[] (main
 * waits until each has counted), the odd ones blocked in pause(), so the
 * tracer must stop both kinds: while the process is held, spins[] must not
 * change. Prints "8 workers ready". Exits 1 if a sum is wrong.
 */
#define _GNU_SOURCE	/* pthread_setname_np */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define NWORKERS 8

struct worker {
	pthread_t thread;
	int index;
	uint64_t n;
	uint64_t sum;
};

static pthread_barrier_t ready;
static volatile int never;
/* Counted up by the spinning (even) workers; read as `x threads+OFF`. */
static volatile uint64_t spins[NWORKERS];

static void *worker_main(void *arg);

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	char name[16];
	uint64_t i;

	snprintf(name, sizeof(name), "worker-%d", w->index);
	pthread_setname_np(pthread_self(), name);
	for (i = 1; i <= w->n; i++)
		w->sum += i;
	pthread_barrier_wait(&ready);
	if (w->index % 2 == 0) {
		while (!never)
			spins[w->index]++;
	} else {
		for (;;)
			pause();
	}
	return NULL;
}

int main(void)
{
	struct worker workers[NWORKERS];
	int i, bad = 0;

	pthread_barrier_init(&ready, NULL, NWORKERS + 1);
	for (i = 0; i < NWORKERS; i++) {
		workers[i].index = i;
		workers[i].n = 100000 * (uint64_t)(i + 1);
		workers[i].sum = 0;
		if (pthread_create(&workers[i].thread, NULL, worker_main,
				   &workers[i]) != 0) {
			fputs("pthread_create failed\n", stderr);
			return 1;
		}
	}
	pthread_barrier_wait(&ready);
	for (i = 0; i < NWORKERS; i++) {
		uint64_t n = workers[i].n;

		if (workers[i].sum != n * (n + 1) / 2) {
			fprintf(stderr, "worker %d: wrong sum\n", i);
			bad = 1;
		}
	}
	for (i = 0; i < NWORKERS; i += 2)
		while (spins[i] == 0)
			;
	printf("%d workers ready\n", NWORKERS);
	exit(bad);
}
