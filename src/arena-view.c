/*
 * arena-view.c: what is known of which pages of an arena's memfd hold
 * data, and reading and writing them through ptinspect's own view of the
 * file (see arena.c for the file space and the table of extents).
 *
 * Residency. Touching a hole through ptinspect's mapping would allocate a
 * page (the tracee may reserve tens of GiB it never uses), so before a
 * page is read it must be known to hold data. A two-level bitmap, one lazily
 * allocated 512-bit leaf per 2 MiB of file, remembers pages known to hold
 * data; a punch clears them. An unknown page is checked with mincore() on
 * ptinspect's mapping (page-cache residency of the shmem file, a whole
 * 2 MiB chunk per call); a page mincore calls absent is confirmed with
 * lseek(SEEK_DATA), which also sees swapped-out pages (mincore does not)
 * and says how far the hole goes. Holes read as zeros and are never touched
 * through the mapping. Writes go straight through it (the tracee would
 * have populated the page just the same).
 *
 * Our own view. A page of ptinspect's mapping that was never touched costs
 * a fault in ptinspect on first access, where process_vm_readv (which
 * copies through the kernel's own mapping) costs none. On the 2-core PVM
 * guest the benchmarks run on, the dear part is the first access to a page
 * by anyone but the process that wrote it (the hypervisor's shadow page
 * tables). Once a page has been read, a pass through the view is the
 * cheaper way: 64 MiB read by pread, then through a fresh view, took
 * 10-12 ms against 13-20 ms for another pread, and 5-7 ms the pass after
 * (memcpy's speed). So the leaf also remembers which pages were read
 * before (by pread or through the view) and which are mapped in the view.
 * A page read before goes through the view and stays mapped, so reads
 * that come back (a pointer, a screenful in the TUI, a second search) are
 * loads and memcpy from then on. A punch forgets all three.
 *
 * The first read. A small read of pages never read takes the rest of
 * itself by one pread, holes and all (a hole reads as zeros, unallocated).
 * For a bulk read (ARENA_BULK or more: a search, a big `x`) the
 * cheaper way depends on the host: one day a first pass through the view
 * cost 2.5 us a page against about 1 us for pread (and populating the
 * page tables first did not help: the first touch is the cost, not the
 * fault); on another, on the same VM type, a page's first touch through
 * the view cost 0.3-0.4 us and its copy 0.4, against 0.8-0.9 us for
 * pread, and a search in place through the view took half the time of a
 * search of pread's or process_vm_readv's copies. So bulk reads measure:
 * the first two runs of never-read pages are timed, one each way (a chunk
 * at most; the view's run touched first, one load a page, then copied, the
 * two timed apart), and then one run in every ARENA_FIRST_RETIME bytes of
 * first reads, the ways in turns. Every other run takes the way whose
 * recent cost a page is lower: for a copy, touch and copy against pread;
 * for a search in place (arena_peek), the touch alone, since the search
 * reads a copy of pread's just the same. The view way probes residency
 * first and maps only data pages (MADV_POPULATE_READ, one call for the run
 * instead of a fault every 16 pages), so holes stay holes either way. The
 * costs are the host's, so they are kept once per ptinspect, not per
 * arena; arena_peek never takes a timed run (it cannot time the search):
 * it leaves those to arena_read.
 *
 * Address space. ptinspect maps the file in windows of ARENA_WINDOW bytes,
 * each the first time it is read or written through, never the whole file
 * up front: a traced process whose memory nobody looks at costs none of
 * ptinspect's address space (mapping all 1 TiB per arena ran out of the
 * 128 TiB of x86-64 user space at about 125 live processes). At most
 * ARENA_WINDOWS_MAPPED windows of an arena are mapped at once: past that,
 * the oldest is unmapped (its pages forget MAPPED, not SEEN), so that
 * searching a huge process whole does not leave ptinspect with page
 * tables of 2 MiB a GiB searched, for good. A read through the view works
 * window by window, so the window it copies from is never the one given
 * up. A window that cannot be mapped (`ulimit -v`, address space
 * exhausted) is served by pread/pwrite of the memfd instead, which read
 * holes as zeros without allocating them, so nothing fails and nothing is
 * said.
 *
 * Pure memory and file operations: no ptrace, no tracee knowledge. Not
 * thread-safe: one caller (the tracer loop) at a time.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "arena.h"
#include "arena-int.h"
#include "util.h"

#ifndef MADV_POPULATE_READ	/* Linux 5.14 */
#define MADV_POPULATE_READ 22
#endif

/* Bytes of first reads between two timed ones ("The first read"). */
#define ARENA_FIRST_RETIME	(64ULL << 20)

/*
 * What "The first read" has measured, for every arena of this process:
 * the recent cost of a page (0: not timed yet) read first by pread, and
 * through the view, its first touch and its copy apart.
 */
static struct {
	enum arena_first_way forced;	/* ARENA_FIRST_MEASURE: choose */
	uint64_t pread_ns, touch_ns, copy_ns;
	uint64_t untimed;		/* bytes read first since the last */
					/* timed run */
	enum arena_first_way next_timed;
} arena_first = { .next_timed = ARENA_FIRST_PREAD };

static uint64_t arena_bits_run(const uint64_t *bits, uint64_t p0,
    uint64_t p1, bool on);
static bool arena_probe(struct arena *a, uint64_t off, uint64_t len,
    uint64_t *run);
static inline bool arena_mapped(const struct arena *a, uint64_t off);
static unsigned arena_page_bits(const struct arena *a, uint64_t off);
static uint64_t arena_run(const struct arena *a, uint64_t off, uint64_t end,
    unsigned bit, bool on);
static unsigned char *arena_window(struct arena *a, uint64_t off);
static void arena_window_drop(struct arena *a);
static void arena_view_map(struct arena *a, unsigned char *w, uint64_t off,
    uint64_t len);
static void arena_read_view(struct arena *a, uint64_t off,
    unsigned char *dst, uint64_t len);
static void arena_map_view(struct arena *a, uint64_t off, uint64_t len,
    bool touch);
static enum arena_first_way arena_first_way(uint64_t *len, bool in_place,
    bool *timed);
static void arena_first_cost(uint64_t *ns, uint64_t took, uint64_t len);
static uint64_t arena_span(struct arena *a, uint64_t addr, uint64_t len,
    uint64_t *off);
static void arena_pread(struct arena *a, uint64_t off, void *buf,
    uint64_t len);
static size_t arena_read_any(struct arena *a, uint64_t addr, void *buf,
    size_t len) __attribute__((noinline));

/*
 * Sets the `what` bits of the pages in [off, off+len); what 0 forgets all
 * that is known of them (a punch).
 */
void
arena_mark(struct arena *a, uint64_t off, uint64_t len, unsigned what)
{
	uint64_t page = off / PTI_PAGE_SIZE;
	uint64_t last = (off + len - 1) / PTI_PAGE_SIZE;
	uint64_t chunk, p0, p1, p, bit;
	struct arena_leaf ***block, **slot, *leaf;
	size_t k;

	if (len == 0)
		return;
	while (page <= last) {
		chunk = page / ARENA_CHUNK_PAGES;
		p0 = page % ARENA_CHUNK_PAGES;
		p1 = last / ARENA_CHUNK_PAGES == chunk
		    ? last % ARENA_CHUNK_PAGES : ARENA_CHUNK_PAGES - 1;
		page += p1 - p0 + 1;
		block = &a->leaf_dir[chunk / ARENA_LEAF_BLOCK];
		if (*block == NULL) {
			if (what == 0)
				continue;
			*block = xcalloc(ARENA_LEAF_BLOCK, sizeof(**block));
		}
		slot = &(*block)[chunk % ARENA_LEAF_BLOCK];
		if (what == 0 && *slot == NULL)
			continue;
		if (what == 0 && p0 == 0 && p1 == ARENA_CHUNK_PAGES - 1) {
			free(*slot);
			*slot = NULL;
			continue;
		}
		if (*slot == NULL)
			*slot = xcalloc(1, sizeof(**slot));
		leaf = *slot;
		for (p = p0; p <= p1; p++) {
			k = p / 64;
			bit = 1ULL << (p % 64);
			if (what == 0) {
				leaf->data[k] &= ~bit;
				leaf->seen[k] &= ~bit;
				leaf->mapped[k] &= ~bit;
				continue;
			}
			if (what & ARENA_DATA)
				leaf->data[k] |= bit;
			if (what & (ARENA_SEEN | ARENA_MAPPED))
				leaf->seen[k] |= bit;
			if (what & ARENA_MAPPED)
				leaf->mapped[k] |= bit;
		}
	}
}

/* First page in [p0, p1] whose bit is not `on`, or p1 + 1. NULL: all 0. */
static uint64_t
arena_bits_run(const uint64_t *bits, uint64_t p0, uint64_t p1, bool on)
{
	uint64_t p = p0, w;

	if (bits == NULL)
		return on ? p0 : p1 + 1;
	while (p <= p1) {
		w = bits[p / 64] >> (p % 64);
		if (on)
			w = ~w;
		/* The shift brought in zeros (ones, inverted): drop them. */
		if (p % 64 != 0)
			w &= ~0ULL >> (p % 64);
		if (w != 0) {
			p += (uint64_t)__builtin_ctzll(w);
			return p <= p1 ? p : p1 + 1;
		}
		p = (p / 64 + 1) * 64;
	}
	return p1 + 1;
}

/*
 * Whether the file at off holds data, and *run, the bytes from off (at
 * most len) known to be in the same state.
 */
static bool
arena_probe(struct arena *a, uint64_t off, uint64_t len, uint64_t *run)
{
	uint64_t chunk = off / ARENA_CHUNK, cend = (chunk + 1) * ARENA_CHUNK;
	uint64_t end = off + len < cend ? off + len : cend;
	uint64_t p0 = off % ARENA_CHUNK / PTI_PAGE_SIZE;
	uint64_t p1 = (end - 1) % ARENA_CHUNK / PTI_PAGE_SIZE;
	uint64_t q, pstart = chunk * ARENA_CHUNK + p0 * PTI_PAGE_SIZE, p, p2;
	unsigned char vec[ARENA_CHUNK_PAGES];
	struct arena_leaf *leaf = arena_leaf(a, chunk);
	off_t data;
	unsigned char *w;

	q = arena_bits_run(leaf != NULL ? leaf->data : NULL, p0, p1, true);
	w = q == p0 ? arena_window(a, pstart) : NULL;
	/*
	 * Unknown: ask the page cache about the rest of the chunk, not only
	 * of this read, so that the reads after it in the chunk (a search's
	 * next 256 KiB) need not ask again.
	 */
	if (q == p0 && w != NULL &&
	    mincore(w, (ARENA_CHUNK_PAGES - p0) * PTI_PAGE_SIZE, vec) == 0) {
		for (p = p0; p < ARENA_CHUNK_PAGES; p = p2) {
			for (p2 = p; p2 < ARENA_CHUNK_PAGES &&
			    (vec[p2 - p0] & 1) == (vec[p - p0] & 1); p2++)
				;
			if (vec[p - p0] & 1)
				arena_mark(a, chunk * ARENA_CHUNK +
				    p * PTI_PAGE_SIZE, (p2 - p) * PTI_PAGE_SIZE,
				    ARENA_DATA);
		}
		leaf = arena_leaf(a, chunk);
		q = arena_bits_run(leaf != NULL ? leaf->data : NULL, p0, p1,
		    true);
	}
	if (q > p0) {
		q = chunk * ARENA_CHUNK + q * PTI_PAGE_SIZE;
		*run = (q < off + len ? q : off + len) - off;
		return true;
	}
	/* Not in the page cache: a hole, or swapped out. */
	data = lseek(a->fd, (off_t)pstart, SEEK_DATA);
	if (data == (off_t)pstart) {
		arena_mark(a, pstart, PTI_PAGE_SIZE, ARENA_DATA);
		*run = (pstart + PTI_PAGE_SIZE < off + len ?
		    pstart + PTI_PAGE_SIZE : off + len) - off;
		return true;
	}
	if (data < 0)		/* ENXIO: no data from here to the end */
		data = (off_t)ARENA_FILE_SIZE;
	*run = ((uint64_t)data < off + len ? (uint64_t)data : off + len) - off;
	return false;
}

/*
 * Whether the page at off is mapped in ptinspect's view (so holds data).
 * Inline: with the last-hit extent this is all a small read costs besides
 * the copy, short enough that the CPU overlaps the cache misses of
 * consecutive random reads.
 */
static inline bool
arena_mapped(const struct arena *a, uint64_t off)
{
	const struct arena_leaf *leaf = arena_leaf(a, off / ARENA_CHUNK);
	uint64_t p = off % ARENA_CHUNK / PTI_PAGE_SIZE;

	return leaf != NULL && (leaf->mapped[p / 64] >> (p % 64) & 1) != 0;
}

/* What is known of the page at off: ARENA_DATA, ARENA_SEEN, ARENA_MAPPED. */
static unsigned
arena_page_bits(const struct arena *a, uint64_t off)
{
	const struct arena_leaf *leaf = arena_leaf(a, off / ARENA_CHUNK);
	uint64_t p = off % ARENA_CHUNK / PTI_PAGE_SIZE, k = p / 64;

	if (leaf == NULL)
		return 0;
	return (unsigned)(leaf->data[k] >> (p % 64) & 1) * ARENA_DATA |
	    (unsigned)(leaf->seen[k] >> (p % 64) & 1) * ARENA_SEEN |
	    (unsigned)(leaf->mapped[k] >> (p % 64) & 1) * ARENA_MAPPED;
}

/*
 * The first page boundary in [off, end) where the pages' `bit`
 * (ARENA_SEEN or ARENA_MAPPED) stops being `on`, or end.
 */
static uint64_t
arena_run(const struct arena *a, uint64_t off, uint64_t end, unsigned bit,
    bool on)
{
	uint64_t chunk, p0, p1, q, cend;
	const struct arena_leaf *leaf;
	const uint64_t *bits;

	while (off < end) {
		chunk = off / ARENA_CHUNK;
		cend = (chunk + 1) * ARENA_CHUNK < end ?
		    (chunk + 1) * ARENA_CHUNK : end;
		p0 = off % ARENA_CHUNK / PTI_PAGE_SIZE;
		p1 = (cend - 1) % ARENA_CHUNK / PTI_PAGE_SIZE;
		leaf = arena_leaf(a, chunk);
		bits = leaf == NULL ? NULL :
		    bit == ARENA_SEEN ? leaf->seen : leaf->mapped;
		q = arena_bits_run(bits, p0, p1, on);
		if (q <= p1)
			return chunk * ARENA_CHUNK + q * PTI_PAGE_SIZE;
		off = cend;
	}
	return end;
}

/*
 * ptinspect's pointer to file offset off, valid to the end of its window,
 * the window mapped on first use; NULL when it cannot be (then pread and
 * pwrite serve, and the window is not tried again).
 */
static unsigned char *
arena_window(struct arena *a, uint64_t off)
{
	unsigned char **w = &a->win[off >> ARENA_WINDOW_SHIFT];
	void *m;

	if (*w == NULL) {
		if (a->win_count == ARENA_WINDOWS_MAPPED)
			arena_window_drop(a);
		m = mmap(NULL, ARENA_WINDOW, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_NORESERVE, a->fd,
		    (off_t)(off & ~(ARENA_WINDOW - 1)));
		*w = m == MAP_FAILED ? ARENA_NO_WINDOW : m;
		if (m != MAP_FAILED)
			a->win_ring[(a->win_oldest + a->win_count++) %
			    ARENA_WINDOWS_MAPPED] =
			    (uint16_t)(off >> ARENA_WINDOW_SHIFT);
	}
	if (*w == ARENA_NO_WINDOW)
		return NULL;
	return *w + (off & (ARENA_WINDOW - 1));
}

/*
 * Unmaps the oldest window mapped; its pages are no longer MAPPED (but
 * still SEEN: their next read maps them again).
 */
static void
arena_window_drop(struct arena *a)
{
	unsigned idx = a->win_ring[a->win_oldest];
	struct arena_leaf **block = a->leaf_dir[idx];
	size_t k;

	a->win_oldest = (a->win_oldest + 1) % ARENA_WINDOWS_MAPPED;
	a->win_count--;
	munmap(a->win[idx], ARENA_WINDOW);
	a->win[idx] = NULL;
	for (k = 0; block != NULL && k < ARENA_LEAF_BLOCK; k++)
		if (block[k] != NULL)
			memset(block[k]->mapped, 0, sizeof(block[k]->mapped));
}

/* Reads file data (holes give zeros, unallocated) without a window. */
static void
arena_pread(struct arena *a, uint64_t off, void *buf, uint64_t len)
{
	uint64_t done = 0;
	ssize_t r;

	while (done < len) {
		r = pread(a->fd, (char *)buf + done, len - done,
		    (off_t)(off + done));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		done += (uint64_t)r;
	}
	if (done < len)
		memset((char *)buf + done, 0, len - done);
}

/*
 * How many of len bytes at addr one extent holds (0: addr is in none),
 * and in *off the file offset of addr; the extent becomes the hint.
 */
static uint64_t
arena_span(struct arena *a, uint64_t addr, uint64_t len, uint64_t *off)
{
	const struct arena_extent *e = arena_ext_at(a, addr);

	*off = 0;
	if (e == NULL)
		return 0;
	a->hint = (size_t)(e - a->ext);
	*off = e->off + (addr - e->start);
	return e->end - addr < len ? e->end - addr : len;
}

/* Any read: extent by extent lookup, page runs by what is known of them. */
static size_t
arena_read_any(struct arena *a, uint64_t addr, void *buf, size_t len)
{
	unsigned char *dst = buf;
	uint64_t off, n = arena_span(a, addr, len, &off), run, t0;
	enum arena_first_way way;
	size_t done;
	bool timed;

	for (done = 0; done < n; done += run) {
		if ((arena_page_bits(a, off + done) & ARENA_SEEN) != 0) {
			run = arena_run(a, off + done, off + n, ARENA_SEEN,
			    true) - (off + done);
			arena_read_view(a, off + done, dst + done, run);
			continue;
		}
		/* Never read: a small read takes the rest of itself. */
		if (len < ARENA_BULK) {
			run = n - done;
			arena_pread(a, off + done, dst + done, run);
			arena_mark(a, off + done, run, ARENA_SEEN);
			continue;
		}
		/* A bulk read, the run of such pages: the cheaper way. */
		run = arena_run(a, off + done, off + n, ARENA_SEEN, false) -
		    (off + done);
		way = arena_first_way(&run, false, &timed);
		t0 = timed ? monotonic_ns() : 0;
		if (way == ARENA_FIRST_VIEW) {
			/* A timed run is touched first: the two apart. */
			if (timed) {
				arena_map_view(a, off + done, run, true);
				arena_first_cost(&arena_first.touch_ns,
				    monotonic_ns() - t0, run);
				t0 = monotonic_ns();
			}
			arena_read_view(a, off + done, dst + done, run);
			a->first_viewed += run;
		} else {
			arena_pread(a, off + done, dst + done, run);
			a->streamed += run;
		}
		if (timed) {
			arena_first_cost(way == ARENA_FIRST_VIEW ?
			    &arena_first.copy_ns : &arena_first.pread_ns,
			    monotonic_ns() - t0, run);
			arena_first.untimed = 0;
			arena_first.next_timed = way == ARENA_FIRST_PREAD ?
			    ARENA_FIRST_VIEW : ARENA_FIRST_PREAD;
		} else {
			arena_first.untimed += run;
		}
		arena_mark(a, off + done, run, ARENA_SEEN);
	}
	return n;
}

/*
 * Reads [off, off+len) through the view, window by window: its data pages
 * mapped first (they stay so), then copied from it run by run, holes as
 * zeros, never touched.
 */
static void
arena_read_view(struct arena *a, uint64_t off, unsigned char *dst,
    uint64_t len)
{
	uint64_t done, run, end, room;
	unsigned char *w;
	bool mapped;

	for (done = 0; done < len; ) {
		room = ARENA_WINDOW - ((off + done) & (ARENA_WINDOW - 1));
		end = done + (len - done < room ? len - done : room);
		arena_map_view(a, off + done, end - done, false);
		for (; done < end; done += run) {
			mapped = arena_mapped(a, off + done);
			run = arena_run(a, off + done, off + end, ARENA_MAPPED,
			    mapped) - (off + done);
			w = arena_window(a, off + done);
			if (mapped)
				memcpy(dst + done, w, run);
			else if (w == NULL)
				arena_pread(a, off + done, dst + done, run);
			else	/* all its data was just mapped: a hole */
				memset(dst + done, 0, run);
		}
	}
}

/*
 * Maps the data pages of [off, off+len) that the view has not mapped,
 * and touches each once when `touch` (a timed run: its first touches,
 * apart from its copy). Where a window cannot be mapped, nothing is.
 */
static void
arena_map_view(struct arena *a, uint64_t off, uint64_t len, bool touch)
{
	uint64_t done, run, p;
	unsigned char *w;
	unsigned sum = 0;

	for (done = 0; done < len; done += run) {
		if (arena_mapped(a, off + done)) {
			run = arena_run(a, off + done, off + len, ARENA_MAPPED,
			    true) - (off + done);
			continue;
		}
		if (!arena_probe(a, off + done, len - done, &run) ||
		    (w = arena_window(a, off + done)) == NULL)
			continue;
		run = arena_run(a, off + done, off + done + run, ARENA_MAPPED,
		    false) - (off + done);
		arena_view_map(a, w, off + done, run);
		for (p = 0; touch && p < run; p += PTI_PAGE_SIZE)
			sum += ((volatile unsigned char *)w)[p];
	}
	(void)sum;
}

/*
 * Maps the data pages under [off, off+len) in the view (w: off's address
 * there) in one call, where the first touches would fault every 16 pages;
 * a kernel without MADV_POPULATE_READ (before 5.14) leaves it to them.
 */
static void
arena_view_map(struct arena *a, unsigned char *w, uint64_t off,
    uint64_t len)
{
	uint64_t head = off % PTI_PAGE_SIZE;

	if (head + len > PTI_PAGE_SIZE)
		(void)madvise(w - head, (head + len + PTI_PAGE_SIZE - 1) /
		    PTI_PAGE_SIZE * PTI_PAGE_SIZE, MADV_POPULATE_READ);
	arena_mark(a, off, len, ARENA_DATA | ARENA_MAPPED);
}

/*
 * The way a first bulk read of *len bytes takes: a copy (arena_read) or
 * a read in place (arena_peek, which saves the view's copy), and *timed
 * when it is to be timed (then *len is at most a chunk). Runs shorter
 * than ARENA_BULK are never timed: too short to tell.
 */
static enum arena_first_way
arena_first_way(uint64_t *len, bool in_place, bool *timed)
{
	uint64_t view = arena_first.touch_ns +
	    (in_place ? 0 : arena_first.copy_ns);

	*timed = false;
	if (arena_first.forced != ARENA_FIRST_MEASURE)
		return arena_first.forced;
	if (*len >= ARENA_BULK && (arena_first.pread_ns == 0 ||
	    arena_first.touch_ns == 0 ||
	    arena_first.untimed >= ARENA_FIRST_RETIME)) {
		*timed = true;
		if (*len > ARENA_CHUNK)
			*len = ARENA_CHUNK;
		if (arena_first.pread_ns == 0)
			return ARENA_FIRST_PREAD;
		if (arena_first.touch_ns == 0)
			return ARENA_FIRST_VIEW;
		return arena_first.next_timed;
	}
	return arena_first.touch_ns != 0 && view < arena_first.pread_ns ?
	    ARENA_FIRST_VIEW : ARENA_FIRST_PREAD;
}

/* Takes took ns for len bytes into *ns, a page's cost (a quarter weight). */
static void
arena_first_cost(uint64_t *ns, uint64_t took, uint64_t len)
{
	uint64_t cost = took * PTI_PAGE_SIZE / len + 1;

	*ns = *ns == 0 ? cost : (3 * *ns + cost) / 4;
}

void
arena_set_first_way(enum arena_first_way way)
{
	memset(&arena_first, 0, sizeof(arena_first));
	arena_first.forced = way;
	arena_first.next_timed = ARENA_FIRST_PREAD;
}

void
arena_get_first_costs(struct arena_first_costs *out)
{
	uint64_t len = 0;	/* below ARENA_BULK: the choice, not a timing */
	bool timed;

	out->pread_ns = arena_first.pread_ns;
	out->touch_ns = arena_first.touch_ns;
	out->copy_ns = arena_first.copy_ns;
	out->copy_way = arena_first_way(&len, false, &timed);
	out->search_way = arena_first_way(&len, true, &timed);
}

const void *
arena_peek(struct arena *a, uint64_t addr, size_t *len)
{
	uint64_t off, n = arena_span(a, addr, *len, &off), run;
	unsigned bits;
	unsigned char *w;
	bool timed;

	if (n == 0 || (w = arena_window(a, off)) == NULL)
		return NULL;
	run = ARENA_WINDOW - (off & (ARENA_WINDOW - 1));
	n = n < run ? n : run;
	bits = arena_page_bits(a, off);
	if ((bits & ARENA_MAPPED) != 0) {
		*len = arena_run(a, off, off + n, ARENA_MAPPED, true) - off;
		return w;
	}
	n = arena_run(a, off, off + n, ARENA_SEEN, (bits & ARENA_SEEN) != 0) -
	    off;
	/* Never read: a small read's pread, or the cheaper way untimed. */
	if ((bits & ARENA_SEEN) == 0 && (n < ARENA_BULK ||
	    arena_first_way(&n, true, &timed) != ARENA_FIRST_VIEW || timed))
		return NULL;
	if (!arena_probe(a, off, n, &run))
		return NULL;
	n = arena_run(a, off, off + run, ARENA_MAPPED, false) - off;
	arena_view_map(a, w, off, n);
	if ((bits & ARENA_SEEN) == 0) {
		a->first_viewed += n;
		arena_first.untimed += n;
	}
	*len = n;
	return w;
}

size_t
arena_read(struct arena *a, uint64_t addr, void *buf, size_t len)
{
	const struct arena_extent *e;
	unsigned char *w;
	uint64_t off;

	/* The common case first: a small read in the last extent's page. */
	if (a->hint < a->next) {
		e = &a->ext[a->hint];
		off = e->off + (addr - e->start);
		if (addr >= e->start && addr < e->end &&
		    len <= e->end - addr &&
		    off % PTI_PAGE_SIZE + len <= PTI_PAGE_SIZE &&
		    arena_mapped(a, off) &&
		    (w = a->win[off >> ARENA_WINDOW_SHIFT]) != NULL &&
		    w != ARENA_NO_WINDOW) {
			w += off & (ARENA_WINDOW - 1);
			/* A word (a pointer, a counter): one load, no call. */
			if (len == sizeof(uint64_t))
				memcpy(buf, w, sizeof(uint64_t));
			else
				memcpy(buf, w, len);
			return len;
		}
	}
	return arena_read_any(a, addr, buf, len);
}

size_t
arena_read_file(struct arena *a, uint64_t addr, void *buf, size_t len)
{
	uint64_t off, n = arena_span(a, addr, len, &off);

	arena_pread(a, off, buf, n);
	return n;
}

size_t
arena_write_file(struct arena *a, uint64_t addr, const void *buf,
    size_t len)
{
	uint64_t off, n = arena_span(a, addr, len, &off);
	ssize_t r = n == 0 ? 0 : pwrite(a->fd, buf, n, (off_t)off);

	if (r <= 0)
		return 0;
	arena_mark(a, off, (uint64_t)r, ARENA_DATA);
	return (size_t)r;
}

size_t
arena_write(struct arena *a, uint64_t addr, const void *buf, size_t len)
{
	uint64_t off, n = arena_span(a, addr, len, &off), done, run;
	unsigned char *w;
	ssize_t r;

	for (done = 0; done < n; done += run) {
		run = ARENA_WINDOW - ((off + done) & (ARENA_WINDOW - 1));
		run = run < n - done ? run : n - done;
		if ((w = arena_window(a, off + done)) != NULL) {
			memcpy(w, (const char *)buf + done, run);
			arena_mark(a, off + done, run,
			    ARENA_DATA | ARENA_MAPPED);
			continue;
		}
		r = pwrite(a->fd, (const char *)buf + done, run,
		    (off_t)(off + done));
		if (r <= 0)
			break;
		run = (uint64_t)r;
		arena_mark(a, off + done, run, ARENA_DATA);
	}
	return done;
}
