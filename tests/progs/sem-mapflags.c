/*
 * sem-mapflags: mmap flags and arguments a redirection must keep or
 * refuse exactly as the kernel does for private anonymous memory:
 * MAP_FIXED_NOREPLACE (EEXIST over anything mapped, nothing changed),
 * MAP_STACK, MAP_POPULATE (resident at once), MAP_32BIT (below 2 GiB),
 * MAP_NORESERVE, MAP_LOCKED, an address hint, a length that is not a page
 * multiple, fd 0 and an offset (ignored for MAP_ANONYMOUS), and the
 * errors: length 0, an unaligned offset, a length no address space holds.
 */
#include "sem.h"

#define LEN ((size_t)1 << 20)

static unsigned char *xmmap(void *at, size_t len, int flags, const char *what);
static void expect_error(void *at, size_t len, int flags, int fd, off_t off,
    int err, const char *check);

int main(void)
{
	size_t pg = sem_page();
	unsigned char *p, *q, *base;
	unsigned char vec[LEN / 4096];

	/* MAP_FIXED_NOREPLACE: EEXIST over a mapping, full or partial. */
	p = xmmap(NULL, 4 * pg, 0, "plain");
	sem_fill(p, 4 * pg, 1);
	expect_error(p, 4 * pg, MAP_FIXED_NOREPLACE, -1, 0, EEXIST,
		     "MAP_FIXED_NOREPLACE over a mapping fails with EEXIST");
	expect_error(p + 2 * pg, 4 * pg, MAP_FIXED_NOREPLACE, -1, 0, EEXIST,
		     "MAP_FIXED_NOREPLACE overlapping a mapping's end fails "
		     "with EEXIST");
	sem_verify("refused MAP_FIXED_NOREPLACE changes nothing", p, 4 * pg, 1);
	sem_unmap(p, 4 * pg);
	q = xmmap(p, 4 * pg, MAP_FIXED_NOREPLACE, "MAP_FIXED_NOREPLACE");
	sem_check(q == p, "MAP_FIXED_NOREPLACE on a free range lands there",
		  "asked %p, got %p", (void *)p, (void *)q);
	sem_expect_zero("MAP_FIXED_NOREPLACE where data was reads zeros", q,
			4 * pg);
	sem_unmap(q, 4 * pg);

	/* MAP_STACK, MAP_NORESERVE. */
	p = xmmap(NULL, LEN, MAP_STACK, "MAP_STACK");
	sem_expect_zero("MAP_STACK reads zeros", p, LEN);
	sem_fill(p, LEN, 2);
	sem_verify("MAP_STACK keeps data", p, LEN, 2);
	sem_unmap(p, LEN);
	p = xmmap(NULL, LEN, MAP_NORESERVE, "MAP_NORESERVE");
	sem_fill(p, LEN, 3);
	sem_verify("MAP_NORESERVE keeps data", p, LEN, 3);
	sem_unmap(p, LEN);

	/* MAP_POPULATE: every page resident before it is touched. */
	p = xmmap(NULL, LEN, MAP_POPULATE, "MAP_POPULATE");
	sem_syscall_ok(mincore(p, LEN, vec), "mincore", "mincore");
	for (size_t i = 0; i < LEN / pg; i++)
		sem_check(vec[i] & 1, "MAP_POPULATE makes every page resident",
			  "page %zu of %zu is not", i, LEN / pg);
	sem_expect_zero("MAP_POPULATE reads zeros", p, LEN);
	sem_unmap(p, LEN);

	/* MAP_32BIT: below 2 GiB. */
	p = xmmap(NULL, LEN, MAP_32BIT, "MAP_32BIT");
	sem_check((uintptr_t)p + LEN <= ((uintptr_t)1 << 31), "MAP_32BIT "
		  "maps below 2 GiB", "got %p", (void *)p);
	sem_fill(p, LEN, 4);
	sem_verify("MAP_32BIT keeps data", p, LEN, 4);
	sem_unmap(p, LEN);

	/* MAP_LOCKED (may be refused by RLIMIT_MEMLOCK, as natively). */
	p = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		 MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
	if (p != MAP_FAILED) {
		sem_syscall_ok(mincore(p, LEN, vec), "mincore", "mincore");
		sem_check(vec[0] & 1, "MAP_LOCKED memory is resident",
			  "page 0 is not");
		sem_expect_zero("MAP_LOCKED reads zeros", p, LEN);
		sem_unmap(p, LEN);
	} else {
		sem_check(errno == EAGAIN || errno == EPERM, "MAP_LOCKED",
			  "%s", strerror(errno));
	}

	/* An address hint on a free range is honoured. */
	base = sem_free_range(LEN, 0);
	p = mmap(base, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		 MAP_ANONYMOUS, -1, 0);
	sem_check(p == base, "an address hint on a free range is honoured",
		  "asked %p, got %p", (void *)base, (void *)p);
	sem_unmap(p, LEN);

	/* A length that is not a page multiple: rounded up, no further. */
	base = sem_free_range(3 * pg, 0);
	p = xmmap(base, pg + 1000, MAP_FIXED_NOREPLACE, "odd length");
	sem_expect_zero("odd-length mapping reads zeros up to its last page",
			p, 2 * pg);
	sem_expect_access("odd-length mapping's last page is writable",
			  p + 2 * pg - 1, true, true);
	sem_check(sem_is_unmapped(p + 2 * pg, pg), "odd-length mapping ends "
		  "at its last page", "%p mapped", (void *)(p + 2 * pg));
	sem_unmap(p, pg + 1000);
	sem_check(sem_is_unmapped(p, 2 * pg), "munmap of an odd length unmaps "
		  "the whole last page", "%p mapped", (void *)(p + pg));

	/* fd and offset are ignored with MAP_ANONYMOUS. */
	p = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		 MAP_ANONYMOUS, 0, 16 * pg);
	sem_check(p != MAP_FAILED, "MAP_ANONYMOUS with fd 0 and an offset",
		  "%s", strerror(errno));
	sem_expect_zero("MAP_ANONYMOUS with fd 0 and an offset reads zeros",
			p, LEN);
	sem_fill(p, LEN, 5);
	sem_verify("MAP_ANONYMOUS with fd 0 keeps data", p, LEN, 5);
	sem_unmap(p, LEN);

	/* Errors. */
	expect_error(NULL, 0, 0, -1, 0, EINVAL, "mmap of length 0 fails with "
		     "EINVAL");
	expect_error(NULL, LEN, 0, -1, 100, EINVAL, "mmap with an unaligned "
		     "offset fails with EINVAL");
	expect_error(NULL, (size_t)1 << 62, 0, -1, 0, ENOMEM, "mmap larger "
		     "than the address space fails with ENOMEM");
	return 0;
}

static unsigned char *xmmap(void *at, size_t len, int flags, const char *what)
{
	void *p = mmap(at, len, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		       MAP_ANONYMOUS | flags, -1, 0);

	if (p == MAP_FAILED)
		sem_fail("mmap", "%s: %s", what, strerror(errno));
	return p;
}

static void expect_error(void *at, size_t len, int flags, int fd, off_t off,
    int err, const char *check)
{
	void *p = mmap(at, len, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		       MAP_ANONYMOUS | flags, fd, off);

	if (p != MAP_FAILED)
		sem_fail(check, "mmap succeeded at %p", p);
	if (errno != err)
		sem_fail(check, "failed with %s instead", strerror(errno));
}
