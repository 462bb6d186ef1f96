/*
 * sem-hugetlb: MAP_HUGETLB private anonymous memory (left on the copy path
 * by ptinspect) works: zeros, data kept, fork copy-on-write, munmap. Exits
 * 77 when the machine has no huge pages to give (vm.nr_hugepages is 0).
 */
#include "sem.h"


#define HUGE_LEN ((size_t)2 << 20)

int main(void)
{
	size_t len = 2 * HUGE_LEN;
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB,
				-1, 0);
	pid_t pid;

	if (p == MAP_FAILED && (errno == EINVAL || errno == ENOMEM))
		sem_skip("MAP_HUGETLB refused (no huge pages reserved?): %s",
			 strerror(errno));
	sem_check(p != MAP_FAILED, "mmap MAP_HUGETLB", "%s", strerror(errno));
	sem_watchdog(120);
	sem_check(((uintptr_t)p & (HUGE_LEN - 1)) == 0, "MAP_HUGETLB is "
		  "aligned to the huge page size", "%p", (void *)p);
	sem_expect_zero("MAP_HUGETLB reads zeros", p, len);
	sem_fill(p, len, 1);
	pid = sem_fork();
	if (pid == 0) {
		sem_verify("child sees the huge pages", p, len, 1);
		sem_fill(p, len, 2);
		_exit(0);
	}
	sem_wait_status(pid, 0, "child passes");
	sem_verify("child's writes stay in the child", p, len, 1);
	sem_check(munmap(p, len / 2 + 4096) == -1 && errno == EINVAL,
		  "munmap of part of a huge page fails with EINVAL", "%s",
		  strerror(errno));
	sem_unmap(p, len);
	return 0;
}
