/*
 * sem-stub-taken: a static program whose first mmap takes 0x70000000, the
 * address ptinspect's mmap stub would use (src/stub.h), before any stub
 * exists. The page must be the program's, keep what it writes, and the
 * mmaps after it must work (ptinspect then runs them without a stub).
 * Built -static: glibc's static start-up allocates with brk, so nothing
 * maps before main.
 */
#include "sem.h"

#define STUB_ADDR ((void *)0x70000000)

int main(void)
{
	size_t pg = sem_page();
	unsigned char *p, *q;

	sem_watchdog(60);
	p = mmap(STUB_ADDR, pg, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	sem_check(p == STUB_ADDR, "MAP_FIXED at 0x70000000 lands", "got %p",
		  (void *)p);
	sem_fill(p, pg, 3);
	for (int i = 0; i < 200; i++) {
		q = sem_map(64 * 1024, PROT_READ | PROT_WRITE);
		sem_expect_zero("later mappings read zeros", q, 64 * 1024);
		sem_fill(q, 64 * 1024, (uint64_t)i);
		sem_verify("later mappings keep data", q, 64 * 1024,
			   (uint64_t)i);
		sem_unmap(q, 64 * 1024);
	}
	sem_verify("the page at 0x70000000 stays the program's", p, pg, 3);
	return 0;
}
