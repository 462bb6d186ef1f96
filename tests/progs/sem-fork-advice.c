/*
 * sem-fork-advice: MADV_DONTFORK leaves a hole in the child (access faults,
 * the range is unmapped, a new mapping there reads zeros) and MADV_DOFORK
 * undoes it; MADV_WIPEONFORK gives the child zeros (and a grandchild too)
 * while the parent keeps its bytes, and MADV_KEEPONFORK undoes it. Both
 * advices apply to exactly the advised pages.
 */
#include "sem.h"


#define NPAGES 16

static void run_child(void (*fn)(unsigned char *), unsigned char *p,
    const char *what);
static void child_dontfork(unsigned char *p);
static void child_dofork(unsigned char *p);
static void child_wipe(unsigned char *p);
static void child_keep(unsigned char *p);

int main(void)
{
	size_t pg = sem_page(), len = NPAGES * pg;
	unsigned char *p = sem_map(len, PROT_READ | PROT_WRITE);

	sem_watchdog(120);
	sem_fill(p, len, 1);
	sem_syscall_ok(madvise(p + 4 * pg, 4 * pg, MADV_DONTFORK),
		       "madvise MADV_DONTFORK succeeds", "madvise");
	run_child(child_dontfork, p, "MADV_DONTFORK child");
	sem_verify("MADV_DONTFORK leaves the parent's bytes", p, len, 1);
	sem_syscall_ok(madvise(p + 4 * pg, 4 * pg, MADV_DOFORK),
		       "madvise MADV_DOFORK succeeds", "madvise");
	run_child(child_dofork, p, "MADV_DOFORK child");

	sem_syscall_ok(madvise(p + 8 * pg, 4 * pg, MADV_WIPEONFORK),
		       "madvise MADV_WIPEONFORK succeeds", "madvise");
	run_child(child_wipe, p, "MADV_WIPEONFORK child");
	sem_verify("MADV_WIPEONFORK leaves the parent's bytes", p, len, 1);
	sem_syscall_ok(madvise(p + 8 * pg, 4 * pg, MADV_KEEPONFORK),
		       "madvise MADV_KEEPONFORK succeeds", "madvise");
	run_child(child_keep, p, "MADV_KEEPONFORK child");
	sem_verify("the parent keeps everything", p, len, 1);
	return 0;
}

static void child_dontfork(unsigned char *p)
{
	size_t pg = sem_page();
	unsigned char *q;

	sem_verify("MADV_DONTFORK child keeps the pages before", p, 4 * pg, 1);
	sem_verify_at("MADV_DONTFORK child keeps the pages after", p + 8 * pg,
		      8 * pg, 1, 8 * pg);
	sem_expect_access("MADV_DONTFORK range faults in the child",
			  p + 5 * pg, false, false);
	sem_check(sem_is_unmapped(p + 4 * pg, 4 * pg), "MADV_DONTFORK range "
		  "is unmapped in the child", "%p mapped", (void *)(p + 4 * pg));
	q = mmap(p + 4 * pg, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		 MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	sem_check(q == p + 4 * pg, "mmap into the MADV_DONTFORK hole",
		  "%s", strerror(errno));
	sem_expect_zero("a mapping in the MADV_DONTFORK hole reads zeros", q,
			4 * pg);
}

static void child_dofork(unsigned char *p)
{
	sem_verify("MADV_DOFORK gives the child everything", p,
		   NPAGES * sem_page(), 1);
}

static void child_wipe(unsigned char *p)
{
	size_t pg = sem_page();
	pid_t pid;

	sem_verify("MADV_WIPEONFORK child keeps the pages before", p, 8 * pg,
		   1);
	sem_expect_zero("MADV_WIPEONFORK child reads zeros", p + 8 * pg,
			4 * pg);
	sem_verify_at("MADV_WIPEONFORK child keeps the pages after",
		      p + 12 * pg, 4 * pg, 1, 12 * pg);
	sem_fill(p + 8 * pg, 4 * pg, 2);
	/* The advice is inherited: a grandchild gets zeros again. */
	pid = sem_fork();
	if (pid == 0) {
		sem_expect_zero("MADV_WIPEONFORK grandchild reads zeros",
				p + 8 * pg, 4 * pg);
		_exit(0);
	}
	sem_wait_status(pid, 0, "MADV_WIPEONFORK grandchild passes");
	sem_verify("MADV_WIPEONFORK child keeps its own writes", p + 8 * pg,
		   4 * pg, 2);
}

static void child_keep(unsigned char *p)
{
	sem_verify("MADV_KEEPONFORK gives the child everything", p,
		   NPAGES * sem_page(), 1);
}

static void run_child(void (*fn)(unsigned char *), unsigned char *p,
    const char *what)
{
	pid_t pid = sem_fork();

	if (pid == 0) {
		fn(p);
		_exit(0);
	}
	sem_wait_status(pid, 0, what);
}
