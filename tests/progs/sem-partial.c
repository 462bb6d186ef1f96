/*
 * sem-partial: munmap and mprotect of pages in the middle of a region.
 * The pieces left on either side keep their bytes and rights, the hole
 * faults, and a new mapping placed in the hole reads zeros (the hole's
 * backing must have been released, not handed back). One page in the
 * middle becomes executable code and back. Then the split pieces are used
 * on their own: protected, advised, grown and unmapped.
 */
#include "sem.h"

#define NPAGES 16

int main(void)
{
	size_t pg = sem_page(), len = NPAGES * pg;
	unsigned char *p = sem_map(len, PROT_READ | PROT_WRITE), *h;

	/* A hole of pages 5-7. */
	sem_fill(p, len, 1);
	sem_unmap(p + 5 * pg, 3 * pg);
	sem_verify("partial munmap keeps the pages before", p, 5 * pg, 1);
	sem_verify_at("partial munmap keeps the pages after", p + 8 * pg,
		      len - 8 * pg, 1, 8 * pg);
	for (int i = 5; i < 8; i++)
		sem_expect_access("unmapped page faults", p + i * pg, false,
				  false);
	sem_expect_access("page before the hole stays writable", p + 4 * pg,
			  true, true);
	sem_expect_access("page after the hole stays writable", p + 8 * pg,
			  true, true);
	h = mmap(p + 5 * pg, 3 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		 MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	sem_check(h == p + 5 * pg, "mmap into the hole", "got %p: %s",
		  (void *)h, strerror(errno));
	sem_expect_zero("mapping placed in the hole reads zeros", h, 3 * pg);
	sem_fill_at(h, 3 * pg, 2, 5 * pg);
	sem_verify("filling the hole leaves the head", p, 5 * pg, 1);
	sem_verify_at("filling the hole leaves the tail", p + 8 * pg,
		      len - 8 * pg, 1, 8 * pg);

	/* Read-only pages 2-3 and PROT_NONE page 10 in the middle. */
	sem_fill(p, len, 3);
	sem_syscall_ok(mprotect(p + 2 * pg, 2 * pg, PROT_READ),
		       "mprotect in the middle", "mprotect");
	sem_syscall_ok(mprotect(p + 10 * pg, pg, PROT_NONE),
		       "mprotect in the middle", "mprotect");
	for (int i = 0; i < NPAGES; i++) {
		bool ro = i == 2 || i == 3, none = i == 10;

		sem_expect_access("rights per page after a partial mprotect",
				  p + i * pg + pg / 2, !none, !ro && !none);
		sem_expect_access("rights at the page's last byte",
				  p + i * pg + pg - 1, !none, !ro && !none);
	}
	sem_syscall_ok(mprotect(p, len, PROT_READ | PROT_WRITE),
		       "mprotect back", "mprotect");
	sem_verify("partial mprotect keeps every byte", p, len, 3);

	/* Page 6 becomes code (mov eax, 42; ret), then data again. */
	static const unsigned char code[] = { 0xb8, 42, 0, 0, 0, 0xc3 };
	int (*fn)(void);
	unsigned char *cp = p + 6 * pg;
	memcpy(cp, code, sizeof(code));
	sem_syscall_ok(mprotect(cp, pg, PROT_READ | PROT_EXEC),
		       "mprotect PROT_EXEC in the middle", "mprotect");
	memcpy(&fn, &cp, sizeof(fn));
	sem_check(fn() == 42, "code in the middle of a region runs", "wrong "
		  "result");
	sem_expect_access("the code page is read-only", cp, true, false);
	sem_expect_access("its neighbour stays writable", cp - 1, true, true);
	sem_syscall_ok(mprotect(cp, pg, PROT_READ | PROT_WRITE),
		       "mprotect back from PROT_EXEC", "mprotect");
	sem_check(memcmp(cp, code, sizeof(code)) == 0, "the code page keeps "
		  "its bytes", "they changed");
	sem_verify_at("the code page keeps its bytes", cp + sizeof(code),
		      pg - sizeof(code), 3, 6 * pg + sizeof(code));
	sem_verify("making a page executable keeps the others", p, 6 * pg, 3);
	sem_verify_at("making a page executable keeps the others", p + 7 * pg,
		      len - 7 * pg, 3, 7 * pg);
	sem_fill(p, len, 3);

	/* Work on one piece of a split region. */
	sem_unmap(p + 12 * pg, pg);
	sem_syscall_ok(madvise(p + 13 * pg, 3 * pg, MADV_DONTNEED),
		       "madvise on a split piece", "madvise");
	sem_expect_zero("DONTNEED on a split piece zeroes it", p + 13 * pg,
			3 * pg);
	sem_verify("DONTNEED on a split piece leaves the rest", p, 12 * pg,
		   3);
	h = mremap(p + 13 * pg, 3 * pg, 64 * pg, MREMAP_MAYMOVE);
	sem_check(h != MAP_FAILED, "mremap of a split piece", "%s",
		  strerror(errno));
	sem_expect_zero("grown split piece reads zeros", h, 64 * pg);
	sem_fill(h, 64 * pg, 4);
	sem_verify("growing a split piece leaves the rest", p, 12 * pg, 3);
	/* munmap across the hole and beyond the end: allowed. */
	sem_unmap(p + 8 * pg, 8 * pg);
	sem_verify("munmap across a hole leaves the head", p, 8 * pg, 3);
	sem_verify("moved piece unaffected", h, 64 * pg, 4);
	sem_unmap(p, 8 * pg);
	sem_unmap(h, 64 * pg);
	return 0;
}
