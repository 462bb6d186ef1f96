/*
 * mmap-race: a thread that maps and unmaps 1 MiB without pause while the
 * main thread exits after 30 ms, so the pause often catches it in the
 * middle of a redirected mmap, inside ptinspect's mmap stub (src/stub.h).
 * The 30 ms count from when the spinner runs (on a loaded machine a new
 * thread may wait longer than that for a CPU). Prints "spinner TID"
 * first. Exits 3.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static volatile int spinning;

static void *spin(void *arg)
{
	(void)arg;
	printf("spinner %ld\n", (long)syscall(SYS_gettid));
	fflush(stdout);
	spinning = 1;
	for (;;) {
		void *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p != MAP_FAILED)
			munmap(p, 1 << 20);
	}
	return NULL;
}

int main(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, spin, NULL) != 0)
		return 1;
	while (!spinning)
		usleep(1000);
	usleep(30000);
	_exit(3);
}
