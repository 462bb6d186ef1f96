/*
 * bt-nocfi: the stack ends in code without unwind information and with a
 * zero frame pointer (hand-written assembly, as in JIT code): main calls
 * nocfi_exit, which clears rbp and calls exit_group(3). libunwind stops
 * there as if it were the outermost frame; the backtrace must say it is
 * truncated instead of looking complete.
 */
#include <stdio.h>

void nocfi_exit(void);

__asm__(".text\n"
	".globl nocfi_exit\n"
	".type nocfi_exit, @function\n"
	"nocfi_exit:\n"
	"	xor %ebp, %ebp\n"
	"	mov $231, %eax\n"
	"	mov $3, %edi\n"
	"	syscall\n"
	"	hlt\n"
	".size nocfi_exit, . - nocfi_exit\n");

int main(void)
{
	printf("nocfi: calling nocfi_exit\n");
	fflush(stdout);
	nocfi_exit();
	return 0;
}
