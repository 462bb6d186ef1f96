/*
 * bt-threads: 8 threads, each blocked in its own function (th_a .. th_h),
 * each in a different blocking call; once all have started, the main
 * thread calls exit_group(0) from main_exit. At the pause, every thread's
 * backtrace shows its th_* function (below the libc call it blocks in).
 */
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline, noclone))

void *th_a(void *arg);
void *th_b(void *arg);
void *th_c(void *arg);
void *th_d(void *arg);
void *th_e(void *arg);
void *th_f(void *arg);
void *th_g(void *arg);
void *th_h(void *arg);
void main_exit(void);

static atomic_int started;
static volatile int sink;
static int pipe_fds[2];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;

NOINLINE void *th_a(void *arg)
{
	started++;
	for (;;)
		pause();
	return arg;
}

NOINLINE void *th_b(void *arg)
{
	started++;
	for (;;)
		sleep(1000);
	return arg;
}

NOINLINE void *th_c(void *arg)
{
	struct timespec ts = { .tv_sec = 1000 };

	started++;
	for (;;)
		nanosleep(&ts, NULL);
	return arg;
}

NOINLINE void *th_d(void *arg)
{
	char c;

	started++;
	for (;;)
		sink += (int)read(pipe_fds[0], &c, 1);
	return arg;
}

NOINLINE void *th_e(void *arg)
{
	started++;
	for (;;)
		sink += poll(NULL, 0, -1);
	return arg;
}

NOINLINE void *th_f(void *arg)
{
	started++;
	pthread_mutex_lock(&lock);
	for (;;)
		pthread_cond_wait(&never, &lock);
	return arg;
}

NOINLINE void *th_g(void *arg)
{
	started++;
	for (;;)
		sink += select(0, NULL, NULL, NULL, NULL);
	return arg;
}

NOINLINE void *th_h(void *arg)
{
	sigset_t none;

	sigemptyset(&none);
	started++;
	for (;;)
		sink += sigsuspend(&none);
	return arg;
}

NOINLINE void main_exit(void)
{
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "0"((long)SYS_exit_group), "D"(0L)
			 : "rcx", "r11", "memory");
	sink = (int)ret;
}

int main(void)
{
	void *(*fns[])(void *) = { th_a, th_b, th_c, th_d, th_e, th_f, th_g,
				   th_h };
	pthread_t t;
	unsigned i;

	if (pipe(pipe_fds) != 0)
		return 1;
	for (i = 0; i < sizeof fns / sizeof fns[0]; i++)
		if (pthread_create(&t, NULL, fns[i], NULL) != 0)
			return 1;
	while (started < 8)
		usleep(1000);
	/* Let the last ones reach their blocking call. */
	usleep(50000);
	printf("threads: 8 blocked\n");
	fflush(stdout);
	main_exit();
	return 0;
}
