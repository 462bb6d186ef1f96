/*
 * last-thread: the process ends without exit_group. The main thread
 * leaves with a raw SYS_exit(7); a second thread prints "last thread" and
 * leaves with a raw SYS_exit(7) 50 ms later, so the process dies when its
 * last thread exits, with status 7. (Both use 7 because kernels differ on
 * whose code the wait status carries; glibc's pthread_exit would call
 * exit_group for the last thread, hence raw syscalls.)
 */
#include <pthread.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void *last_main(void *arg);

static void *last_main(void *arg)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };

	nanosleep(&ts, NULL);
	fputs("last thread\n", stdout);
	fflush(stdout);
	syscall(SYS_exit, 7);
	return NULL;
}

int main(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, last_main, NULL) != 0) {
		fputs("pthread_create failed\n", stderr);
		return 1;
	}
	syscall(SYS_exit, 7);
	return 1;
}
