/*
 * sem-manymaps: many mappings. 70,000 one-page mappings placed one after
 * the other (the kernel merges them into one region, so a program stays
 * far below vm.max_map_count, 65,530 by default; a redirection must not
 * leave them 70,000 separate regions), each with its own bytes, checked,
 * then unmapped with one munmap; the same inside a PROT_NONE reservation
 * committed page by page with MAP_FIXED (the way runtimes commit their
 * heaps); and 10,000 scattered mappings of 1-4 pages, every one filled and
 * checked, then unmapped one by one.
 */
#include "sem.h"

#define ADJ 70000
#define SCATTERED 10000

static void adjacent(unsigned char *base, int extra, const char *check);

int main(void)
{
	size_t pg = sem_page();
	unsigned char *base = sem_free_range(ADJ * pg, 0);
	unsigned char **maps;
	size_t *lens;

	adjacent(base, MAP_FIXED_NOREPLACE, "adjacent one-page mappings");
	base = sem_map(ADJ * pg, PROT_NONE);
	adjacent(base, MAP_FIXED, "a reservation committed page by page");

	maps = calloc(SCATTERED, sizeof(*maps));
	lens = calloc(SCATTERED, sizeof(*lens));
	sem_check(maps && lens, "calloc", "failed");
	for (size_t i = 0; i < SCATTERED; i++) {
		lens[i] = (1 + i % 4) * pg;
		/* Alternate rights so neighbours never merge. */
		maps[i] = sem_map(lens[i], i % 2 ? PROT_READ | PROT_WRITE |
				  PROT_EXEC : PROT_READ | PROT_WRITE);
		sem_fill(maps[i], lens[i], 100 + i);
	}
	for (size_t i = 0; i < SCATTERED; i++)
		sem_verify("scattered mappings keep their bytes", maps[i],
			   lens[i], 100 + i);
	for (size_t i = 0; i < SCATTERED; i++)
		sem_unmap(maps[i], lens[i]);
	free(maps);
	free(lens);
	return 0;
}

/* ADJ one-page mappings from base on, filled, checked, unmapped at once. */
static void adjacent(unsigned char *base, int extra, const char *check)
{
	size_t pg = sem_page();

	for (size_t i = 0; i < ADJ; i++) {
		void *p = mmap(base + i * pg, pg, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | extra, -1, 0);

		if (p != base + i * pg)
			sem_fail(check, "mapping %zu of %d at %p: %s", i, ADJ,
				 (void *)(base + i * pg), p == MAP_FAILED ?
				 strerror(errno) : "placed elsewhere");
		sem_fill_at(p, 64, 1, i * pg);
	}
	for (size_t i = 0; i < ADJ; i++)
		sem_verify_at(check, base + i * pg, 64, 1, i * pg);
	sem_unmap(base, ADJ * pg);
	sem_check(sem_is_unmapped(base, ADJ * pg), check, "one munmap left "
		  "something mapped in %p+%zu", (void *)base, ADJ * pg);
}
