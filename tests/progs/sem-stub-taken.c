/*
 * sem-stub-taken: a static program whose first mmap takes 0x70000000, the
 * address ptinspect's mmap stub takes where there is no room above the
 * stack (src/stub.h), before any stub exists. The page must be the
 * program's, keep what it writes, and the mmaps after it must work (the
 * stub goes above the stack then, or with randomization off, where the
 * stack ends at the top, nowhere: ptinspect runs them without a stub).
 * Built -static: glibc's static start-up allocates with brk, so nothing
 * maps before main.
 */
#include "sem.h"

#define STUB_ADDR ((void *)0x70000000)

int main(void)
{
	size_t pg = sem_page();
	unsigned char *p;

	sem_watchdog(60);
	p = mmap(STUB_ADDR, pg, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	sem_check(p == STUB_ADDR, "MAP_FIXED at 0x70000000 lands", "got %p",
		  (void *)p);
	sem_fill(p, pg, 3);
	sem_map_rounds(200, 64 * 1024);
	sem_verify("the page at 0x70000000 stays the program's", p, pg, 3);
	return 0;
}
