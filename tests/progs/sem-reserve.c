/*
 * sem-reserve: huge PROT_NONE|MAP_NORESERVE reservations (V8, the JVM and
 * Go reserve tens of GiB up front): 64 GiB with a few pages committed by
 * mprotect and by MAP_FIXED at its start, middle and end, then uncommitted
 * and committed again (zeros). Untouched pages stay PROT_NONE, and the
 * process's resident memory stays small. Then a 1 TiB reservation, used
 * the same way at a few places.
 */
#include "sem.h"

#define GIB ((size_t)1 << 30)

static void use_reservation(size_t len, uint64_t seed);

int main(void)
{
	long before = sem_rss_kb();

	use_reservation(64 * GIB, 1);
	use_reservation(1024 * GIB, 2);
	sem_check(sem_rss_kb() - before < 64 * 1024, "resident memory stays "
		  "small", "grew from %ld kB to %ld kB", before, sem_rss_kb());
	return 0;
}

static void use_reservation(size_t len, uint64_t seed)
{
	size_t pg = sem_page();
	size_t at[] = { 0, 16 * pg, len / 2, len / 2 + GIB, len - 4 * pg };
	size_t nat = sizeof(at) / sizeof(at[0]);
	unsigned char *r = mmap(NULL, len, PROT_NONE, MAP_PRIVATE |
				MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (r == MAP_FAILED && len > 64 * GIB)
		sem_skip("cannot reserve %zu GiB here: %s", len / GIB,
			 strerror(errno));
	sem_check(r != MAP_FAILED, "mmap a PROT_NONE|MAP_NORESERVE "
		  "reservation", "%zu GiB: %s", len / GIB, strerror(errno));
	/* Commit: mprotect for odd places, MAP_FIXED for even ones. */
	for (size_t i = 0; i < nat; i++) {
		unsigned char *p = r + at[i];

		if (i % 2) {
			sem_syscall_ok(mprotect(p, 4 * pg, PROT_READ |
						PROT_WRITE),
				       "mprotect commits pages", "mprotect");
		} else {
			void *q = mmap(p, 4 * pg, PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
				       -1, 0);
			sem_check(q == p, "MAP_FIXED commits pages", "%s",
				  strerror(errno));
		}
		sem_expect_zero("committed pages read zeros", p, 4 * pg);
		sem_fill(p, 4 * pg, seed * 100 + i);
	}
	for (size_t i = 0; i < nat; i++)
		sem_verify("committed pages keep their bytes", r + at[i], 4 * pg,
			   seed * 100 + i);
	sem_expect_access("uncommitted page faults", r + 8 * pg, false, false);
	sem_expect_access("uncommitted page faults", r + len / 4, false,
			  false);
	sem_expect_access("uncommitted page right after committed ones "
			  "faults", r + at[2] + 4 * pg, false, false);
	/* Uncommit everything, the JVM way, and commit again: zeros. */
	void *q = mmap(r, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS |
		       MAP_NORESERVE | MAP_FIXED, -1, 0);
	sem_check(q == r, "MAP_FIXED uncommits the reservation", "%s",
		  strerror(errno));
	for (size_t i = 0; i < nat; i++) {
		sem_syscall_ok(mprotect(r + at[i], 4 * pg, PROT_READ |
					PROT_WRITE), "mprotect recommits",
			       "mprotect");
		sem_expect_zero("recommitted pages read zeros", r + at[i],
				4 * pg);
	}
	/* Commit 32 MiB in the middle and use it all. */
	sem_syscall_ok(mprotect(r + len / 2, 32u << 20, PROT_READ |
				PROT_WRITE), "mprotect commits", "mprotect");
	sem_fill(r + len / 2, 32u << 20, seed + 7);
	sem_verify("32 MiB committed in a reservation", r + len / 2, 32u << 20,
		   seed + 7);
	sem_syscall_ok(madvise(r + len / 2, 32u << 20, MADV_DONTNEED),
		       "madvise DONTNEED in a reservation", "madvise");
	sem_expect_zero("DONTNEED in a reservation zeroes", r + len / 2,
			32u << 20);
	sem_unmap(r, len);
}
