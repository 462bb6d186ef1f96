/*
 * sem-map-fixed: mmap(MAP_FIXED) over existing memory gives fresh zeros
 * (glibc, V8 and HotSpot re-map to uncommit), in exactly the replaced
 * range: over a whole region, over its middle, across two adjacent
 * regions, as PROT_NONE|MAP_NORESERVE then made writable again, and many
 * times over the same spot; also over a private file mapping, and a file
 * mapped with MAP_FIXED over anonymous memory (it shows the file). A
 * MAP_FIXED the kernel refuses (a bad descriptor, a file opened
 * read-only mapped shared and writable) leaves the memory as it was.
 */
#include "sem.h"

#include <fcntl.h>
#include <time.h>

static unsigned char *map_fixed(void *at, size_t len, int prot, int extra);
static void with_file(void);
static void refused(void);

int main(void)
{
	size_t pg = sem_page(), len = 32 * pg;
	unsigned char *p = sem_map(len, PROT_READ | PROT_WRITE), *q;

	/* The whole region. */
	sem_fill(p, len, 1);
	q = map_fixed(p, len, PROT_READ | PROT_WRITE, 0);
	sem_expect_zero("MAP_FIXED over a whole region reads zeros", q, len);

	/* The middle: the rest keeps its bytes. */
	sem_fill(p, len, 2);
	map_fixed(p + 8 * pg, 8 * pg, PROT_READ | PROT_WRITE, 0);
	sem_verify("MAP_FIXED in the middle keeps the head", p, 8 * pg, 2);
	sem_expect_zero("MAP_FIXED in the middle reads zeros", p + 8 * pg,
			8 * pg);
	sem_verify_at("MAP_FIXED in the middle keeps the tail", p + 16 * pg,
		      len - 16 * pg, 2, 16 * pg);
	sem_fill(p + 8 * pg, 8 * pg, 3);
	sem_verify("the new middle keeps what is written", p + 8 * pg, 8 * pg,
		   3);
	sem_unmap(p, len);

	/* Across two adjacent regions. */
	p = sem_free_range(2 * len, 0);
	map_fixed(p, len, PROT_READ | PROT_WRITE, MAP_FIXED_NOREPLACE);
	map_fixed(p + len, len, PROT_READ | PROT_WRITE, MAP_FIXED_NOREPLACE);
	sem_fill(p, 2 * len, 4);
	map_fixed(p + len - 4 * pg, 8 * pg, PROT_READ | PROT_WRITE, 0);
	sem_verify("MAP_FIXED across two regions keeps the first's head", p,
		   len - 4 * pg, 4);
	sem_expect_zero("MAP_FIXED across two regions reads zeros",
			p + len - 4 * pg, 8 * pg);
	sem_verify_at("MAP_FIXED across two regions keeps the second's tail",
		      p + len + 4 * pg, len - 4 * pg, 4, len + 4 * pg);

	/* Uncommit: PROT_NONE|MAP_NORESERVE over data, then recommit. */
	sem_fill(p, 2 * len, 5);
	map_fixed(p, 2 * len, PROT_NONE, MAP_NORESERVE);
	sem_expect_access("uncommitted range is PROT_NONE", p + len, false,
			  false);
	sem_syscall_ok(mprotect(p, 2 * len, PROT_READ | PROT_WRITE),
		       "mprotect recommit", "mprotect");
	sem_expect_zero("recommitted range reads zeros", p, 2 * len);
	/* Recommit with MAP_FIXED instead of mprotect. */
	sem_fill(p, 2 * len, 6);
	map_fixed(p, 2 * len, PROT_NONE, MAP_NORESERVE);
	map_fixed(p + pg, pg, PROT_READ | PROT_WRITE, 0);
	sem_expect_zero("page recommitted with MAP_FIXED reads zeros", p + pg,
			pg);

	/* Over and over on one spot, each time with different data. */
	for (unsigned i = 0; i < 2000; i++) {
		q = map_fixed(p, 2 * len, PROT_READ | PROT_WRITE, 0);
		sem_expect_zero("repeated MAP_FIXED reads zeros", q, 2 * len);
		sem_fill(q, 2 * len, 100 + i);
	}
	sem_verify("the last MAP_FIXED keeps its data", p, 2 * len, 1999 + 100);
	sem_unmap(p, 2 * len);
	with_file();
	refused();
	return 0;
}

/* MAP_FIXED calls that fail: the memory under them stays as it was. */
static void refused(void)
{
	size_t pg = sem_page(), len = 64 * pg;
	unsigned char *p = sem_map(len, PROT_READ | PROT_WRITE);
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	void *r;

	sem_check(fd >= 0, "open /proc/self/exe", "%s", strerror(errno));
	sem_fill(p, len, 9);
	r = mmap(p + 8 * pg, 8 * pg, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, 1000000, 0);
	sem_check(r == MAP_FAILED && errno == EBADF,
		  "MAP_FIXED of a bad descriptor fails with EBADF", "%p (%s)",
		  r, strerror(errno));
	r = mmap(p + 24 * pg, 8 * pg, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, fd, 0);
	sem_check(r == MAP_FAILED && errno == EACCES,
		  "MAP_FIXED shared writable of a read-only file fails with "
		  "EACCES", "%p (%s)", r, strerror(errno));
	sem_verify("refused MAP_FIXED calls keep the bytes", p, len, 9);
	nanosleep(&(struct timespec){ 0, 50 * 1000 * 1000 }, NULL);
	sem_verify("refused MAP_FIXED calls keep the bytes a moment later", p,
		   len, 9);
	close(fd);
	sem_unmap(p, len);
}

/* Anonymous over a file mapping and a file over anonymous memory. */
static void with_file(void)
{
	size_t pg = sem_page();
	unsigned char head[64], *p, *q;
	int fd = open("/proc/self/exe", O_RDONLY);

	sem_check(fd >= 0 && pread(fd, head, sizeof(head), 0) ==
		  (ssize_t)sizeof(head), "read /proc/self/exe", "%s",
		  strerror(errno));
	p = mmap(NULL, 4 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	sem_check(p != MAP_FAILED, "mmap a private file mapping", "%s",
		  strerror(errno));
	sem_check(memcmp(p, head, sizeof(head)) == 0, "file mapping shows the "
		  "file", "it does not");
	map_fixed(p, 2 * pg, PROT_READ | PROT_WRITE, 0);
	sem_expect_zero("MAP_FIXED over a file mapping reads zeros", p,
			2 * pg);
	sem_fill(p, 2 * pg, 7);
	/* And back: the file over the anonymous pages. */
	q = mmap(p, 2 * pg, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0);
	sem_check(q == p, "mmap a file MAP_FIXED over anonymous memory", "%s",
		  strerror(errno));
	sem_check(memcmp(p, head, sizeof(head)) == 0, "a file mapped over "
		  "anonymous memory shows the file", "it shows other bytes");
	sem_unmap(p, 4 * pg);
	close(fd);
}

static unsigned char *map_fixed(void *at, size_t len, int prot, int extra)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | extra;
	void *q;

	if (!(extra & MAP_FIXED_NOREPLACE))
		flags |= MAP_FIXED;
	q = mmap(at, len, prot, flags, -1, 0);
	if (q == MAP_FAILED)
		sem_fail("mmap MAP_FIXED", "mmap(%p, %zu): %s", at, len,
			 strerror(errno));
	if (q != at)
		sem_fail("mmap MAP_FIXED places the mapping", "asked %p, got "
			 "%p", at, q);
	return q;
}
