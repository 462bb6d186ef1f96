/*
 * bt-vdso [spin]: a thread calls clock_gettime(2) in a loop, which runs in
 * the vdso (code mapped by the kernel, with no file), so a thread stopped
 * at random is almost always inside the vdso.
 * Without argument: th_spin spins in spin_clock while the main thread
 * waits 100 ms and calls exit_group(0) from main_exit; at the pause,
 * th_spin's stack runs from the vdso through spin_clock and th_spin.
 * With "spin": stops once with SIGUSR2 (ignored unless traced), then the
 * main thread itself spins in spin_clock forever (for tests/unit-unwind,
 * which stops it with PTRACE_INTERRUPT until it is in the vdso).
 */
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline, noclone))

void spin_clock(void);
void *th_spin(void *arg);
void main_exit(void);

static volatile int started;
static volatile long sink;

NOINLINE void spin_clock(void)
{
	struct timespec ts;

	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		sink += ts.tv_nsec;
		/* Only now is the thread surely inside spin_clock for good. */
		started = 1;
	}
}

NOINLINE void *th_spin(void *arg)
{
	spin_clock();
	return arg;
}

NOINLINE void main_exit(void)
{
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "0"((long)SYS_exit_group), "D"(0L)
			 : "rcx", "r11", "memory");
	sink = ret;
}

int main(int argc, char **argv)
{
	pthread_t t;

	if (argc > 1 && strcmp(argv[1], "spin") == 0) {
		signal(SIGUSR2, SIG_IGN);
		raise(SIGUSR2);
		spin_clock();
	}
	if (pthread_create(&t, NULL, th_spin, NULL) != 0)
		return 1;
	while (!started)
		usleep(1000);
	usleep(100000);
	main_exit();
	return 0;
}
