/*
 * sem-brk-far: a statically linked, non-PIE program's heap starts just
 * above its data, low in the address space, and grows by brk as far as
 * the next mapping: 2.25 GiB of (untouched) heap must be there, through
 * 0x70000000, where nothing of the program's lies (ptinspect's mmap stub
 * sat there, so the heap stopped short). Skips where the
 * machine's memory (RAM + swap, the overcommit heuristic's bound) or
 * RLIMIT_DATA would refuse it natively.
 */
#include "sem.h"

#include <sys/resource.h>

#define STEP ((intptr_t)256 << 20)
#define WANT ((uint64_t)9 * STEP)

static uint64_t meminfo_kb(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[256];
	uint64_t kb = 0, v;
	size_t n = strlen(key);

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, n) == 0 &&
		    sscanf(line + n, " %llu", (unsigned long long *)&v) == 1)
			kb = v;
	fclose(f);
	return kb;
}

int main(void)
{
	unsigned char *start = sbrk(0), *p;
	uint64_t grown = 0;
	struct rlimit rl;

	sem_watchdog(60);
	/* Memory mapped first, as a program's allocator does. */
	memset(sem_map(65536, PROT_READ | PROT_WRITE), 1, 65536);
	if ((meminfo_kb("MemTotal:") + meminfo_kb("SwapTotal:")) * 1024 <
	    2 * WANT)
		sem_skip("less than 4.5 GiB of RAM and swap");
	if (getrlimit(RLIMIT_DATA, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    rl.rlim_cur < 2 * WANT)
		sem_skip("RLIMIT_DATA below 4.5 GiB");
	sem_check((uintptr_t)start < 0x70000000,
		  "the heap starts low (static, non-PIE)", "at %p",
		  (void *)start);
	while (grown < WANT) {
		p = sbrk(STEP);
		sem_check(p != (void *)-1, "the heap grows by brk",
			  "sbrk(256 MiB) failed at %p, %llu MiB grown: %s",
			  (void *)(start + grown),
			  (unsigned long long)(grown >> 20), strerror(errno));
		p[0] = 1;
		p[STEP - 1] = 2;
		grown += STEP;
	}
	sem_check(start[grown - 1] == 2 && start[grown - STEP] == 1,
		  "the heap keeps its bytes", "lost");
	sem_check(sbrk(-(intptr_t)grown) != (void *)-1, "the heap shrinks",
		  "%s", strerror(errno));
	return 0;
}
