/*
 * sem-clonevm: processes that share the address space without being
 * threads (clone(CLONE_VM) without CLONE_THREAD, vfork) see one memory:
 *  - memory a CLONE_VM child maps is the parent's too, private to that
 *    address space: a child forked afterwards writes its own copy, the
 *    parent keeps its bytes;
 *  - MADV_DONTNEED on it zeroes, MADV_FREE succeeds;
 *  - sbrk in a vfork child moves the break the parent sees, and the
 *    parent can use the new heap.
 */
#include "sem.h"

#include <sched.h>

#define LEN (64 * 1024)

static unsigned char *volatile region;

static int clone_child(void *arg)
{
	(void)arg;
	region = mmap(NULL, LEN, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (region == MAP_FAILED)
		return 1;
	sem_fill(region, LEN, 81);
	return 0;
}

static void clone_vm_memory(void)
{
	size_t stack_len = 256 * 1024;
	unsigned char *stack = sem_map(stack_len, PROT_READ | PROT_WRITE);
	pid_t pid;

	pid = clone(clone_child, stack + stack_len, CLONE_VM | SIGCHLD, NULL);
	sem_check(pid > 0, "clone(CLONE_VM)", "%s", strerror(errno));
	sem_wait_status(pid, 0, "the CLONE_VM child");
	sem_check(region != MAP_FAILED && region != NULL,
		  "the CLONE_VM child maps memory", "mmap failed");
	sem_verify("the parent sees what the CLONE_VM child wrote", region,
		   LEN, 81);

	pid = sem_fork();
	if (pid == 0) {
		sem_fill(region, LEN, 82);
		sem_verify("the forked child sees its own write", region,
			   LEN, 82);
		_exit(0);
	}
	sem_wait_status(pid, 0, "the forked child");
	sem_verify("a forked child's writes stay its own", region, LEN, 81);

	sem_syscall_ok(madvise(region, LEN, MADV_DONTNEED), "madvise",
		       "DONTNEED");
	sem_expect_zero("DONTNEED zeroes the CLONE_VM child's memory", region,
			LEN);
	sem_fill(region, LEN, 83);
	sem_syscall_ok(madvise(region, LEN, MADV_FREE), "madvise FREE on the "
		       "CLONE_VM child's memory", "madvise");
	sem_unmap(region, LEN);
	sem_unmap(stack, stack_len);
}

static void vfork_sbrk(void)
{
	unsigned char *before = sbrk(0), *got, *after;
	volatile int child_ok = 0;
	pid_t pid;

	sem_check(before != (void *)-1, "sbrk(0)", "%s", strerror(errno));
	pid = vfork();
	if (pid == 0) {
		got = sbrk(4096);
		if (got != (void *)-1) {
			memset(got, 0x77, 4096);
			child_ok = 1;
		}
		_exit(0);
	}
	sem_check(pid > 0, "vfork", "%s", strerror(errno));
	sem_wait_status(pid, 0, "the vfork child");
	sem_check(child_ok, "sbrk in a vfork child", "it failed");
	after = sbrk(0);
	sem_check(after == before + 4096,
		  "the parent sees the break the vfork child moved",
		  "%p, expected %p", (void *)after, (void *)(before + 4096));
	sem_check(before[100] == 0x77, "the parent reads the child's heap",
		  "0x%02x", before[100]);
	got = sbrk(4096);
	sem_check(got == after, "the parent grows the heap further",
		  "%p, expected %p", (void *)got, (void *)after);
	memset(got, 0x78, 4096);
	sem_check(sbrk(-8192) == got + 4096, "the parent shrinks it back",
		  "failed");
}

int main(void)
{
	void *warm;

	sem_watchdog(60);
	/* Redirected memory first: the parent then has an arena. */
	warm = sem_map(LEN, PROT_READ | PROT_WRITE);
	memset(warm, 1, LEN);
	free(malloc(100));
	clone_vm_memory();
	vfork_sbrk();
	return 0;
}
