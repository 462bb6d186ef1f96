/*
 * sem-mseal: sealed memory (mseal(2), Linux 6.10) stays as it was. The
 * kernel refuses munmap, mremap, mprotect, MAP_FIXED over it and, for
 * read-only private memory, MADV_DONTNEED; every byte must still read
 * back after each refusal, and a second later. Under ptinspect the
 * program's memory is redirected, and ptinspect acts on those calls at
 * their entry (a munmap's pages freed, MAP_FIXED's old range dropped):
 * sealed memory must not be redirected, or the kernel keeps pages that
 * ptinspect freed (and MADV_DONTNEED of a shared mapping is not refused).
 * Three mappings: 1 MiB read-write (whose munmap would go through
 * ptinspect's stub), 16 KiB made read-only, and 64 KiB unmapped from a
 * second thread; then an unsealed neighbour unmaps as usual. Exits 77
 * where the kernel has no mseal.
 * `sem-mseal tight` seals its 1 MiB under an RLIMIT_AS that leaves no
 * room for another 1 MiB (so ptinspect cannot build the private copy
 * aside, and makes it in place: tests/seal.t), then checks the refusals
 * on it; `sem-mseal seal` only seals it so, checks the bytes and exits.
 * Both print "sealed ADDRESS" first.
 */
#include "sem.h"

#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>

#define BIG ((size_t)1 << 20)
#define SMALL ((size_t)16 << 10)
#define MID ((size_t)64 << 10)
#define NR_mseal 462

static unsigned char *mid;
static int thread_errno;

static void seal(void *p, size_t len)
{
	if (syscall(NR_mseal, p, len, 0) == 0)
		return;
	if (errno == ENOSYS || errno == EINVAL)
		sem_skip("mseal: %s", strerror(errno));
	sem_fail("mseal seals", "%s", strerror(errno));
}

static void refused(int r, const char *check)
{
	sem_check(r == -1 && errno == EPERM, check, "returned %d (%s)", r,
		  r == -1 ? strerror(errno) : "no error");
}

static void *unmap_mid(void *arg)
{
	(void)arg;
	thread_errno = munmap(mid, MID) == -1 ? errno : 0;
	return NULL;
}

/*
 * Seals big with only half its size of address space left to map; then,
 * if refusals, the refused calls on it.
 */
static int seal_tight(unsigned char *big, bool refusals)
{
	struct rlimit was, tight;
	long vm_kb = sem_status_kb("VmSize");

	sem_check(vm_kb > 0 && getrlimit(RLIMIT_AS, &was) == 0, "VmSize",
		  "%ld kB", vm_kb);
	printf("sealed %p\n", (void *)big);
	fflush(stdout);
	tight = was;
	tight.rlim_cur = (rlim_t)vm_kb * 1024 + BIG / 2;
	sem_check(setrlimit(RLIMIT_AS, &tight) == 0, "setrlimit(RLIMIT_AS)",
		  "%s", strerror(errno));
	seal(big, BIG);
	sem_check(setrlimit(RLIMIT_AS, &was) == 0, "setrlimit back", "%s",
		  strerror(errno));
	sem_verify("sealed under a tight RLIMIT_AS, the bytes kept", big, BIG,
		   11);
	if (!refusals)
		return 0;
	refused(munmap(big, BIG), "munmap of sealed memory fails with EPERM");
	refused(munmap(big + BIG / 2, SMALL),
		"munmap of a sealed mapping's part fails with EPERM");
	refused(mremap(big, BIG, 2 * BIG, MREMAP_MAYMOVE) == MAP_FAILED ?
		-1 : 0, "mremap of sealed memory fails with EPERM");
	refused(mmap(big, SMALL, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED ? -1 : 0,
		"MAP_FIXED over sealed memory fails with EPERM");
	refused(mprotect(big, BIG, PROT_READ),
		"mprotect of sealed memory fails with EPERM");
	sem_verify("refused calls keep the bytes", big, BIG, 11);
	nanosleep(&(struct timespec){ 0, 200 * 1000 * 1000 }, NULL);
	sem_verify("refused calls keep the bytes later", big, BIG, 11);
	return 0;
}

int main(int argc, char **argv)
{
	struct timespec pause = { 0, 200 * 1000 * 1000 };
	unsigned char *big, *small, *other;
	pthread_t th;
	void *r;

	sem_watchdog(60);
	big = sem_map(BIG, PROT_READ | PROT_WRITE);
	small = sem_map(SMALL, PROT_READ | PROT_WRITE);
	mid = sem_map(MID, PROT_READ | PROT_WRITE);
	other = sem_map(BIG, PROT_READ | PROT_WRITE);
	sem_fill(big, BIG, 11);
	sem_fill(small, SMALL, 12);
	sem_fill(mid, MID, 13);
	sem_fill(other, BIG, 14);
	if (argc > 1)
		return seal_tight(big, strcmp(argv[1], "tight") == 0);
	seal(big, BIG);
	sem_check(mprotect(small, SMALL, PROT_READ) == 0, "mprotect read-only",
		  "%s", strerror(errno));
	seal(small, SMALL);
	seal(mid, MID);

	refused(munmap(big, BIG), "munmap of sealed memory fails with EPERM");
	refused(munmap(small, SMALL),
		"munmap of a small sealed mapping fails with EPERM");
	r = mmap(small, SMALL, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	refused(r == MAP_FAILED ? -1 : 0,
		"MAP_FIXED over sealed memory fails with EPERM");
	refused(madvise(small, SMALL, MADV_DONTNEED),
		"MADV_DONTNEED of sealed read-only memory fails with EPERM");
	refused(mprotect(small, SMALL, PROT_READ | PROT_WRITE),
		"mprotect of sealed memory fails with EPERM");
	r = mremap(big, BIG, 2 * BIG, MREMAP_MAYMOVE);
	refused(r == MAP_FAILED ? -1 : 0,
		"mremap of sealed memory fails with EPERM");
	sem_check(pthread_create(&th, NULL, unmap_mid, NULL) == 0,
		  "pthread_create", "%s", strerror(errno));
	pthread_join(th, NULL);
	sem_check(thread_errno == EPERM,
		  "munmap of sealed memory from a thread fails with EPERM",
		  "errno %d", thread_errno);

	sem_verify("refused calls keep the bytes", big, BIG, 11);
	sem_verify("refused calls keep the small mapping's bytes", small,
		   SMALL, 12);
	sem_verify("a thread's refused munmap keeps the bytes", mid, MID, 13);
	sem_check(sem_can_read(small) && !sem_can_write(small),
		  "sealed read-only memory stays read-only", "%p",
		  (void *)small);
	nanosleep(&pause, NULL);
	sem_verify("refused calls keep the bytes later", big, BIG, 11);
	sem_verify("refused calls keep the small mapping's bytes later",
		   small, SMALL, 12);
	sem_verify("a thread's refused munmap keeps the bytes later", mid,
		   MID, 13);
	sem_verify("the neighbour keeps its bytes", other, BIG, 14);
	sem_unmap(other, BIG);
	sem_check(!sem_is_mapped(other, BIG), "munmap beside them unmaps",
		  "%p still mapped", (void *)other);
	sem_leave_marker();
	return 0;
}
