/*
 * caught-signal: takes a SIGSEGV (a store to address 0x10), catches it in
 * a handler that jumps back out, and exits 0 after printing "recovered".
 * A caught fault is not fatal: under --pause-on-exit the pause must come at
 * exit_group(0), not before SIGSEGV.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static sigjmp_buf caught_env;

static void caught_handler(int sig);

static void caught_handler(int sig)
{
	siglongjmp(caught_env, sig);
}

int main(void)
{
	struct sigaction sa;
	volatile uintptr_t addr = 0x10;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = caught_handler;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, NULL) != 0) {
		perror("sigaction");
		return 1;
	}
	if (sigsetjmp(caught_env, 1) == 0) {
		*(volatile int *)addr = 1;
		puts("no fault");
		return 1;
	}
	puts("recovered");
	return 0;
}
