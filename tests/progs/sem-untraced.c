/*
 * sem-untraced: a child made with clone(CLONE_UNTRACED) inherits the
 * parent's seccomp filters, as LeakSanitizer's stop-the-world task does.
 * The child (CLONE_VM|CLONE_VFORK, on the parent's stack until it exits)
 * maps memory with a raw mmap and writes the result where the parent can
 * read it, then leaves with a raw SYS_exit. The parent checks that the
 * mmap worked (under a tracer that did not follow the child it failed
 * with ENOSYS), that the child exited 0, and that clone left rdi, its
 * flags argument, as the kernel does: unchanged.
 */
#include "sem.h"

#include <sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static volatile long child_mmap;

int main(void)
{
	unsigned long flags = CLONE_VM | CLONE_VFORK | CLONE_UNTRACED |
	    SIGCHLD;
	unsigned long rdi = flags;
	register long r10 __asm__("r10") = 0;
	register long r8 __asm__("r8") = 0;
	long ret;
	int st;

	sem_watchdog(60);
	child_mmap = 1;
	__asm__ volatile(
	    "syscall\n\t"
	    "test %%rax, %%rax\n\t"
	    "jnz 1f\n\t"
	    /* the child */
	    SEM_ASM_MMAP_PAGE
	    "mov %%rax, (%%rbx)\n\t"
	    "cmp $-4096, %%rax\n\t"
	    "jae 2f\n\t"
	    "movb $0x5a, (%%rax)\n\t"
	    "2:\n\t"
	    "mov $60, %%eax\n\t"
	    "xor %%edi, %%edi\n\t"
	    "syscall\n\t"
	    "1:\n\t"
	    : "=a"(ret), "+D"(rdi), "+r"(r10), "+r"(r8)
	    : "0"((long)SYS_clone), "S"(0L), "d"(0L), "b"(&child_mmap)
	    : "rcx", "r9", "r11", "memory");
	sem_check(ret > 0, "clone(CLONE_UNTRACED)", "returned %ld", ret);
	sem_check(rdi == flags, "clone left rdi alone",
	    "rdi %#lx after the call, %#lx before", rdi, flags);
	sem_check(waitpid((pid_t)ret, &st, __WALL) == ret, "waitpid",
	    "%s", strerror(errno));
	sem_check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child exited 0",
	    "wait status %#x", st);
	sem_check(child_mmap > 0,
	    "the untraced child's mmap worked", "it returned %ld", child_mmap);
	sem_check(*(volatile unsigned char *)child_mmap == 0x5a,
	    "the parent sees what the child wrote", "byte %#x",
	    *(volatile unsigned char *)child_mmap);
	printf("sem-untraced: ok\n");
	return 0;
}
