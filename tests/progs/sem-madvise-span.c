/*
 * sem-madvise-span: zeroing advice must zero every page it covers, not
 * only those of the mapping where the range starts.
 *  - MADV_DONTNEED over a mapping ptinspect leaves private (executable)
 *    followed by one it redirects: both read zeros;
 *  - the same starting in an unmapped page: ENOMEM, and the mapped part
 *    still reads zeros (the kernel advises what is mapped);
 *  - MADV_FREE over that span succeeds;
 *  - MADV_DONTNEED_LOCKED zeros (Linux 5.18+; EINVAL natively: left out);
 *  - MADV_GUARD_INSTALL then MADV_GUARD_REMOVE leaves zeros (Linux 6.13+;
 *    EINVAL natively: left out).
 */
#include "sem.h"

#ifndef MADV_DONTNEED_LOCKED
#define MADV_DONTNEED_LOCKED 24
#endif
#ifndef MADV_GUARD_INSTALL
#define MADV_GUARD_INSTALL 102
#define MADV_GUARD_REMOVE 103
#endif

#define NPAGES 8

/* Two adjacent mappings, executable (private) then read-write. */
static unsigned char *map_pair(size_t len)
{
	unsigned char *p = sem_free_range(2 * len, 0);
	void *a, *b;

	a = mmap(p, len, PROT_READ | PROT_WRITE | PROT_EXEC,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (a == MAP_FAILED && (errno == EACCES || errno == EPERM))
		sem_skip("executable memory refused by policy");
	sem_check(a == p, "mmap the executable half", "%s",
		  a == MAP_FAILED ? strerror(errno) : "placed elsewhere");
	b = mmap(p + len, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	sem_check(b == p + len, "mmap the read-write half", "%s",
		  b == MAP_FAILED ? strerror(errno) : "placed elsewhere");
	return p;
}

static void dontneed_span(void)
{
	size_t len = NPAGES * sem_page();
	unsigned char *p = map_pair(len);

	sem_fill(p, 2 * len, 31);
	sem_syscall_ok(madvise(p, 2 * len, MADV_DONTNEED),
		       "madvise DONTNEED over two mappings", "madvise");
	sem_expect_zero("DONTNEED zeroes the first mapping", p, len);
	sem_expect_zero("DONTNEED zeroes the second mapping", p + len, len);

	sem_fill(p, 2 * len, 32);
	sem_syscall_ok(madvise(p + len / 2, len, MADV_DONTNEED),
		       "madvise DONTNEED across the boundary", "madvise");
	sem_verify("DONTNEED keeps the pages before", p, len / 2, 32);
	sem_expect_zero("DONTNEED across the boundary zeroes", p + len / 2,
			len);
	sem_verify_at("DONTNEED keeps the pages after", p + len + len / 2,
		      len / 2, 32, len + len / 2);

	sem_fill(p, 2 * len, 33);
	sem_syscall_ok(madvise(p, 2 * len, MADV_FREE),
		       "madvise FREE over two mappings", "madvise");
	sem_fill(p, 2 * len, 34);
	sem_verify("writes after FREE stick", p, 2 * len, 34);
	sem_unmap(p, 2 * len);
}

static void dontneed_from_hole(void)
{
	size_t pg = sem_page(), len = NPAGES * pg;
	unsigned char *p = sem_free_range(len + pg, 0);
	void *b;
	int r;

	b = mmap(p + pg, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	sem_check(b == p + pg, "mmap after a hole", "%s",
		  b == MAP_FAILED ? strerror(errno) : "placed elsewhere");
	sem_fill(b, len, 41);
	r = madvise(p, len + pg, MADV_DONTNEED);
	sem_check(r == -1 && errno == ENOMEM,
		  "DONTNEED starting in a hole says ENOMEM",
		  "returned %d (%s)", r, r ? strerror(errno) : "success");
	sem_expect_zero("DONTNEED starting in a hole zeroes what is mapped",
			b, len);
	sem_unmap(b, len);
}

static void dontneed_locked(void)
{
	size_t len = NPAGES * sem_page();
	unsigned char *p = sem_map(len, PROT_READ | PROT_WRITE);

	sem_fill(p, len, 51);
	if (madvise(p, len, MADV_DONTNEED_LOCKED) != 0) {
		sem_check(errno == EINVAL, "madvise DONTNEED_LOCKED", "%s",
			  strerror(errno));
		fprintf(stderr, "note: no MADV_DONTNEED_LOCKED here\n");
	} else {
		sem_expect_zero("DONTNEED_LOCKED zeroes", p, len);
	}
	sem_unmap(p, len);
}

static void guard_regions(void)
{
	size_t pg = sem_page(), len = NPAGES * pg;
	unsigned char *p = sem_map(len, PROT_READ | PROT_WRITE);

	sem_fill(p, len, 61);
	if (madvise(p + 2 * pg, 4 * pg, MADV_GUARD_INSTALL) != 0) {
		sem_check(errno == EINVAL, "madvise GUARD_INSTALL", "%s",
			  strerror(errno));
		fprintf(stderr, "note: no MADV_GUARD_INSTALL here\n");
		sem_unmap(p, len);
		return;
	}
	sem_expect_access("guard pages fault", p + 2 * pg, false, false);
	sem_syscall_ok(madvise(p + 2 * pg, 4 * pg, MADV_GUARD_REMOVE),
		       "madvise GUARD_REMOVE", "madvise");
	sem_verify("guards keep the pages before", p, 2 * pg, 61);
	sem_expect_zero("removed guard pages read zeros", p + 2 * pg, 4 * pg);
	sem_verify_at("guards keep the pages after", p + 6 * pg, 2 * pg, 61,
		      6 * pg);
	sem_unmap(p, len);
}

int main(void)
{
	sem_watchdog(60);
	dontneed_span();
	dontneed_from_hole();
	dontneed_locked();
	guard_regions();
	return 0;
}
