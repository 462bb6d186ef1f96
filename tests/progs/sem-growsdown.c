/*
 * sem-growsdown: a MAP_GROWSDOWN mapping grows down when the page below it
 * is touched, keeps its bytes and brings zeros, as a stack does. Exits 77
 * when the kernel refuses MAP_GROWSDOWN or does not grow it.
 */
#include "sem.h"

#define NPAGES 16

int main(void)
{
	size_t pg = sem_page(), len = NPAGES * pg;
	/* Free room below: the stack guard gap (256 pages) must stay free. */
	unsigned char *want = sem_free_range(2048 * pg + len, 0) + 2048 * pg;
	unsigned char *p;

	p = mmap(want, len, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		 MAP_ANONYMOUS | MAP_GROWSDOWN | MAP_FIXED_NOREPLACE, -1, 0);
	if (p == MAP_FAILED && (errno == EINVAL || errno == ENOMEM))
		sem_skip("MAP_GROWSDOWN refused: %s", strerror(errno));
	sem_check(p == want, "mmap MAP_GROWSDOWN", "got %p: %s", (void *)p,
		  strerror(errno));
	sem_fill(p, len, 1);
	if (!sem_can_write(p - pg))
		sem_skip("MAP_GROWSDOWN mapping does not grow on this kernel");
	sem_check(sem_is_mapped(p - pg, pg), "MAP_GROWSDOWN grows down",
		  "%p not mapped after the write", (void *)(p - pg));
	sem_expect_zero("grown page reads zeros", p - pg, pg);
	sem_verify("growth keeps the bytes above", p, len, 1);
	for (int i = 2; i <= 8; i++)
		sem_check(sem_can_write(p - i * pg), "MAP_GROWSDOWN keeps "
			  "growing", "%p faults", (void *)(p - i * pg));
	sem_fill(p - 8 * pg, 8 * pg, 2);
	sem_verify("grown pages keep their bytes", p - 8 * pg, 8 * pg, 2);
	sem_verify("the original pages keep their bytes", p, len, 1);
	sem_unmap(p - 8 * pg, len + 8 * pg);
	return 0;
}
