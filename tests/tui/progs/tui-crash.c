/*
 * tui-crash: dies of SIGSEGV writing to address 0x10 three calls deep
 * (main -> outer -> middle -> crash_here), after printing a line, so the
 * TUI's status line and threads pane have a known crash to show.
 */
#include <stdint.h>
#include <stdio.h>

#define NOINLINE __attribute__((noinline, noclone))

void crash_here(volatile int *p);
void middle(volatile int *p);
void outer(uintptr_t addr);

static volatile int sink;

NOINLINE void
crash_here(volatile int *p)
{
	sink++;
	*p = 42;
	sink++;
}

NOINLINE void
middle(volatile int *p)
{
	crash_here(p);
	sink++;
}

NOINLINE void
outer(uintptr_t addr)
{
	middle((volatile int *)addr);
	sink++;
}

int
main(void)
{
	printf("about to crash\n");
	fflush(stdout);
	outer(0x10);
	return 0;
}
