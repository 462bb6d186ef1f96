/*
 * print-frames: -O2 values that outer frames keep in callee-saved
 * registers (rbx, rbp, r12-r15) across a call, for tests/print-frames.t:
 * main -> outer -> middle -> inner, and inner makes the exit_group(3)
 * system call itself so frame #0 is inner. outer's and middle's
 * parameters and locals are live after their calls, so gcc keeps them in
 * callee-saved registers; inner's parameter is dead by the system call
 * (its rdi is the status), so its location there is an entry value, read
 * through middle's call site.
 */
#include <sys/syscall.h>

#define NOINLINE __attribute__((noipa))

static volatile long sink;

NOINLINE void inner(long v)
{
	long ret;

	sink = v;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "0"((long)SYS_exit_group), "D"(3L)
			 : "rcx", "r11", "memory");
	sink = ret;
}

NOINLINE long middle(long a, long b, long c)
{
	long s = a * 3 + sink;
	long t = b ^ sink;
	long u = c + 7;

	inner(a + b);
	sink = s + t + u + a + b + c;
	return s;
}

NOINLINE long outer(long n, int k)
{
	long m = n * 5 + sink;
	long r = middle(n + 1, n * 2, k);

	sink = m + n + k + r;
	return r;
}

int main(int argc, char **argv)
{
	(void)argv;
	return (int)outer(argc + 10, argc + 20);
}
