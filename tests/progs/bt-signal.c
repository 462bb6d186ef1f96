/*
 * bt-signal: a crash inside a signal handler. main -> interrupted, which
 * divides by zero; the SIGFPE handler on_sigfpe calls handler_crash, which
 * writes to address 0x20 and dies of SIGSEGV. At the pause the stack reads:
 * handler_crash, on_sigfpe, the signal trampoline (a signal frame),
 * interrupted (at the faulting division), main.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#define NOINLINE __attribute__((noinline, noclone))

void handler_crash(void);
void on_sigfpe(int sig);
int interrupted(int x);

static volatile int zero;
static int *volatile bad_pointer = (int *)0x20;
static volatile int sink;

NOINLINE void handler_crash(void)
{
	*bad_pointer = 1;
	sink++;
}

NOINLINE void on_sigfpe(int sig)
{
	handler_crash();
	sink = sig;
}

NOINLINE int interrupted(int x)
{
	int q = x / zero;

	sink++;
	return q;
}

int main(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigfpe;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGFPE, &sa, NULL);
	printf("signal: dividing by zero\n");
	fflush(stdout);
	return interrupted(42);
}
