/*
 * stack-overflow: recurses until the stack runs out and dies of SIGSEGV
 * with the stack pointer at the guard gap, so nothing can be pushed on
 * its stack any more: a pause (or a syscall injected at the pause) must
 * not need the tracee's stack. Prints "recursing" first.
 */
#include <stdio.h>

static unsigned long recurse(volatile char *prev, unsigned long depth);

static __attribute__((noinline)) unsigned long recurse(volatile char *prev,
						       unsigned long depth)
{
	volatile char frame[256];

	/* Never true; keeps -Winfinite-recursion quiet. */
	if (depth == ~0UL)
		return 0;
	frame[0] = (char)depth;
	frame[255] = prev != NULL ? prev[0] : 0;
	return recurse(frame, depth + 1) + frame[255];
}

int main(void)
{
	puts("recursing");
	fflush(stdout);
	return (int)recurse(NULL, 0);
}
