/*
 * bt-tailcall.c: a chain of tail calls for bt-tailcall.t. Built -O2:
 * main calls first(), which ends by jumping to second(), which ends by
 * jumping to leaf(), which exits. gdb's bt shows first and second as
 * tail-call frames between leaf and main.
 */
#include <unistd.h>
#include <sys/syscall.h>

volatile int pti_tailcall_sink;

__attribute__((noinline)) void
leaf(int code)
{
	pti_tailcall_sink = code;
	syscall(SYS_exit_group, code + pti_tailcall_sink);
	pti_tailcall_sink = 0;
}

__attribute__((noinline)) void
second(int code)
{
	pti_tailcall_sink = code * 3;
	leaf(code + 1);
}

__attribute__((noinline)) void
first(int code)
{
	pti_tailcall_sink = code * 5;
	second(code + 1);
}

int
main(void)
{
	first(pti_tailcall_sink + 1);
	pti_tailcall_sink = 9;
	return 0;
}
