/*
 * sem-untraced-fork: clone(CLONE_UNTRACED) without CLONE_VM, a fork the
 * tracer is not meant to follow, leaves the registers as the kernel does.
 * The program has redirected memory (a written private mapping), so a
 * tracer that keeps following the child must give it its own copy.
 *   - raw clone(CLONE_UNTRACED|SIGCHLD), no new stack: both sides find
 *     rdi, the flags argument, unchanged; the child's mmap works (it keeps
 *     the parent's seccomp filters), its write to the mapping stays its
 *     own, and it exits 0; likewise with CLONE_VFORK (the caller waits
 *     for a child that has its own memory), and a plain
 *     clone(CLONE_VFORK|SIGCHLD) (a tracer that waited for the caller's
 *     return before letting the child run hung);
 *   - clone(CLONE_UNTRACED|CLONE_SIGHAND) and
 *     clone(CLONE_UNTRACED|CLONE_VM|CLONE_THREAD) fail with EINVAL and
 *     leave rdi unchanged;
 *   - a plain fork-like clone(SIGCHLD) afterwards leaves its own rdi (a
 *     tracer that put back a failed call's flags at the next clone would
 *     not);
 *   - 30 rounds of clone(CLONE_PARENT|CLONE_UNTRACED|SIGCHLD) by a child
 *     of ours, whose child is then ours (its caller a sibling, not its
 *     parent: a tracer that looked for the caller in the parent, when
 *     the child's first stop came before the clone's event, left its rdi
 *     rewritten): it checks its rdi as above.
 */
#include "sem.h"

#include <sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>

/* What the child reports in its exit status. */
enum {
	CHILD_OK = 0,
	CHILD_BAD_RDI = 1,
	CHILD_MMAP_FAILED = 2,
};

/*
 * clone(flags, 0, 0, 0, 0) with nothing but registers in the child, which
 * checks its own rdi, maps a page, writes 0x5a at *poke and leaves with
 * SYS_exit and a CHILD_* status. The parent gets the return value and its
 * rdi after the call in *rdi_after.
 */
static long
raw_clone(unsigned long flags, unsigned long *rdi_after, unsigned char *poke)
{
	unsigned long rdi = flags;
	register long r10 __asm__("r10") = 0;
	register long r8 __asm__("r8") = 0;
	register unsigned long r12 __asm__("r12") = flags;
	long ret;

	__asm__ volatile(
	    "syscall\n\t"
	    "test %%rax, %%rax\n\t"
	    "jnz 1f\n\t"
	    /* the child: rdi must still hold the flags (r12's copy) */
	    "cmp %%rdi, %%r12\n\t"
	    "je 3f\n\t"
	    "mov $1, %%edi\n\t"
	    "jmp 4f\n\t"
	    "3:\n\t"
	    SEM_ASM_MMAP_PAGE
	    "cmp $-4096, %%rax\n\t"
	    "jb 5f\n\t"
	    "mov $2, %%edi\n\t"
	    "jmp 4f\n\t"
	    "5:\n\t"
	    "movb $0x5a, (%%rax)\n\t"
	    "movb $0x5a, (%%rbx)\n\t"
	    "xor %%edi, %%edi\n\t"
	    "4:\n\t"
	    "mov $60, %%eax\n\t"
	    "syscall\n\t"
	    "1:\n\t"
	    : "=a"(ret), "+D"(rdi), "+r"(r10), "+r"(r8)
	    : "0"((long)SYS_clone), "S"(0L), "d"(0L), "b"(poke), "r"(r12)
	    : "rcx", "r9", "r11", "memory");
	*rdi_after = rdi;
	return ret;
}

/* A clone that must fail with EINVAL and leave rdi alone. */
static void
clone_einval(unsigned long flags, const char *what)
{
	unsigned long rdi;
	long ret = raw_clone(flags, &rdi, NULL);

	sem_check(ret == -EINVAL, what, "returned %ld, expected -EINVAL", ret);
	sem_check(rdi == flags, what, "rdi %#lx after the call, %#lx before",
	    rdi, flags);
}

/* A fork-like clone: rdi kept on both sides, the child's write its own. */
static void
clone_fork(unsigned long flags, unsigned char *page, const char *what)
{
	unsigned long rdi;
	long ret;

	page[0] = 0xa5;
	ret = raw_clone(flags, &rdi, page);
	sem_check(ret > 0, what, "returned %ld", ret);
	sem_check(rdi == flags, what,
	    "the parent's rdi %#lx after the call, %#lx before", rdi, flags);
	sem_wait_status((pid_t)ret, CHILD_OK, what);
	sem_check(page[0] == 0xa5, what,
	    "the child's write reached the parent: byte %#x", page[0]);
}

/*
 * Our child clones with CLONE_PARENT: the new task is our child, its
 * caller our other child. Its pid comes back through a pipe.
 */
static void
clone_parent_round(unsigned char *page, const char *what)
{
	unsigned long flags = CLONE_PARENT | CLONE_UNTRACED | SIGCHLD, rdi;
	int fds[2];
	pid_t middle;
	long ret;

	if (pipe(fds) != 0)
		sem_fail(what, "pipe: %s", strerror(errno));
	middle = sem_fork();
	if (middle == 0) {
		close(fds[0]);
		ret = raw_clone(flags, &rdi, page);
		if (write(fds[1], &ret, sizeof(ret)) != (ssize_t)sizeof(ret) ||
		    ret <= 0 || rdi != flags)
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	if (read(fds[0], &ret, sizeof(ret)) != (ssize_t)sizeof(ret))
		ret = -1;
	close(fds[0]);
	sem_wait_status(middle, 0, what);
	sem_check(ret > 0, what, "returned %ld", ret);
	sem_wait_status((pid_t)ret, CHILD_OK, what);
}

int main(void)
{
	unsigned char *page;

	sem_watchdog(60);
	page = sem_map(sem_page(), PROT_READ | PROT_WRITE);
	sem_fill_at(page, sem_page(), 7, 0);
	clone_fork(CLONE_UNTRACED | SIGCHLD, page,
	    "clone(CLONE_UNTRACED|SIGCHLD)");
	clone_fork(CLONE_UNTRACED | CLONE_VFORK | SIGCHLD, page,
	    "clone(CLONE_UNTRACED|CLONE_VFORK|SIGCHLD)");
	clone_fork(CLONE_VFORK | SIGCHLD, page, "clone(CLONE_VFORK|SIGCHLD)");
	clone_einval(CLONE_UNTRACED | CLONE_SIGHAND | SIGCHLD,
	    "clone(CLONE_UNTRACED|CLONE_SIGHAND)");
	clone_einval(CLONE_UNTRACED | CLONE_VM | CLONE_THREAD,
	    "clone(CLONE_UNTRACED|CLONE_VM|CLONE_THREAD)");
	clone_fork(SIGCHLD, page, "clone(SIGCHLD) after the failed ones");
	for (int i = 0; i < 30; i++)
		clone_parent_round(page,
		    "clone(CLONE_PARENT|CLONE_UNTRACED|SIGCHLD) by our child");
	for (size_t i = 1; i < sem_page(); i++)
		sem_check(page[i] == sem_pattern(7, i), "the mapping kept",
		    "byte %zu is %#x", i, page[i]);
	printf("sem-untraced-fork: ok\n");
	return 0;
}
