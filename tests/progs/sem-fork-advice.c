/*
 * sem-fork-advice: MADV_DONTFORK leaves a hole in the child (access faults,
 * the range is unmapped, a new mapping there reads zeros) and MADV_DOFORK
 * undoes it; MADV_WIPEONFORK gives the child zeros (and a grandchild too)
 * while the parent keeps its bytes, and MADV_KEEPONFORK undoes it. Both
 * advices apply to exactly the advised pages. The advice belongs to the
 * mapping: unmapped and mapped again, the range forks as any other (a
 * child of the new mapping has its bytes, also once it maps more memory
 * of its own); moved or grown by mremap, it goes with the mapping.
 */
#include "sem.h"


#define NPAGES 16

static void run_child(void (*fn)(unsigned char *), unsigned char *p,
    const char *what);
static void child_dontfork(unsigned char *p);
static void child_dofork(unsigned char *p);
static void child_wipe(unsigned char *p);
static void child_keep(unsigned char *p);
static void advice_goes_with_mapping(void);

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
	advice_goes_with_mapping();
	return 0;
}

/* A child maps 2 * len of its own, writes it, and checks q: seed 3. */
static void child_has_new_mapping(unsigned char *q)
{
	size_t len = NPAGES * sem_page();
	unsigned char *mine;

	sem_verify("a child has the mapping made after the advised one",
		   q, len, 3);
	mine = sem_map(2 * len, PROT_READ | PROT_WRITE);
	sem_fill(mine, 2 * len, 4);
	sem_verify("... and keeps it once it maps memory of its own", q,
		   len, 3);
	sem_verify("... which holds its own bytes", mine, 2 * len, 4);
}

static void child_wiped(unsigned char *q)
{
	sem_expect_zero("a child reads zeros where the wiped mapping moved",
			q, NPAGES * sem_page());
}

static void child_wiped_grown(unsigned char *q)
{
	sem_expect_zero("a child reads zeros in all of a wiped mapping grown",
			q, 4 * NPAGES * sem_page());
}

static void advice_goes_with_mapping(void)
{
	size_t len = NPAGES * sem_page();
	unsigned char *q, *to;
	int advice, i;

	for (i = 0; i < 2; i++) {
		advice = i == 0 ? MADV_DONTFORK : MADV_WIPEONFORK;
		q = sem_map(len, PROT_READ | PROT_WRITE);
		sem_fill(q, len, 2);
		sem_syscall_ok(madvise(q, len, advice), "madvise of a mapping "
			       "unmapped next", "madvise");
		sem_unmap(q, len);
		sem_check(mmap(q, len, PROT_READ | PROT_WRITE, MAP_PRIVATE |
			       MAP_ANONYMOUS | MAP_FIXED, -1, 0) == q,
			  "a mapping where the advised one was", "%s",
			  strerror(errno));
		sem_fill(q, len, 3);
		run_child(child_has_new_mapping, q, i == 0 ?
			  "MADV_DONTFORK gone with its mapping" :
			  "MADV_WIPEONFORK gone with its mapping");
		sem_verify("the parent keeps the new mapping", q, len, 3);
		sem_unmap(q, len);
	}

	/* Moved: the advice goes along, the old place is free. */
	q = sem_map(len, PROT_READ | PROT_WRITE);
	sem_fill(q, len, 5);
	sem_syscall_ok(madvise(q, len, MADV_WIPEONFORK), "MADV_WIPEONFORK "
		       "of a mapping moved next", "madvise");
	to = sem_free_range(len, len);
	sem_check(mremap(q, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, to) == to,
		  "mremap moves the wiped mapping", "%s", strerror(errno));
	run_child(child_wiped, to, "MADV_WIPEONFORK moved with its mapping");
	sem_verify("the parent keeps the moved mapping's bytes", to, len, 5);

	/* Grown far past its size: all of it is wiped in a child. */
	q = mremap(to, len, 4 * len, MREMAP_MAYMOVE);
	sem_check(q != MAP_FAILED, "mremap grows the wiped mapping", "%s",
		  strerror(errno));
	sem_fill_at(q + len, 3 * len, 5, len);
	run_child(child_wiped_grown, q, "MADV_WIPEONFORK grown with its "
		  "mapping");
	sem_verify("the parent keeps the grown mapping's bytes", q, 4 * len,
		   5);
	sem_unmap(q, 4 * len);
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
