/*
 * sem-brk: the brk heap grown and shrunk by hand. Growth keeps what was
 * there and brings zeros; shrinking unmaps the pages past the new break
 * (they fault) and growing again brings zeros, not the old bytes; brk
 * below the start of the heap fails; a forked child gets its own copy of
 * the heap and its brk changes stay its own. malloc still works after.
 */
#include "sem.h"

#include <sys/syscall.h>

#define MIB ((uintptr_t)1 << 20)

static unsigned char *xsbrk(intptr_t inc, const char *check);

int main(void)
{
	size_t pg = sem_page();
	unsigned char *start = sbrk(0), *p, *end;
	uintptr_t len = 0;
	pid_t pid;

	sem_watchdog(120);
	sem_check(start != (void *)-1, "sbrk(0)", "%s", strerror(errno));
	/* Grow in steps up to 256 MiB. */
	while (len < 256 * MIB) {
		uintptr_t inc = len < 16 * MIB ? MIB : 16 * MIB;

		p = xsbrk((intptr_t)inc, "sbrk grows the heap");
		sem_check(p == start + len, "sbrk returns the old break",
			  "%p, expected %p", (void *)p, (void *)(start + len));
		sem_expect_zero("grown heap reads zeros", p, inc);
		sem_fill_at(p, inc, 1, len);
		len += inc;
	}
	sem_check(sbrk(0) == start + len, "sbrk(0) is the break", "%p",
		  sbrk(0));
	sem_verify("256 MiB heap keeps its bytes", start, len, 1);

	/* Shrink by 128 MiB and a bit: the cut part faults. */
	xsbrk(-(intptr_t)(128 * MIB + 100), "sbrk shrinks the heap");
	len -= 128 * MIB + 100;
	end = start + len;
	sem_verify("shrunk heap keeps its head", start, len, 1);
	p = (unsigned char *)(((uintptr_t)end + pg - 1) & ~(pg - 1));
	sem_expect_access("heap pages past the new break fault", p + pg, false,
			  false);
	sem_expect_access("heap pages past the new break fault", p + 64 * MIB,
			  false, false);
	/* Grow back: zeros from the next page on. */
	xsbrk((intptr_t)(128 * MIB + 100), "sbrk regrows the heap");
	sem_expect_zero("regrown heap reads zeros, not the old bytes", p,
			128 * MIB - pg);
	sem_verify("regrowth keeps the head", start, len, 1);
	len += 128 * MIB + 100;

	/* Below the start of the heap: refused, nothing changes. */
	p = (unsigned char *)syscall(SYS_brk, start - 64 * MIB);
	sem_check(p == start + len, "brk below the heap's start is refused",
		  "the break is %p, expected %p", (void *)p,
		  (void *)(start + len));
	sem_check(sbrk(0) == start + len, "failed brk keeps the break", "%p",
		  sbrk(0));

	/* Fork: the child's heap is a copy, its brk its own. */
	sem_fill(start, 16 * MIB, 2);
	pid = sem_fork();
	if (pid == 0) {
		sem_verify("child sees the heap", start, 16 * MIB, 2);
		sem_fill(start, 16 * MIB, 3);
		xsbrk(-(intptr_t)(len - 32 * MIB), "child shrinks the heap");
		xsbrk(64 * MIB, "child grows the heap");
		sem_expect_zero("child's regrown heap reads zeros",
				start + 32 * MIB, 64 * MIB);
		_exit(0);
	}
	sem_wait_status(pid, 0, "child passes");
	sem_verify("child's heap writes stay in the child", start, 16 * MIB, 2);
	sem_verify_at("child's brk changes leave the parent's heap",
		      start + 16 * MIB, len - 16 * MIB - (128 * MIB + 100),
		      1, 16 * MIB);
	sem_check(sbrk(0) == start + len, "child's brk leaves the parent's "
		  "break", "%p", sbrk(0));

	/* malloc on top of all this. */
	p = malloc(100000);
	sem_check(p != NULL, "malloc after hand-made brk changes", "failed");
	sem_fill(p, 100000, 4);
	sem_verify("malloc'd block keeps its bytes", p, 100000, 4);
	free(p);
	return 0;
}

static unsigned char *xsbrk(intptr_t inc, const char *check)
{
	void *p = sbrk(inc);

	if (p == (void *)-1)
		sem_fail(check, "sbrk(%ld): %s", (long)inc, strerror(errno));
	return p;
}
