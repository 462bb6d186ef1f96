/*
 * bad-rsp: dies of SIGSEGV with its stack and frame pointers in unmapped
 * memory (a wild stack switch), so no stack word can be read. An unwinder
 * must stop at the first frame instead of reading through the bad
 * pointers.
 */
#include <stdio.h>

int
main(void)
{
	printf("bad-rsp: switching to an unmapped stack\n");
	fflush(stdout);
	__asm__ volatile("mov $0x10, %%rsp\n\tmov $0x20, %%rbp\n\tpush %%rax\n"
	    ::: "memory");
	return 0;
}
