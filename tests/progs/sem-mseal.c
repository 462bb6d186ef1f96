/*
 * sem-mseal: a munmap the kernel refuses leaves the memory as it was.
 * Maps 1 MiB and fills it, seals it (mseal(2), Linux 6.10), and unmaps
 * it: the munmap must fail with EPERM, and every byte must read back, the
 * same a second later (ptinspect frees a redirected mapping's pages after
 * the munmap: its stub's munmap lane must see the failure and keep them).
 * Then an unsealed 1 MiB mapping beside it unmaps as usual. Exits 77
 * where the kernel has no mseal. One thread only: the lane is the path of
 * single-threaded processes.
 */
#include "sem.h"

#include <sys/syscall.h>
#include <time.h>

#define LEN ((size_t)1 << 20)
#define NR_mseal 462

int main(void)
{
	struct timespec pause = { 0, 200 * 1000 * 1000 };
	unsigned char *sealed, *other;

	sem_watchdog(60);
	sealed = sem_map(LEN, PROT_READ | PROT_WRITE);
	other = sem_map(LEN, PROT_READ | PROT_WRITE);
	sem_fill(sealed, LEN, 11);
	sem_fill(other, LEN, 12);
	if (syscall(NR_mseal, sealed, LEN, 0) != 0) {
		if (errno == ENOSYS || errno == EINVAL)
			sem_skip("mseal: %s", strerror(errno));
		sem_fail("mseal seals", "%s", strerror(errno));
	}
	sem_check(munmap(sealed, LEN) == -1 && errno == EPERM,
		  "munmap of sealed memory fails with EPERM", "%s",
		  strerror(errno));
	sem_verify("refused munmap keeps the bytes", sealed, LEN, 11);
	nanosleep(&pause, NULL);
	sem_verify("refused munmap keeps the bytes later", sealed, LEN, 11);
	sem_verify("the neighbour keeps its bytes", other, LEN, 12);
	sem_unmap(other, LEN);
	sem_check(!sem_is_mapped(other, LEN), "munmap beside it unmaps",
		  "%p still mapped", (void *)other);
	sem_verify("sealed memory keeps its bytes at the end", sealed, LEN,
		   11);
	sem_leave_marker();
	return 0;
}
