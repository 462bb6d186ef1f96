/*
 * sem-mremap-span: mremap of a range made by two adjacent anonymous mmaps
 * (or by one whose middle was mprotected away and back). Natively the
 * kernel merges such mappings into one, so growing, moving or shrinking
 * the whole range works and keeps every byte; with different protections
 * they stay two and mremap fails with EFAULT.
 */
#include "sem.h"

#define NPAGES 16

/* Two adjacent read-write mappings of len bytes each, room after them. */
static unsigned char *map_two(size_t len, int prot2)
{
	unsigned char *p = sem_free_range(2 * len, 8 * len);
	void *a, *b;

	a = mmap(p, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	b = mmap(p + len, len, prot2,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	sem_check(a == p && b == p + len, "mmap two adjacent mappings",
		  "%p %p: %s", a, b, strerror(errno));
	return p;
}

static void grow_span(void)
{
	size_t len = NPAGES * sem_page();
	unsigned char *p = map_two(len, PROT_READ | PROT_WRITE), *q;

	sem_fill(p, 2 * len, 71);
	q = mremap(p, 2 * len, 4 * len, MREMAP_MAYMOVE);
	sem_check(q != MAP_FAILED, "mremap grows two merged mappings",
		  "%s", strerror(errno));
	sem_verify("growth keeps both mappings' bytes", q, 2 * len, 71);
	sem_expect_zero("the grown part reads zeros", q + 2 * len, 2 * len);
	sem_fill(q, 4 * len, 72);
	sem_verify("the grown mapping keeps writes", q, 4 * len, 72);
	sem_unmap(q, 4 * len);
}

static void move_span(void)
{
	size_t len = NPAGES * sem_page();
	unsigned char *p = map_two(len, PROT_READ | PROT_WRITE), *q;
	unsigned char *to = sem_free_range(2 * len, 0);

	sem_fill(p, 2 * len, 73);
	q = mremap(p, 2 * len, 2 * len, MREMAP_MAYMOVE | MREMAP_FIXED, to);
	sem_check(q == to, "mremap moves two merged mappings", "%s",
		  q == MAP_FAILED ? strerror(errno) : "placed elsewhere");
	sem_verify("the move keeps the bytes", q, 2 * len, 73);
	sem_check(sem_is_unmapped(p, 2 * len), "the old range is gone",
		  "still mapped");
	sem_unmap(q, 2 * len);
}

static void grow_after_mprotect(void)
{
	size_t pg = sem_page(), len = NPAGES * pg;
	unsigned char *p = sem_map(len, PROT_READ | PROT_WRITE), *q;

	sem_fill(p, len, 74);
	sem_syscall_ok(mprotect(p + 4 * pg, 4 * pg, PROT_READ), "mprotect",
		       "read-only");
	sem_syscall_ok(mprotect(p + 4 * pg, 4 * pg, PROT_READ | PROT_WRITE),
		       "mprotect", "read-write again");
	q = mremap(p, len, 3 * len, MREMAP_MAYMOVE);
	sem_check(q != MAP_FAILED,
		  "mremap grows a mapping split and joined by mprotect", "%s",
		  strerror(errno));
	sem_verify("growth keeps the bytes", q, len, 74);
	sem_expect_zero("the grown part reads zeros", q + len, 2 * len);
	sem_unmap(q, 3 * len);
}

static void different_prot_refused(void)
{
	size_t len = NPAGES * sem_page();
	unsigned char *p = map_two(len, PROT_READ);
	void *q;

	q = mremap(p, 2 * len, 4 * len, MREMAP_MAYMOVE);
	sem_check(q == MAP_FAILED && errno == EFAULT,
		  "mremap over two mappings of different protections fails",
		  "%s", q == MAP_FAILED ? strerror(errno) : "it succeeded");
	sem_unmap(p, 2 * len);
}

int main(void)
{
	sem_watchdog(60);
	grow_span();
	move_span();
	grow_after_mprotect();
	different_prot_refused();
	return 0;
}
