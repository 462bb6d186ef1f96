/*
 * sem-limits: the kernel's memory limits hold for redirected memory.
 *  - Heuristic overcommit (vm.overcommit_memory 0) refuses one private
 *    writable mapping larger than RAM and swap together (ENOMEM), and
 *    accepts it with MAP_NORESERVE or PROT_NONE; strict overcommit (2)
 *    refuses it too; always-overcommit (1): left out.
 *  - RLIMIT_DATA of 64 MiB: sbrk(100 MiB) fails, a 100 MiB private
 *    writable mmap fails with ENOMEM while a PROT_NONE one (not data)
 *    works, and malloc stops before 64 MiB.
 */
#include "sem.h"

#include <sys/resource.h>
#include <sys/sysinfo.h>

#define MIB ((size_t)1 << 20)
#define DATA_LIMIT (64 * MIB)

static void overcommit(void)
{
	struct sysinfo si;
	size_t len;
	int mode = -1;
	FILE *f = fopen("/proc/sys/vm/overcommit_memory", "r");
	void *p;

	if (f == NULL || fscanf(f, "%d", &mode) != 1)
		mode = -1;
	if (f != NULL)
		fclose(f);
	if (mode != 0 && mode != 2) {
		fprintf(stderr, "note: overcommit mode %d: left out\n", mode);
		return;
	}
	sem_syscall_ok(sysinfo(&si), "sysinfo", "sysinfo");
	len = ((size_t)si.totalram + si.totalswap) * si.mem_unit + 1024 * MIB;
	len &= ~(sem_page() - 1);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	sem_check(p == MAP_FAILED && errno == ENOMEM,
		  "a private mapping larger than RAM and swap is refused",
		  "%zu MiB: %s", len / MIB,
		  p == MAP_FAILED ? strerror(errno) : "it was mapped");
	if (mode == 2)
		return;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	sem_check(p != MAP_FAILED, "... but not with MAP_NORESERVE", "%s",
		  strerror(errno));
	sem_unmap(p, len);
	p = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	sem_check(p != MAP_FAILED, "... nor as PROT_NONE", "%s",
		  strerror(errno));
	sem_unmap(p, len);
}

static void data_limit(void)
{
	struct rlimit rl = { DATA_LIMIT, DATA_LIMIT };
	size_t total = 0;
	void *p;

	sem_syscall_ok(setrlimit(RLIMIT_DATA, &rl), "setrlimit", "DATA");
	p = sbrk(100 * MIB);
	sem_check(p == (void *)-1, "sbrk past RLIMIT_DATA fails",
		  "sbrk(100 MiB) under a 64 MiB limit worked");
	p = mmap(NULL, 100 * MIB, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	sem_check(p == MAP_FAILED && errno == ENOMEM,
		  "a writable mmap past RLIMIT_DATA fails",
		  "100 MiB under a 64 MiB limit: %s",
		  p == MAP_FAILED ? strerror(errno) : "it was mapped");
	p = mmap(NULL, 100 * MIB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	sem_check(p != MAP_FAILED, "a PROT_NONE mmap is not data",
		  "%s", strerror(errno));
	sem_unmap(p, 100 * MIB);
	while ((p = malloc(MIB)) != NULL && total < 2 * DATA_LIMIT) {
		memset(p, 1, MIB);
		total += MIB;
	}
	sem_check(total < DATA_LIMIT, "malloc stops at RLIMIT_DATA",
		  "%zu MiB allocated under a 64 MiB limit", total / MIB);
	sem_check(total >= DATA_LIMIT / 4, "malloc works under RLIMIT_DATA",
		  "only %zu MiB", total / MIB);
}

int main(void)
{
	sem_watchdog(60);
	memset(sem_map(65536, PROT_READ | PROT_WRITE), 1, 65536);
	overcommit();
	data_limit();
	return 0;
}
