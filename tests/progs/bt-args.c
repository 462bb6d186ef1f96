/*
 * bt-args: frames with arguments of the base types gdb's bt prints,
 * kept in memory (optimize("O0") below: configure's CFLAGS, -O2 by
 * default, come after the target's own): main -> args_a (int, long,
 * char, bool, const char *, void *) -> args_b (unsigned, short, double,
 * int *) -> args_c (int), which makes the exit_group(5) syscall itself so
 * that frame #0 is args_c. tests/expr.t compares ptinspect's bt with
 * gdb's on a core of the pause.
 */
#pragma GCC optimize("O0")

#include <stdbool.h>
#include <stdio.h>
#include <sys/syscall.h>

#define NOINLINE __attribute__((noinline, noclone))

int args_a(int i, long l, char c, bool b, const char *s, void *p);
int args_b(unsigned u, short sh, double d, int *ip);
int args_c(int x);

static int counter = 42;

NOINLINE int args_c(int x)
{
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "0"((long)SYS_exit_group), "D"(5L)
			 : "rcx", "r11", "memory");
	return (int)ret + x;
}

NOINLINE int args_b(unsigned u, short sh, double d, int *ip)
{
	return args_c((int)u + sh + (int)d + *ip) + 1;
}

NOINLINE int args_a(int i, long l, char c, bool b, const char *s, void *p)
{
	return args_b((unsigned)i * 2, (short)-3, 2.5, p) + (int)l + c + b +
	    s[0];
}

int main(void)
{
	printf("bt-args: calling args_a\n");
	fflush(stdout);
	return args_a(-7, 1234567890123L, 'q', true, "hello \"world\"",
	    &counter);
}
