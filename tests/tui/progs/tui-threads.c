/*
 * tui-threads: a thread that is neither the first nor the last one dies of
 * SIGSEGV at address 0x10 in crash_in_worker, while three other threads
 * (main among them) wait. The thread that crashes is named "crasher",
 * the others "waiter", so the TUI's threads pane has a known order to
 * get right: the crashing thread first, as batch mode lists it.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline, noclone))

void crash_in_worker(volatile int *p);

static pthread_barrier_t all_started;
static volatile int sink;

NOINLINE void
crash_in_worker(volatile int *p)
{
	sink++;
	*p = 42;
	sink++;
}

static void *
waiter(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "waiter");
	pthread_barrier_wait(&all_started);
	for (;;)
		pause();
	return NULL;
}

static void *
crasher(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "crasher");
	pthread_barrier_wait(&all_started);
	crash_in_worker((volatile int *)(uintptr_t)0x10);
	return NULL;
}

int
main(void)
{
	pthread_t t[3];

	pthread_barrier_init(&all_started, NULL, 3);
	pthread_create(&t[0], NULL, waiter, NULL);
	pthread_create(&t[1], NULL, crasher, NULL);
	pthread_create(&t[2], NULL, waiter, NULL);
	pthread_join(t[1], NULL);
	return 0;
}
