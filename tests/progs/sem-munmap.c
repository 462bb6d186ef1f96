/*
 * sem-munmap: munmap, whole and partial, gives memory back. Maps 1 MiB,
 * checks it reads zeros (a file offset handed out again before it was
 * punched would show the previous round's bytes), touches every fourth
 * page, unmaps it whole or in pieces, 4,000 times: 1 GiB of touched pages
 * in all. Prints nothing: semantics.t watches the memfd's size, system
 * Shmem and ptinspect's resident size while it runs.
 */
#include "sem.h"

#define ROUNDS 4000
#define LEN (1u << 20)
#define TOUCH_STRIDE (4 * 4096u)

static void touch(unsigned char *p, size_t len, uint64_t seed);

int main(void)
{
	size_t pg = sem_page();

	for (unsigned i = 0; i < ROUNDS; i++) {
		unsigned char *p = sem_map(LEN, PROT_READ | PROT_WRITE);

		for (size_t off = 0; off < LEN; off += TOUCH_STRIDE)
			sem_expect_zero("fresh mapping reads zeros", p + off,
					64);
		sem_expect_zero("fresh mapping reads zeros", p, pg);
		touch(p, LEN, i + 1);
		switch (i % 4) {
		case 0:		/* whole */
			sem_unmap(p, LEN);
			break;
		case 1:		/* two halves, tail first */
			sem_unmap(p + LEN / 2, LEN / 2);
			sem_verify("head kept after unmapping the tail", p,
				   pg, i + 1);
			sem_unmap(p, LEN / 2);
			break;
		case 2:		/* a hole in the middle, then the rest */
			sem_unmap(p + pg * 16, LEN / 2);
			sem_verify_at("tail kept after a hole", p + pg * 16 +
				      LEN / 2, pg, i + 1, pg * 16 + LEN / 2);
			sem_unmap(p, LEN);
			break;
		default:	/* page by page from the front */
			for (size_t off = 0; off < LEN; off += 64 * pg)
				sem_unmap(p + off, 64 * pg);
			break;
		}
		if (!sem_is_unmapped(p, LEN))
			sem_fail("munmap unmaps", "%p: still mapped", p);
	}
	return 0;
}

/* Writes 64 pattern bytes every TOUCH_STRIDE, and the pages checked. */
static void touch(unsigned char *p, size_t len, uint64_t seed)
{
	size_t pg = sem_page();

	for (size_t off = 0; off < len; off += TOUCH_STRIDE)
		sem_fill_at(p + off, 64, seed, off);
	sem_fill_at(p, pg, seed, 0);
	sem_fill_at(p + pg * 16 + LEN / 2, pg, seed, pg * 16 + LEN / 2);
}
