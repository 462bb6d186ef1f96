/*
 * crash: dies of SIGSEGV by writing to address 0x10 three calls deep
 * (main -> crash_outer -> crash_middle -> crash_inner), so the pause shows
 * fault address 0x10 and a backtrace through all three. It prints
 * "crashing" first (flushed) so a test can see it ran.
 */
#include <stdint.h>
#include <stdio.h>

#define NOINLINE __attribute__((noinline))

static NOINLINE void crash_inner(volatile int *p);
static NOINLINE void crash_middle(volatile int *p);
static NOINLINE void crash_outer(uintptr_t addr);

static NOINLINE void crash_inner(volatile int *p)
{
	*p = 42;
	__asm__ volatile("" ::: "memory");
}

static NOINLINE void crash_middle(volatile int *p)
{
	crash_inner(p);
	__asm__ volatile("" ::: "memory");
}

static NOINLINE void crash_outer(uintptr_t addr)
{
	crash_middle((volatile int *)addr);
	__asm__ volatile("" ::: "memory");
}

int main(void)
{
	/* volatile: the compiler must not see the null-page store coming. */
	volatile uintptr_t addr = 0x10;

	puts("crashing");
	fflush(stdout);
	crash_outer(addr);
	return 0;
}
