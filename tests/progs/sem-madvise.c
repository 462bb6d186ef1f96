/*
 * sem-madvise: MADV_DONTNEED and MADV_FREE on private anonymous memory.
 * DONTNEED must leave zeros in exactly the advised pages, also when the
 * pages were made PROT_NONE first and writable again afterwards (the JIT
 * runtimes' uncommit pattern). MADV_FREE must succeed (it is refused on
 * shared mappings), and each freed page reads either its old bytes or all
 * zeros until it is written, after which the write sticks. Advice that
 * only private anonymous memory rejects (MADV_REMOVE) must still fail.
 * Genuine MAP_SHARED|MAP_ANONYMOUS memory keeps its bytes through
 * MADV_DONTNEED, refuses MADV_FREE and MADV_WIPEONFORK, and loses them to
 * MADV_REMOVE: a redirection must tell it from private memory.
 */
#include "sem.h"

#define NPAGES 64

static void dontneed_middle(void);
static void dontneed_after_prot_none(void);
static void dontneed_big(void);
static void free_pages(void);
static void harmless_advice(void);
static void remove_rejected(void);
static void genuine_shared(void);

int main(void)
{
	dontneed_middle();
	dontneed_after_prot_none();
	dontneed_big();
	free_pages();
	harmless_advice();
	remove_rejected();
	genuine_shared();
	return 0;
}

/* Zeros in the advised pages, the others untouched. */
static void dontneed_middle(void)
{
	size_t pg = sem_page(), len = NPAGES * pg;
	unsigned char *p = sem_map(len, PROT_READ | PROT_WRITE);

	sem_fill(p, len, 11);
	sem_syscall_ok(madvise(p + 8 * pg, 16 * pg, MADV_DONTNEED),
		       "madvise DONTNEED", "madvise");
	sem_verify("DONTNEED keeps the pages before", p, 8 * pg, 11);
	sem_expect_zero("DONTNEED zeroes the advised pages", p + 8 * pg,
			16 * pg);
	sem_verify_at("DONTNEED keeps the pages after", p + 24 * pg,
		      len - 24 * pg, 11, 24 * pg);
	/* Written again, the pages hold the new data. */
	sem_fill(p + 8 * pg, 16 * pg, 12);
	sem_verify("pages written after DONTNEED keep data", p + 8 * pg,
		   16 * pg, 12);
	/* Twice in a row, and over the whole region. */
	sem_syscall_ok(madvise(p, len, MADV_DONTNEED), "madvise DONTNEED",
		       "madvise");
	sem_syscall_ok(madvise(p, len, MADV_DONTNEED), "madvise DONTNEED",
		       "madvise");
	sem_expect_zero("DONTNEED on the whole region zeroes it", p, len);
	sem_unmap(p, len);
}

/* mprotect(PROT_NONE), DONTNEED, mprotect(RW): zeros. */
static void dontneed_after_prot_none(void)
{
	size_t pg = sem_page(), len = NPAGES * pg;
	unsigned char *p = sem_map(len, PROT_READ | PROT_WRITE);

	sem_fill(p, len, 21);
	sem_syscall_ok(mprotect(p + 4 * pg, 32 * pg, PROT_NONE),
		       "mprotect PROT_NONE", "mprotect");
	sem_syscall_ok(madvise(p + 4 * pg, 32 * pg, MADV_DONTNEED),
		       "madvise DONTNEED on PROT_NONE", "madvise");
	sem_expect_access("PROT_NONE pages fault", p + 4 * pg, false, false);
	sem_syscall_ok(mprotect(p + 4 * pg, 32 * pg, PROT_READ | PROT_WRITE),
		       "mprotect back to RW", "mprotect");
	sem_expect_zero("uncommitted pages read zeros after recommit",
			p + 4 * pg, 32 * pg);
	sem_verify("uncommit keeps the pages before", p, 4 * pg, 21);
	sem_verify_at("uncommit keeps the pages after", p + 36 * pg,
		      len - 36 * pg, 21, 36 * pg);
	/* The same with read-only in between. */
	sem_fill(p, len, 22);
	sem_syscall_ok(mprotect(p, len, PROT_READ), "mprotect PROT_READ",
		       "mprotect");
	sem_syscall_ok(madvise(p, len / 2, MADV_DONTNEED),
		       "madvise DONTNEED on read-only", "madvise");
	sem_expect_zero("DONTNEED on read-only pages zeroes them", p,
			len / 2);
	sem_verify_at("DONTNEED on read-only keeps the rest", p + len / 2,
		      len / 2, 22, len / 2);
	sem_unmap(p, len);
}

/* 64 MiB fully written, dropped in 1 MiB steps with a stride. */
static void dontneed_big(void)
{
	size_t mib = 1u << 20, len = 64 * mib;
	unsigned char *p = sem_map(len, PROT_READ | PROT_WRITE);

	for (size_t off = 0; off < len; off += mib)
		sem_fill_at(p + off, mib, 31, off);
	for (size_t off = 0; off < len; off += 2 * mib)
		sem_syscall_ok(madvise(p + off, mib, MADV_DONTNEED),
			       "madvise DONTNEED", "madvise");
	for (size_t off = 0; off < len; off += 2 * mib) {
		sem_expect_zero("DONTNEED zeroes every other MiB", p + off,
				mib);
		sem_verify_at("DONTNEED keeps the MiB between", p + off + mib,
			      mib, 31, off + mib);
	}
	sem_unmap(p, len);
}

/*
 * MADV_FREE: the kernel may drop the pages at any time; until a page is
 * written it reads either its old contents or zeros, never anything else.
 */
static void free_pages(void)
{
	size_t pg = sem_page(), len = NPAGES * pg;
	unsigned char *p = sem_map(len, PROT_READ | PROT_WRITE);

	sem_fill(p, len, 41);
	if (madvise(p, len / 2, MADV_FREE) != 0)
		sem_fail("madvise MADV_FREE succeeds", "madvise(%p, %zu): %s",
			 p, len / 2, strerror(errno));
	for (size_t off = 0; off < len / 2; off += pg) {
		const unsigned char *c = p + off;
		bool zero = true;

		for (size_t i = 0; i < pg && zero; i++)
			zero = c[i] == 0;
		if (!zero)
			sem_verify_at("MADV_FREE page is old data or zeros",
				      c, pg, 41, off);
	}
	sem_verify_at("MADV_FREE keeps the pages not advised", p + len / 2,
		      len / 2, 41, len / 2);
	sem_fill(p, len / 2, 42);
	sem_verify("pages written after MADV_FREE keep data", p, len / 2, 42);
	/* Uncommit pattern with MADV_FREE. */
	sem_syscall_ok(mprotect(p, len, PROT_NONE), "mprotect PROT_NONE",
		       "mprotect");
	sem_syscall_ok(madvise(p, len, MADV_FREE), "madvise MADV_FREE on "
		       "PROT_NONE succeeds", "madvise");
	sem_syscall_ok(mprotect(p, len, PROT_READ | PROT_WRITE),
		       "mprotect back to RW", "mprotect");
	sem_fill(p, len, 43);
	sem_verify("pages written after MADV_FREE+PROT_NONE keep data", p,
		   len, 43);
	sem_unmap(p, len);
}

/* Advice that changes nothing visible must succeed and keep the data. */
static void harmless_advice(void)
{
	static const struct {
		int advice;
		const char *name;
	} adv[] = {
		{ MADV_NORMAL, "MADV_NORMAL" },
		{ MADV_RANDOM, "MADV_RANDOM" },
		{ MADV_SEQUENTIAL, "MADV_SEQUENTIAL" },
		{ MADV_WILLNEED, "MADV_WILLNEED" },
		{ MADV_DONTDUMP, "MADV_DONTDUMP" },
		{ MADV_DODUMP, "MADV_DODUMP" },
		{ MADV_HUGEPAGE, "MADV_HUGEPAGE" },
		{ MADV_NOHUGEPAGE, "MADV_NOHUGEPAGE" },
		{ MADV_COLD, "MADV_COLD" },
		{ MADV_PAGEOUT, "MADV_PAGEOUT" },
	};
	size_t len = 4u << 20;
	unsigned char *p = sem_map(len, PROT_READ | PROT_WRITE);
	char check[64];

	sem_fill(p, len, 51);
	for (size_t i = 0; i < sizeof(adv) / sizeof(adv[0]); i++) {
		snprintf(check, sizeof(check), "%s keeps the data",
			 adv[i].name);
		if (madvise(p, len, adv[i].advice) != 0)
			sem_fail(check, "madvise(%s): %s", adv[i].name,
				 strerror(errno));
		sem_verify(check, p, len, 51);
	}
	sem_unmap(p, len);
}

/*
 * MADV_REMOVE needs a shared file mapping: on private anonymous memory it
 * fails with EINVAL and frees nothing.
 */
static void remove_rejected(void)
{
	size_t pg = sem_page(), len = 16 * pg;
	unsigned char *p = sem_map(len, PROT_READ | PROT_WRITE);
	int r;

	sem_fill(p, len, 61);
	r = madvise(p, len, MADV_REMOVE);
	sem_check(r == -1 && errno == EINVAL,
		  "MADV_REMOVE on private anonymous memory fails with EINVAL",
		  "madvise returned %d (%s)", r, r == 0 ? "success" :
		  strerror(errno));
	sem_verify("MADV_REMOVE refused keeps the data", p, len, 61);
	sem_unmap(p, len);
}

/* Shared anonymous memory: the page cache holds the data, not the pages. */
static void genuine_shared(void)
{
	size_t pg = sem_page(), len = 16 * pg;
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int r;

	sem_check(p != MAP_FAILED, "mmap MAP_SHARED|MAP_ANONYMOUS", "%s",
		  strerror(errno));
	sem_fill(p, len, 71);
	sem_syscall_ok(madvise(p, len, MADV_DONTNEED), "madvise DONTNEED on "
		       "shared memory", "madvise");
	sem_verify("DONTNEED keeps the bytes of MAP_SHARED memory", p, len, 71);
	r = madvise(p, len, MADV_FREE);
	sem_check(r == -1 && errno == EINVAL, "MADV_FREE on MAP_SHARED memory "
		  "fails with EINVAL", "madvise returned %d", r);
	r = madvise(p, len, MADV_WIPEONFORK);
	sem_check(r == -1 && errno == EINVAL, "MADV_WIPEONFORK on MAP_SHARED "
		  "memory fails with EINVAL", "madvise returned %d", r);
	sem_verify("refused advice keeps MAP_SHARED bytes", p, len, 71);
	sem_syscall_ok(madvise(p + 4 * pg, 4 * pg, MADV_REMOVE),
		       "madvise MADV_REMOVE on shared memory", "madvise");
	sem_expect_zero("MADV_REMOVE frees MAP_SHARED memory", p + 4 * pg,
			4 * pg);
	sem_verify("MADV_REMOVE keeps the rest", p, 4 * pg, 71);
	sem_verify_at("MADV_REMOVE keeps the rest", p + 8 * pg, 8 * pg, 71,
		      8 * pg);
	sem_unmap(p, len);
}
