/*
 * sem-stub-above: a static program that maps the page just above its
 * stack, where ptinspect's mmap stub is (src/stub.h: put there at the
 * start-up's first brk), with MAP_FIXED_NOREPLACE, which fails if
 * anything is there. It must land, be the program's and keep what it
 * writes (ptinspect gives the stub up), and the mmaps after it must work
 * (ptinspect runs them without a stub). Built -static, as sem-stub-taken.
 * Skips (77) where that page is not free natively. tests/progs/stub-want
 * asks for the page before any stub exists.
 */
#include "sem.h"

int main(void)
{
	size_t pg = sem_page();
	unsigned char *want = (unsigned char *)sem_stack_end(), *p;

	sem_watchdog(60);
	if (want == NULL)
		sem_skip("no [stack] in /proc/self/maps");
	p = mmap(want, pg, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	/* The top of the address space, or an older kernel's vdso there. */
	if (p == MAP_FAILED && (errno == ENOMEM || errno == EEXIST))
		sem_skip("no room above the stack at %p: %s", (void *)want,
			 strerror(errno));
	sem_check(p == want, "MAP_FIXED_NOREPLACE above the stack lands",
		  "got %p, wanted %p: %s", (void *)p, (void *)want,
		  p == MAP_FAILED ? strerror(errno) : "");
	sem_expect_zero("the page above the stack reads zeros", p, pg);
	sem_fill(p, pg, 5);
	sem_map_rounds(200, 64 * 1024);
	sem_verify("the page above the stack stays the program's", p, pg, 5);
	return 0;
}
