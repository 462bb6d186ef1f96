/*
 * sem-mremap: mremap keeps contents and never exposes or overwrites the
 * bytes of another mapping. Growth in place (the file range behind a
 * redirected mapping must not run into the next mapping's), growth with
 * MREMAP_MAYMOVE when a neighbour sits right after, shrink then regrow
 * (the regrown tail reads zeros), MREMAP_FIXED over an existing mapping,
 * MREMAP_DONTUNMAP (the old range reads zeros), moving a piece out of the
 * middle, and old_size 0 (refused for private memory).
 */
#include "sem.h"

#define MIB ((size_t)1 << 20)
#define NNEIGH 8

static unsigned char *neigh[NNEIGH];

static void map_neighbours(void);
static void check_neighbours(const char *check);
static unsigned char *place_with_room(size_t len, size_t room,
    uint64_t seed);
static void grow_in_place(void);
static void grow_page_by_page(void);
static void grow_moving(void);
static void shrink_regrow(void);
static void remap_fixed(void);
static void dont_unmap(void);
static void move_middle(void);
static void zero_old_size(void);
static unsigned char *xmremap(void *old, size_t olen, size_t nlen, int flags,
    void *at, const char *check);

int main(void)
{
	grow_in_place();
	grow_page_by_page();
	grow_moving();
	shrink_regrow();
	remap_fixed();
	dont_unmap();
	move_middle();
	zero_old_size();
	return 0;
}

/* Mappings made right after the one under test, each with its pattern. */
static void map_neighbours(void)
{
	for (int i = 0; i < NNEIGH; i++) {
		neigh[i] = sem_map(MIB, PROT_READ | PROT_WRITE);
		sem_fill(neigh[i], MIB, 1000 + i);
	}
}

static void check_neighbours(const char *check)
{
	for (int i = 0; i < NNEIGH; i++)
		sem_verify(check, neigh[i], MIB, 1000 + i);
}

static void unmap_neighbours(void)
{
	for (int i = 0; i < NNEIGH; i++)
		sem_unmap(neigh[i], MIB);
}

/*
 * A mapping of len bytes filled with seed, free address space of `room`
 * bytes after it, and the neighbours mapped after it (in time, elsewhere in
 * space: a reservation keeps them out of the room until they are mapped).
 */
static unsigned char *place_with_room(size_t len, size_t room, uint64_t seed)
{
	unsigned char *base = sem_map(len + room, PROT_NONE), *a;

	a = mmap(base, len, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		 MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	sem_check(a == base, "mmap MAP_FIXED", "got %p: %s", (void *)a,
		  strerror(errno));
	sem_fill(a, len, seed);
	map_neighbours();
	sem_unmap(base + len, room);
	return a;
}

static void grow_in_place(void)
{
	unsigned char *base = place_with_room(MIB, 256 * MIB, 1), *a = base;
	size_t sizes[] = { 2 * MIB, 16 * MIB, 17 * MIB, 64 * MIB, 256 * MIB };
	size_t old = MIB;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		a = xmremap(a, old, sizes[i], 0, NULL,
			    "mremap grows in place");
		sem_check(a == base, "mremap grows in place", "moved to %p",
			  (void *)a);
		sem_verify("growth in place keeps the contents", a, MIB, 1);
		sem_expect_zero("grown part reads zeros, not another "
				"mapping's bytes", a + old, sizes[i] - old);
		sem_fill_at(a + old, sizes[i] - old, 1, old);
		check_neighbours("growth in place leaves other mappings "
				 "alone");
		old = sizes[i];
	}
	sem_verify("grown region keeps all its data", a, old, 1);
	sem_unmap(a, old);
	unmap_neighbours();
}

/* Many small growths: each one past whatever headroom there is. */
static void grow_page_by_page(void)
{
	size_t pg = sem_page(), len = pg;
	unsigned char *a = place_with_room(pg, 512 * pg, 2);

	for (int i = 0; i < 500; i++) {
		a = xmremap(a, len, len + pg, 0, NULL,
			    "mremap grows by a page");
		sem_expect_zero("page added by mremap reads zeros", a + len,
				pg);
		sem_fill_at(a + len, pg, 2, len);
		len += pg;
	}
	sem_verify("page-by-page growth keeps every page", a, len, 2);
	check_neighbours("page-by-page growth leaves other mappings alone");
	sem_unmap(a, len);
	unmap_neighbours();
}

/* A neighbour right after: growth must move, keeping both intact. */
static void grow_moving(void)
{
	unsigned char *base = sem_free_range(2 * MIB, 0), *a, *b, *c;

	a = mmap(base, MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		 MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	b = mmap(base + MIB, MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		 MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	sem_check(a == base && b == base + MIB, "mmap at a free address",
		  "got %p and %p", (void *)a, (void *)b);
	sem_fill(a, MIB, 3);
	sem_fill(b, MIB, 4);
	map_neighbours();
	c = xmremap(a, MIB, 8 * MIB, MREMAP_MAYMOVE, NULL,
		    "mremap MREMAP_MAYMOVE");
	sem_check(c != a, "mremap moves when a neighbour blocks growth",
		  "stayed at %p with %p mapped after it", (void *)a, (void *)b);
	sem_verify("moved mapping keeps its contents", c, MIB, 3);
	sem_expect_zero("moved mapping's new part reads zeros", c + MIB,
			7 * MIB);
	sem_check(sem_is_unmapped(a, MIB), "old range unmapped after move",
		  "%p still mapped", (void *)a);
	sem_verify("the blocking neighbour keeps its bytes", b, MIB, 4);
	sem_fill(c, 8 * MIB, 5);
	sem_verify("writes to the moved mapping do not reach the neighbour",
		   b, MIB, 4);
	check_neighbours("move leaves other mappings alone");
	a = mmap(base, MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		 MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	sem_check(a == base, "mmap the vacated range", "got %p: %s",
		  (void *)a, strerror(errno));
	sem_expect_zero("new mapping on the vacated range reads zeros", a,
			MIB);
	/* Move again, back and forth, shrinking as well. */
	sem_unmap(a, MIB);
	c = xmremap(c, 8 * MIB, MIB, MREMAP_MAYMOVE | MREMAP_FIXED, base,
		    "mremap MREMAP_FIXED");
	sem_verify("moved and shrunk mapping keeps its contents", c, MIB, 5);
	sem_verify("second move leaves the neighbour alone", b, MIB, 4);
	sem_unmap(c, MIB);
	sem_unmap(b, MIB);
	unmap_neighbours();
}

/* Shrink, then grow back in place: the tail must read zeros. */
static void shrink_regrow(void)
{
	unsigned char *base = sem_free_range(4 * MIB, 0), *a;

	a = mmap(base, 4 * MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		 MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	sem_check(a == base, "mmap at a free address", "got %p: %s",
		  (void *)a, strerror(errno));
	sem_fill(a, 4 * MIB, 6);
	a = xmremap(a, 4 * MIB, MIB, 0, NULL, "mremap shrinks");
	sem_check(a == base, "mremap shrinks in place", "moved to %p",
		  (void *)a);
	sem_verify("shrink keeps the head", a, MIB, 6);
	sem_check(sem_is_unmapped(a + MIB, 3 * MIB), "shrink unmaps the tail",
		  "%p still mapped", (void *)(a + MIB));
	sem_expect_access("the cut-off tail faults", a + MIB, false, false);
	a = xmremap(a, MIB, 4 * MIB, 0, NULL, "mremap regrows in place");
	sem_verify("regrowth keeps the head", a, MIB, 6);
	sem_expect_zero("regrown tail reads zeros, not the old bytes",
			a + MIB, 3 * MIB);
	sem_unmap(a, 4 * MIB);
}

/* MREMAP_FIXED onto an existing mapping replaces it. */
static void remap_fixed(void)
{
	/* a's last 2 MiB stay mapped: room to move back into, grown. */
	unsigned char *a = sem_map(4 * MIB, PROT_READ | PROT_WRITE);
	unsigned char *t = sem_map(4 * MIB, PROT_READ | PROT_WRITE), *c;

	sem_fill(a, 4 * MIB, 7);
	sem_fill(t, 4 * MIB, 8);
	c = xmremap(a, 2 * MIB, 2 * MIB, MREMAP_MAYMOVE | MREMAP_FIXED, t,
		    "mremap MREMAP_FIXED");
	sem_check(c == t, "MREMAP_FIXED lands where asked", "got %p, asked %p",
		  (void *)c, (void *)t);
	sem_verify("MREMAP_FIXED moves the contents", t, 2 * MIB, 7);
	sem_verify_at("MREMAP_FIXED keeps the target's rest", t + 2 * MIB,
		      2 * MIB, 8, 2 * MIB);
	sem_check(sem_is_unmapped(a, 2 * MIB), "MREMAP_FIXED unmaps the "
		  "source", "%p still mapped", (void *)a);
	sem_verify_at("MREMAP_FIXED of a head keeps the source's tail",
		      a + 2 * MIB, 2 * MIB, 7, 2 * MIB);
	/* Growing into a fixed spot over the rest of the target. */
	c = xmremap(t, 2 * MIB, 4 * MIB, MREMAP_MAYMOVE | MREMAP_FIXED, a,
		    "mremap MREMAP_FIXED growing");
	sem_verify("MREMAP_FIXED growth keeps the contents", c, 2 * MIB, 7);
	sem_expect_zero("MREMAP_FIXED growth reads zeros", c + 2 * MIB,
			2 * MIB);
	sem_verify_at("the target's untouched part stays", t + 2 * MIB,
		      2 * MIB, 8, 2 * MIB);
	sem_unmap(c, 4 * MIB);
	sem_unmap(t + 2 * MIB, 2 * MIB);
}

/* MREMAP_DONTUNMAP: data moves, the old range stays mapped and empty. */
static void dont_unmap(void)
{
	unsigned char *a = sem_map(MIB, PROT_READ | PROT_WRITE), *c;

	sem_fill(a, MIB, 9);
	c = mremap(a, MIB, MIB, MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
	if (c == MAP_FAILED && errno == EINVAL) {
		sem_unmap(a, MIB);
		return;		/* before Linux 5.7: nothing to compare */
	}
	sem_check(c != MAP_FAILED, "mremap MREMAP_DONTUNMAP", "%s",
		  strerror(errno));
	sem_verify("MREMAP_DONTUNMAP moves the contents", c, MIB, 9);
	sem_check(sem_is_mapped(a, MIB), "MREMAP_DONTUNMAP keeps the old "
		  "range", "%p unmapped", (void *)a);
	sem_expect_zero("MREMAP_DONTUNMAP's old range reads zeros", a, MIB);
	sem_fill(a, MIB, 10);
	sem_verify("MREMAP_DONTUNMAP's new range is its own", c, MIB, 9);
	sem_verify("MREMAP_DONTUNMAP's old range is its own", a, MIB, 10);
	sem_unmap(a, MIB);
	sem_unmap(c, MIB);
}

/* Move a piece out of the middle of a region, then put a new one there. */
static void move_middle(void)
{
	size_t pg = sem_page();
	unsigned char *a = sem_map(64 * pg, PROT_READ | PROT_WRITE), *c, *h;

	sem_fill(a, 64 * pg, 11);
	c = xmremap(a + 16 * pg, 16 * pg, 32 * pg, MREMAP_MAYMOVE, NULL,
		    "mremap a piece of a region");
	sem_verify_at("the moved piece keeps its bytes", c, 16 * pg, 11,
		      16 * pg);
	sem_expect_zero("the moved piece's growth reads zeros", c + 16 * pg,
			16 * pg);
	sem_verify("the region's head stays", a, 16 * pg, 11);
	sem_verify_at("the region's tail stays", a + 32 * pg, 32 * pg, 11,
		      32 * pg);
	sem_check(sem_is_unmapped(a + 16 * pg, 16 * pg), "the hole is "
		  "unmapped", "%p still mapped", (void *)(a + 16 * pg));
	h = mmap(a + 16 * pg, 16 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		 MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	sem_check(h == a + 16 * pg, "mmap into the hole", "%s",
		  strerror(errno));
	sem_expect_zero("a mapping in the hole reads zeros", h, 16 * pg);
	sem_fill(h, 16 * pg, 12);
	sem_verify_at("filling the hole leaves the moved piece", c, 16 * pg,
		      11, 16 * pg);
	sem_unmap(a, 64 * pg);
	sem_unmap(c, 32 * pg);
}

/* old_size 0 duplicates shared mappings only; private ones get EINVAL. */
static void zero_old_size(void)
{
	unsigned char *a = sem_map(MIB, PROT_READ | PROT_WRITE), *c;

	sem_fill(a, MIB, 13);
	c = mremap(a, 0, MIB, MREMAP_MAYMOVE);
	sem_check(c == MAP_FAILED && errno == EINVAL,
		  "mremap old_size 0 of private memory fails with EINVAL",
		  "returned %p (%s)", (void *)c, c == MAP_FAILED ?
		  strerror(errno) : "a second view of private memory");
	sem_verify("refused duplication keeps the data", a, MIB, 13);
	sem_unmap(a, MIB);
}

static unsigned char *xmremap(void *old, size_t olen, size_t nlen, int flags,
    void *at, const char *check)
{
	void *c = mremap(old, olen, nlen, flags, at);

	if (c == MAP_FAILED)
		sem_fail(check, "mremap(%p, %zu, %zu, %#x, %p): %s", old,
			 olen, nlen, flags, at, strerror(errno));
	return c;
}
