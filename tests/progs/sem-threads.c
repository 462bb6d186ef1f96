/*
 * sem-threads: 8 threads map, fill, verify, grow (mremap), protect, drop
 * (MADV_DONTNEED), partially unmap and unmap memory concurrently. Every
 * thread checks all its live mappings over and over, so memory handed to
 * two threads at once, or bytes landing in another thread's mapping, are
 * caught. Some memory is kept at exit.
 */
#include "sem.h"

#include <pthread.h>

#define NTHREADS 8
#define ROUNDS 800
#define SLOTS 8

struct slot {
	unsigned char *p;
	size_t len;
	uint64_t seed;
};

struct worker {
	int id;
	unsigned rng;
	uint64_t next_seed;
	struct slot slots[SLOTS];
};

static struct worker workers[NTHREADS];

static void *work(void *arg);
static void op(struct worker *w, struct slot *s);
static void refill(struct worker *w, struct slot *s);

int main(void)
{
	pthread_t th[NTHREADS];

	sem_watchdog(240);
	sem_probe_install();	/* before the threads: sigaction is global */
	for (int i = 0; i < NTHREADS; i++) {
		workers[i].id = i;
		workers[i].rng = 12345u * (i + 1);
		workers[i].next_seed = ((uint64_t)(i + 1) << 32) + 1;
		sem_check(pthread_create(&th[i], NULL, work, &workers[i]) == 0,
			  "pthread_create", "thread %d", i);
	}
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(th[i], NULL);
	/* Every thread's memory, checked once more from the main thread. */
	for (int i = 0; i < NTHREADS; i++)
		for (int j = 0; j < SLOTS; j++)
			if (workers[i].slots[j].p)
				sem_verify("memory of a finished thread stays",
					   workers[i].slots[j].p,
					   workers[i].slots[j].len,
					   workers[i].slots[j].seed);
	sem_leave_marker();
	return 0;
}

static void *work(void *arg)
{
	struct worker *w = arg;

	for (int r = 0; r < ROUNDS; r++) {
		struct slot *s = &w->slots[rand_r(&w->rng) % SLOTS];

		for (int j = 0; j < SLOTS; j++)
			if (w->slots[j].p)
				sem_verify_at("a thread's mapping keeps its "
					      "bytes", w->slots[j].p, 64,
					      w->slots[j].seed, 0);
		if (s->p)
			sem_verify("a thread's mapping keeps its bytes", s->p,
				   s->len, s->seed);
		op(w, s);
	}
	return NULL;
}

static void op(struct worker *w, struct slot *s)
{
	size_t pg = sem_page();
	unsigned char *q;

	if (!s->p) {
		s->len = (1 + rand_r(&w->rng) % 64) * pg;
		s->p = sem_map(s->len, PROT_READ | PROT_WRITE);
		sem_expect_zero("a new mapping reads zeros", s->p, s->len);
		refill(w, s);
		return;
	}
	switch (rand_r(&w->rng) % 6) {
	case 0:		/* unmap */
		sem_unmap(s->p, s->len);
		s->p = NULL;
		break;
	case 1:		/* unmap the tail half */
		if (s->len >= 2 * pg) {
			size_t keep = s->len / pg / 2 * pg;

			sem_unmap(s->p + keep, s->len - keep);
			s->len = keep;
			sem_verify("partial munmap keeps the head", s->p,
				   s->len, s->seed);
		}
		break;
	case 2:		/* grow, maybe moving */
		if (s->len > ((size_t)4 << 20))
			break;
		q = mremap(s->p, s->len, s->len * 2, MREMAP_MAYMOVE);
		sem_check(q != MAP_FAILED, "mremap", "%s", strerror(errno));
		sem_verify("mremap keeps the bytes", q, s->len, s->seed);
		sem_expect_zero("mremap's new part reads zeros", q + s->len,
				s->len);
		sem_fill_at(q + s->len, s->len, s->seed, s->len);
		s->p = q;
		s->len *= 2;
		break;
	case 3:		/* drop the pages */
		sem_syscall_ok(madvise(s->p, s->len, MADV_DONTNEED),
			       "madvise DONTNEED", "madvise");
		sem_expect_zero("MADV_DONTNEED zeroes a thread's mapping",
				s->p, s->len);
		refill(w, s);
		break;
	case 4:		/* read-only for a while */
		sem_syscall_ok(mprotect(s->p, s->len, PROT_READ), "mprotect",
			       "mprotect");
		sem_expect_access("read-only mapping refuses writes", s->p,
				  true, false);
		sem_verify("read-only mapping keeps its bytes", s->p, s->len,
			   s->seed);
		sem_syscall_ok(mprotect(s->p, s->len, PROT_READ | PROT_WRITE),
			       "mprotect", "mprotect");
		break;
	default:	/* new contents */
		refill(w, s);
		break;
	}
}

static void refill(struct worker *w, struct slot *s)
{
	s->seed = w->next_seed++;
	sem_fill(s->p, s->len, s->seed);
}
