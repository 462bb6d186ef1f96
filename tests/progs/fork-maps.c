/*
 * fork-maps: a fork of a process with many mappings (tests/fork-maps.t).
 * One area of 2 * PAIRS pages, every page filled with its own bytes,
 * every odd page then made read-only: 2 * PAIRS regions in
 * /proc/PID/maps. The child checks that it sees the parent's bytes,
 * writes half of the even pages, makes a mapping of its own (under
 * ptinspect that ends the borrow: its memory is copied then), checks
 * every page again (its own bytes where it wrote, the parent's
 * elsewhere, odd pages still read-only), writes the other half, checks
 * again and exits 0. The parent checks that none of the child's writes
 * reached it.
 *
 *	fork-maps [nostub]
 *
 * nostub: first map the page just above the stack and the page at
 * 0x70000000, where ptinspect keeps its mmap stub (src/stub.h: the
 * second where there is no room for the first), so ptinspect gives the
 * stub up and the fork takes its slow path (one injected call per
 * region). Exits 77 when either page is not free natively.
 */
#include "sem.h"

#define PAIRS 1000

/* The seed of page i: the parent's bytes, or the child's (own). */
static uint64_t
seed(size_t i, bool own)
{
	return (own ? 500000 : 1000) + i;
}

/*
 * Checks every page of the area: the child's own bytes on the even pages
 * below `own_to` (in pairs), the parent's elsewhere; odd pages read-only
 * (sampled: each probe costs a signal).
 */
static void
check(const char *what, unsigned char *area, size_t own_to)
{
	size_t pg = sem_page(), i;

	for (i = 0; i < 2 * PAIRS; i++)
		sem_verify(what, area + i * pg, pg,
		    seed(i, i % 2 == 0 && i / 2 < own_to));
	for (i = 1; i < 2 * PAIRS; i += 2 * 50)
		sem_expect_access(what, area + i * pg, true, false);
}

/* The child's writes: even pages of pairs [from, to). */
static void
write_own(unsigned char *area, size_t from, size_t to)
{
	size_t pg = sem_page(), i;

	for (i = from; i < to; i++)
		sem_fill(area + 2 * i * pg, pg, seed(2 * i, true));
}

int
main(int argc, char **argv)
{
	size_t pg = sem_page(), i, k;
	void *stub_pages[] = { (void *)sem_stack_end(), (void *)0x70000000UL };
	unsigned char *area;
	pid_t pid;

	sem_watchdog(60);
	for (k = 0; argc > 1 && strcmp(argv[1], "nostub") == 0 && k < 2; k++)
		if (stub_pages[k] == NULL || mmap(stub_pages[k], pg,
		    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS |
		    MAP_FIXED_NOREPLACE, -1, 0) != stub_pages[k])
			sem_skip("the page at %p is not free: %s",
			    stub_pages[k], strerror(errno));
	area = sem_map(2 * PAIRS * pg, PROT_READ | PROT_WRITE);
	for (i = 0; i < 2 * PAIRS; i++)
		sem_fill(area + i * pg, pg, seed(i, false));
	for (i = 1; i < 2 * PAIRS; i += 2)
		if (mprotect(area + i * pg, pg, PROT_READ) != 0)
			sem_fail("mprotect", "%s", strerror(errno));
	pid = sem_fork();
	if (pid == 0) {
		check("child-sees-parent", area, 0);
		write_own(area, 0, PAIRS / 2);
		/* Ends a borrow: the child's memory becomes its own. */
		sem_map(pg, PROT_READ | PROT_WRITE);
		check("child-keeps-own", area, PAIRS / 2);
		write_own(area, PAIRS / 2, PAIRS);
		check("child-writes-more", area, PAIRS);
		_exit(0);
	}
	sem_wait_status(pid, 0, "child");
	check("parent-keeps-own", area, 0);
	return 0;
}
