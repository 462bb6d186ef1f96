/*
 * page-cost.c: what a page and a mapping cost a program when its memory
 * is redirected into a memfd, against the private anonymous memory it
 * gets natively. No tracer is involved: this is the kernel's price of
 * the memory itself, the floor under ptinspect's redirection that no
 * saving of stops can cut (bench/real-workloads sets it beside the
 * workloads' own figures).
 *
 *	bench/page-cost [-m MIB] [-r ROUNDS]
 *
 * Per page, over MIB MiB (default 64), the median of ROUNDS rounds
 * (default 7) taken in turns, after two lines that say MIB and ROUNDS
 * ("page-cost: mib 64", "page-cost: rounds 7"):
 *
 *	page-cost: anon fault 10650 ns	first write to a page of a
 *					MAP_PRIVATE|MAP_ANONYMOUS mapping
 *	page-cost: anon free 145 ns	its munmap, which frees the page
 *	page-cost: memfd fault 11571 ns	first write to a page of a
 *					MAP_SHARED mapping of a memfd
 *	page-cost: memfd free 347 ns	its munmap, then the fallocate
 *					PUNCH_HOLE that gives the page back
 *					(ptinspect's munmap and exit)
 *	page-cost: memfd reuse 2500 ns	a page of the memfd left by an
 *					unmapping (not punched) zeroed by
 *					pwrite, written again through a new
 *					mapping and unmapped: ptinspect's
 *					--reuse-freed, the whole round trip
 *
 * Per mapping of 64 KiB, never touched, the median of ROUNDS rounds of
 * 2,000 each (the figures: this 2-CPU VM, idle, 2026-12-06):
 *
 *	page-cost: anon map 4.17 us	mmap and munmap, anonymous
 *	page-cost: memfd map 5.86 us	mmap of the memfd at a descriptor
 *					kept open, munmap, and the punch
 *	page-cost: memfd-open map 10.99 us	the same, the memfd opened
 *					through /proc/self/fd and closed
 *					around the mmap: the stub's way
 *					without a reserved descriptor
 *					(src/redirect-fd.c)
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096L
#define MAP_BYTES (64L << 10)
#define MAPS_PER_ROUND 2000

enum what { ANON_FAULT, ANON_FREE, MEMFD_FAULT, MEMFD_FREE, MEMFD_REUSE,
	ANON_MAP, MEMFD_MAP, MEMFD_OPEN_MAP, NWHAT };

static const char *const what_name[NWHAT] = {
	"anon fault", "anon free", "memfd fault", "memfd free", "memfd reuse",
	"anon map", "memfd map", "memfd-open map",
};

static char zeros[256 << 10];

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what)
{
	perror(what);
	exit(1);
}

/* touch_pages: one write to each page, the first touch of each. */
static void
touch_pages(char *p, long bytes)
{
	for (long off = 0; off < bytes; off += PAGE)
		((volatile char *)p)[off] = 1;
}

/* map_memfd: a new shared mapping of the memfd's first BYTES. */
static char *
map_memfd(int memfd, long bytes)
{
	char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED,
		       memfd, 0);

	if (p == MAP_FAILED)
		die("page-cost: mmap memfd");
	return p;
}

/* pages_round: fault in and give back BYTES of anonymous, then of memfd
 * memory, then reuse the memfd's as --reuse-freed does; the five
 * per-page figures, in ns, into out[]. */
static void
pages_round(int memfd, long bytes, double *out)
{
	long pages = bytes / PAGE;
	double t0, t1, t2;
	char *p;

	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("page-cost: mmap anonymous");
	t0 = now();
	touch_pages(p, bytes);
	t1 = now();
	munmap(p, bytes);
	t2 = now();
	out[ANON_FAULT] = (t1 - t0) * 1e9 / pages;
	out[ANON_FREE] = (t2 - t1) * 1e9 / pages;

	p = map_memfd(memfd, bytes);
	t0 = now();
	touch_pages(p, bytes);
	t1 = now();
	munmap(p, bytes);
	if (fallocate(memfd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0,
		      bytes) < 0)
		die("page-cost: fallocate");
	t2 = now();
	out[MEMFD_FAULT] = (t1 - t0) * 1e9 / pages;
	out[MEMFD_FREE] = (t2 - t1) * 1e9 / pages;

	/* Written and unmapped, kept: then zeroed, mapped, written again. */
	p = map_memfd(memfd, bytes);
	touch_pages(p, bytes);
	munmap(p, bytes);
	t0 = now();
	for (long off = 0; off < bytes; off += (long)sizeof(zeros))
		if (pwrite(memfd, zeros, bytes - off < (long)sizeof(zeros) ?
			   (size_t)(bytes - off) : sizeof(zeros), off) <= 0)
			die("page-cost: pwrite");
	p = map_memfd(memfd, bytes);
	touch_pages(p, bytes);
	munmap(p, bytes);
	t1 = now();
	out[MEMFD_REUSE] = (t1 - t0) * 1e9 / pages;
	if (fallocate(memfd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0,
		      bytes) < 0)
		die("page-cost: fallocate");
}

/* map_one: one 64 KiB mapping made and given back the way WHAT says. */
static void
map_one(enum what what, int memfd, const char *fd_path)
{
	int fd = memfd;
	void *p;

	if (what == ANON_MAP) {
		p = mmap(NULL, MAP_BYTES, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			die("page-cost: mmap anonymous");
		munmap(p, MAP_BYTES);
		return;
	}
	if (what == MEMFD_OPEN_MAP && (fd = open(fd_path, O_RDWR)) < 0)
		die(fd_path);
	p = mmap(NULL, MAP_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("page-cost: mmap memfd");
	if (what == MEMFD_OPEN_MAP)
		close(fd);
	munmap(p, MAP_BYTES);
	if (fallocate(memfd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0,
		      MAP_BYTES) < 0)
		die("page-cost: fallocate");
}

/* maps_round: the three per-mapping figures, in us, into out[]. */
static void
maps_round(int memfd, const char *fd_path, double *out)
{
	for (enum what w = ANON_MAP; w <= MEMFD_OPEN_MAP; w++) {
		double t0 = now();

		for (int i = 0; i < MAPS_PER_ROUND; i++)
			map_one(w, memfd, fd_path);
		out[w] = (now() - t0) * 1e6 / MAPS_PER_ROUND;
	}
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	long mib = 64;
	int rounds = 7, opt, memfd;
	char fd_path[64];
	double (*fig)[NWHAT];

	while ((opt = getopt(argc, argv, "m:r:")) != -1) {
		if (opt == 'm')
			mib = atol(optarg);
		else if (opt == 'r')
			rounds = atoi(optarg);
		else
			break;
	}
	if (opt != -1 || optind != argc || mib < 1 || rounds < 1) {
		fputs("usage: page-cost [-m MIB] [-r ROUNDS]\n", stderr);
		return 2;
	}
	memfd = memfd_create("page-cost", 0);
	if (memfd < 0 || ftruncate(memfd, mib << 20) < 0)
		die("page-cost: memfd");
	snprintf(fd_path, sizeof fd_path, "/proc/self/fd/%d", memfd);
	fig = calloc((size_t)rounds, sizeof *fig);
	if (fig == NULL)
		die("page-cost: calloc");
	/* One untimed round first: the first use of each path pays for
	 * page tables and the allocator's lists. */
	pages_round(memfd, mib << 20, fig[0]);
	for (int r = 0; r < rounds; r++) {
		pages_round(memfd, mib << 20, fig[r]);
		maps_round(memfd, fd_path, fig[r]);
	}
	printf("page-cost: mib %ld\npage-cost: rounds %d\n", mib, rounds);
	for (int w = 0; w < NWHAT; w++) {
		double col[rounds];

		for (int r = 0; r < rounds; r++)
			col[r] = fig[r][w];
		qsort(col, (size_t)rounds, sizeof col[0], cmp_double);
		if (w < ANON_MAP)
			printf("page-cost: %s %.0f ns\n", what_name[w],
			       col[rounds / 2]);
		else
			printf("page-cost: %s %.2f us\n", what_name[w],
			       col[rounds / 2]);
	}
	free(fig);
	return 0;
}
