/*
 * bt-deep: recursion 50 frames deep (deep_recurse), then exit_group(0)
 * from the deepest frame. The backtrace benchmark's and tests' long stack.
 */
#include <stdlib.h>
#include <sys/syscall.h>

#define NOINLINE __attribute__((noinline, noclone))

int deep_recurse(int n);

static volatile int sink;

NOINLINE int deep_recurse(int n)
{
	long ret;

	if (n > 1)
		return deep_recurse(n - 1) + sink;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "0"((long)SYS_exit_group), "D"(0L)
			 : "rcx", "r11", "memory");
	return (int)ret;
}

int main(int argc, char **argv)
{
	return deep_recurse(argc > 1 ? atoi(argv[1]) : 50) + sink;
}
