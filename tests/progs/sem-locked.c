/*
 * sem-locked: locked memory refuses MADV_DONTNEED and MADV_FREE (EINVAL),
 * and keeps its bytes. The kernel goes mapping by mapping: over an
 * unlocked half and then a locked half, the unlocked half is done and
 * the call fails at the locked one. MADV_DONTNEED_LOCKED zeros locked
 * memory. Memory locked by mlock, mlock2 and mmap(MAP_LOCKED). Under
 * ptinspect the zeroing advices free the memfd's pages behind redirected
 * memory at their stop; it must not free what the kernel then keeps.
 * Exits 77 where mlock is refused (RLIMIT_MEMLOCK).
 */
#include "sem.h"

#include <sys/syscall.h>

#define LEN ((size_t)256 << 10)

static void refused(int r, const char *check)
{
	sem_check(r == -1 && errno == EINVAL, check, "returned %d (%s)", r,
		  r == -1 ? strerror(errno) : "no error");
}

int main(void)
{
	unsigned char *a = sem_map(LEN, PROT_READ | PROT_WRITE), *b, *c;
	int r;

	sem_fill(a, LEN, 31);
	if (mlock(a, LEN) != 0)
		sem_skip("mlock of 256 KiB: %s", strerror(errno));
	refused(madvise(a, LEN, MADV_DONTNEED),
		"MADV_DONTNEED of locked memory fails with EINVAL");
	refused(madvise(a, LEN, MADV_FREE),
		"MADV_FREE of locked memory fails with EINVAL");
	sem_verify("locked memory keeps its bytes", a, LEN, 31);

	/* Half locked: the call goes as far as the locked half. */
	b = sem_map(LEN, PROT_READ | PROT_WRITE);
	sem_fill(b, LEN, 32);
	sem_check(syscall(SYS_mlock2, b + LEN / 2, LEN / 2, 0) == 0,
		  "mlock2 of a half", "%s", strerror(errno));
	refused(madvise(b, LEN, MADV_DONTNEED),
		"MADV_DONTNEED into a locked half fails with EINVAL");
	sem_expect_zero("the unlocked half before it is zeroed", b, LEN / 2);
	sem_verify_at("the locked half keeps its bytes", b + LEN / 2, LEN / 2,
		      32, LEN / 2);
	sem_fill(b, LEN / 2, 33);
	refused(madvise(b, LEN, MADV_FREE),
		"MADV_FREE into a locked half fails with EINVAL");
	sem_verify_at("the locked half keeps its bytes after MADV_FREE",
		      b + LEN / 2, LEN / 2, 32, LEN / 2);

	/* MAP_LOCKED, then the advice that takes locked memory. */
	c = mmap(NULL, LEN, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
	sem_check(c != MAP_FAILED, "mmap(MAP_LOCKED)", "%s", strerror(errno));
	sem_fill(c, LEN, 34);
	refused(madvise(c, LEN, MADV_DONTNEED),
		"MADV_DONTNEED of MAP_LOCKED memory fails with EINVAL");
	sem_verify("MAP_LOCKED memory keeps its bytes", c, LEN, 34);
	/* Linux 5.18; EINVAL before. */
	r = madvise(c, LEN, 24 /* MADV_DONTNEED_LOCKED */);
	sem_check(r == 0 || errno == EINVAL, "MADV_DONTNEED_LOCKED", "%s",
		  strerror(errno));
	if (r == 0)
		sem_expect_zero("MADV_DONTNEED_LOCKED zeros locked memory", c,
				LEN);

	sem_verify("locked memory keeps its bytes to the end", a, LEN, 31);
	sem_leave_marker();
	return 0;
}
