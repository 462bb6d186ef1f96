/*
 * sem-fork-lanes: forks while other threads unmap. Three threads map 1
 * MiB, fill it, check it and unmap it, round after round (under
 * ptinspect each munmap returns into a lane of its stub, which then frees
 * the memfd's pages: a fork can come while one is out). Meanwhile the
 * main thread forks 30 times; each child checks a 1 MiB region the
 * parent filled before it started the threads, maps, fills, checks and
 * unmaps 1 MiB of its own twice, and exits 0. The parent checks each
 * child's status, and its region, at the end.
 */
#include "sem.h"

#include <pthread.h>

#define LEN ((size_t)1 << 20)
#define THREADS 3
#define FORKS 30

static volatile int stop;

static void *churn(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg * 1000;

	while (!stop) {
		unsigned char *p = sem_map(LEN, PROT_READ | PROT_WRITE);

		sem_fill(p, LEN, ++seed);
		sem_verify("a thread's mapping keeps its bytes", p, LEN,
			   seed);
		sem_unmap(p, LEN);
	}
	return NULL;
}

int main(void)
{
	unsigned char *kept;
	pthread_t th[THREADS];

	sem_watchdog(120);
	kept = sem_map(LEN, PROT_READ | PROT_WRITE);
	sem_fill(kept, LEN, 7);
	for (long i = 0; i < THREADS; i++)
		sem_check(pthread_create(&th[i], NULL, churn,
					 (void *)(intptr_t)(i + 1)) == 0,
			  "pthread_create", "thread %ld", i);
	for (int i = 0; i < FORKS; i++) {
		pid_t pid = sem_fork();

		if (pid == 0) {
			sem_verify("the child has the parent's bytes", kept,
				   LEN, 7);
			for (int j = 0; j < 2; j++) {
				unsigned char *p = sem_map(LEN,
					PROT_READ | PROT_WRITE);

				sem_expect_zero("a child's fresh mapping reads "
						"zeros", p, LEN);
				sem_fill(p, LEN, 100 + j);
				sem_verify("a child's mapping keeps its bytes",
					   p, LEN, 100 + j);
				sem_unmap(p, LEN);
			}
			_exit(0);
		}
		sem_wait_status(pid, 0, "every child passes its checks");
	}
	stop = 1;
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	sem_verify("the parent keeps its bytes", kept, LEN, 7);
	return 0;
}
