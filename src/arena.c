/*
 * arena.c: the memfd behind one tracee address space (see arena.h).
 *
 * Three structures, all in ptinspect's memory, none read from the tracee:
 *
 * File space. The memfd is ARENA_FILE_SIZE bytes, sparse. arena_alloc hands
 * out slots: a mapping of len bytes (rounded to pages) gets len bytes of
 * headroom on top, at most ARENA_HEADROOM_MAX, so that mremap can grow it
 * (in place, or moving, which keeps the file offsets and grows them just
 * the same) to twice its size before redirect.c must emulate a move;
 * arena_slot_room says how far it may. Slots below 2 MiB are rounded to
 * and aligned on 64 KiB, bigger ones on 2 MiB (huge-page friendly offsets,
 * and few sizes, so freed space fits the next request). When no free range
 * is big enough for the headroom, the slot is just the rounded length.
 * Free file space is a sorted array of ranges, coalesced on free and
 * searched first fit, so a mmap/munmap loop reuses the same low offsets for
 * ever, and 65530 small mappings (vm.max_map_count) take 4 GiB of the
 * 1 TiB. A slot is freed when the last extent that references any part of
 * it goes (an extent count per slot); the whole slot is punched then,
 * before it can be handed out again. A slot handed out but never mapped
 * (the redirected mmap failed) goes back by arena_release.
 *
 * The table. A sorted array of extents {start, end, off, slot}, searched
 * by binary search (with a last-hit hint for the access paths); insertion
 * and removal move the tail, which is cheap at the sizes the kernel allows
 * (vm.max_map_count, 65530 by default). Every way a tracee range stops
 * being backed (unmap, MAP_FIXED over it, mremap shrink or the destination
 * of a move, MADV_DONTNEED) punches its file range at once, so memory
 * stays bounded and nothing stale can reappear.
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
 * copies through the kernel's own mapping) costs none. On the 2-core
 * PVM guest the benchmarks run on, 20-90 us for a single page and about
 * 2.5 us a page for a pass over 256 MiB (700 ms; a second pass 30 ms, a
 * pread of the memfd 70-100 ms), and populating the page tables first
 * (MADV_POPULATE_READ, MAP_POPULATE: 18 ms) leaves the copy after it just
 * as slow: the cost is the hypervisor's shadow page tables, filled on
 * first access. So the leaf also remembers which pages are mapped in the
 * view (written or read through it) and which were read once by pread.
 * Mapped pages are copied with memcpy; the others are read with pread, by
 * a bulk read (ARENA_BULK or more: a search, a big `x`) every time, by a
 * small read the first time; the second small read goes through the view
 * and maps them, so reads that come back (a pointer, a screenful in the
 * TUI) are loads from then on. A punch forgets all three.
 *
 * fork. The child's memfd gets a copy of every data range of the parent's
 * (SEEK_DATA/SEEK_HOLE, then copy_file_range, which the kernel does
 * without touching either mapping: about 0.1-0.3 s for 256 MiB here) and
 * the same table, slots and free space.
 *
 * Address space. ptinspect maps the file in windows of ARENA_WINDOW bytes,
 * each the first time it is read or written through, never the whole file
 * up front: a traced process whose memory nobody looks at costs none of
 * ptinspect's address space (mapping all 1 TiB per arena ran out of the
 * 128 TiB of x86-64 user space at about 125 live processes). A window
 * that cannot be mapped (`ulimit -v`, address space exhausted) is served
 * by pread/pwrite of the memfd instead, which read holes as zeros without
 * allocating them, so nothing fails and nothing is said.
 *
 * Pure memory and file operations: no ptrace, no tracee knowledge. Not
 * thread-safe: one caller (the tracer loop) at a time.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "util.h"

#ifndef MFD_EXEC		/* linux/memfd.h, Linux 6.3 */
#define MFD_NOEXEC_SEAL 0x0008U
#define MFD_EXEC 0x0010U
#endif

#define ARENA_CHUNK		(2ULL << 20)
#define ARENA_CHUNK_PAGES	(ARENA_CHUNK / PTI_PAGE_SIZE)
#define ARENA_NCHUNKS		(ARENA_FILE_SIZE / ARENA_CHUNK)
#define ARENA_SMALL_GRANULE	(64ULL << 10)
#define ARENA_HEADROOM_MAX	(1ULL << 30)
#define ARENA_WINDOW_SHIFT	30
#define ARENA_WINDOW		(1ULL << ARENA_WINDOW_SHIFT)
#define ARENA_NWINDOWS		(ARENA_FILE_SIZE / ARENA_WINDOW)
/* A window that could not be mapped: use pread/pwrite. */
#define ARENA_NO_WINDOW		((unsigned char *)-1)
/* A read of at least this much is a bulk read (see "Our own view"). */
#define ARENA_BULK		(64ULL << 10)

struct arena_extent {
	uint64_t start;		/* tracee address, page aligned */
	uint64_t end;
	uint64_t off;		/* file offset of start */
	uint64_t slot;		/* file offset of its slot */
};

struct arena_slot {
	uint64_t off;
	uint64_t size;
	uint64_t nextents;	/* extents referencing it */
};

struct arena_range {
	uint64_t off;
	uint64_t len;
};

/* What a leaf knows of a page (arena_mark, arena_page_bits). */
#define ARENA_DATA	1U	/* holds data */
#define ARENA_SEEN	2U	/* read by a small pread, data or hole */
#define ARENA_MAPPED	4U	/* in ptinspect's view (so holds data) */

/* A leaf of the residency bitmaps: bits per page of a 2 MiB chunk. */
struct arena_leaf {
	uint64_t data[ARENA_CHUNK_PAGES / 64];
	uint64_t seen[ARENA_CHUNK_PAGES / 64];
	uint64_t mapped[ARENA_CHUNK_PAGES / 64];
};

struct arena {
	int fd;
	/* ptinspect's mappings of the file, by window; NULL: not yet. */
	unsigned char **win;

	struct arena_extent *ext;	/* sorted by start, disjoint */
	size_t next;
	size_t ext_cap;
	uint64_t ext_bytes;
	size_t hint;			/* last extent looked up */

	struct arena_slot *slots;	/* sorted by off */
	size_t nslots;
	size_t slots_cap;

	struct arena_range *free;	/* sorted, coalesced */
	size_t nfree;
	size_t free_cap;

	struct arena_leaf **leaves;	/* ARENA_NCHUNKS, NULL: none known */
	size_t leaves_end;		/* no leaf at or past this index */

	uint64_t streamed;		/* bytes bulk reads took by pread */
};

static uint64_t arena_round_up(uint64_t x, uint64_t to);
static size_t arena_ext_index(const struct arena *a, uint64_t addr);
static const struct arena_extent *arena_ext_at(const struct arena *a,
    uint64_t addr);
static void arena_ext_insert(struct arena *a, size_t i,
    const struct arena_extent *e);
static void arena_ext_split(struct arena *a, uint64_t addr);
static void arena_remove(struct arena *a, uint64_t start, uint64_t end);
static size_t arena_slot_index(const struct arena *a, uint64_t off);
static struct arena_slot *arena_slot_of(const struct arena *a, uint64_t off);
static void arena_slot_unref(struct arena *a, uint64_t slot);
static void arena_free_insert(struct arena *a, uint64_t off, uint64_t len);
static bool arena_take(struct arena *a, uint64_t size, uint64_t align,
    uint64_t *off);
static void arena_punch(struct arena *a, uint64_t off, uint64_t len);
static void arena_mark(struct arena *a, uint64_t off, uint64_t len,
    unsigned what);
static uint64_t arena_bits_run(const uint64_t *bits, uint64_t p0,
    uint64_t p1, bool on);
static bool arena_probe(struct arena *a, uint64_t off, uint64_t len,
    uint64_t *run);
static inline bool arena_mapped(const struct arena *a, uint64_t off);
static unsigned arena_page_bits(const struct arena *a, uint64_t off);
static uint64_t arena_view_run(const struct arena *a, uint64_t off,
    uint64_t end, bool mapped);
static uint64_t arena_read_data(struct arena *a, uint64_t off, void *buf,
    uint64_t len, bool bulk);
static unsigned char *arena_window(struct arena *a, uint64_t off);
static int arena_prepare_fd(int fd, char **errp);
static void arena_pread(struct arena *a, uint64_t off, void *buf,
    uint64_t len);
static size_t arena_read_any(struct arena *a, uint64_t addr, void *buf,
    size_t len) __attribute__((noinline));
static int arena_copy_file(const struct arena *src, struct arena *dst,
    uint64_t off, uint64_t len, char **errp);

static uint64_t
arena_round_up(uint64_t x, uint64_t to)
{
	return (x + to - 1) / to * to;
}

struct arena *
arena_new(char **errp)
{
	int fd;

	/*
	 * Executable, as private memory is: a JIT makes redirected pages
	 * executable with mprotect, which a memfd sealed against exec
	 * (vm.memfd_noexec = 1 makes that the default) refuses. Kernels
	 * before 6.3 do not know the flag (EINVAL); vm.memfd_noexec = 2
	 * forbids it (EACCES): then such an mprotect fails.
	 */
	fd = memfd_create("ptinspect", MFD_CLOEXEC | MFD_ALLOW_SEALING |
	    MFD_EXEC);
	if (fd < 0 && (errno == EINVAL || errno == EACCES))
		fd = memfd_create("ptinspect", MFD_CLOEXEC |
		    MFD_ALLOW_SEALING);
	if (fd < 0 && (errno == EINVAL || errno == EACCES))
		fd = memfd_create("ptinspect", MFD_CLOEXEC |
		    MFD_ALLOW_SEALING | MFD_NOEXEC_SEAL);
	if (fd < 0) {
		set_error(errp, "arena: memfd_create: %s", strerror(errno));
		return NULL;
	}
	return arena_new_fd(fd, errp);
}

/*
 * The memfd may come from the tracee (an injected memfd_create taken with
 * pidfd_getfd): it is sized and sealed here all the same, and checked to
 * be a fresh one, empty and unsealed, so nothing else can hold it shrunk.
 */
struct arena *
arena_new_fd(int fd, char **errp)
{
	struct arena *a;

	if (arena_prepare_fd(fd, errp) != 0)
		return NULL;
	a = xcalloc(1, sizeof(*a));
	a->fd = fd;
	a->win = xcalloc(ARENA_NWINDOWS, sizeof(*a->win));
	a->leaves = xcalloc(ARENA_NCHUNKS, sizeof(*a->leaves));
	a->ext_cap = 64;
	a->ext = xreallocarray(NULL, a->ext_cap, sizeof(*a->ext));
	a->slots_cap = 64;
	a->slots = xreallocarray(NULL, a->slots_cap, sizeof(*a->slots));
	a->free_cap = 16;
	a->free = xreallocarray(NULL, a->free_cap, sizeof(*a->free));
	a->free[0].off = 0;
	a->free[0].len = ARENA_FILE_SIZE;
	a->nfree = 1;
	return a;
}

/* Sizes and seals a fresh memfd; closes it on failure. */
static int
arena_prepare_fd(int fd, char **errp)
{
	struct stat st;

	if (fstat(fd, &st) != 0 || st.st_size != 0 ||
	    fcntl(fd, F_GET_SEALS) != 0) {
		close(fd);
		return set_error(errp, "arena: the memfd is not a fresh one");
	}
	if (ftruncate(fd, (off_t)ARENA_FILE_SIZE) < 0) {
		set_error(errp, "arena: ftruncate to %llu bytes: %s",
		    ARENA_FILE_SIZE, strerror(errno));
		close(fd);
		return -1;
	}
	/* Not F_SEAL_WRITE: it would forbid punching holes. */
	if (fcntl(fd, F_ADD_SEALS,
	    F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0) {
		set_error(errp, "arena: sealing the memfd: %s",
		    strerror(errno));
		close(fd);
		return -1;
	}
	return 0;
}

/*
 * Only while nothing maps the old file: no extent, so no data either (a
 * slot handed out for a mapping not made yet keeps its offset).
 */
int
arena_adopt_fd(struct arena *a, int fd, char **errp)
{
	size_t i;

	if (a->next != 0) {
		close(fd);
		return set_error(errp, "arena: changing the memfd of an "
		    "arena in use");
	}
	if (arena_prepare_fd(fd, errp) != 0)
		return -1;
	for (i = 0; i < ARENA_NWINDOWS; i++) {
		if (a->win[i] != NULL && a->win[i] != ARENA_NO_WINDOW)
			munmap(a->win[i], ARENA_WINDOW);
		a->win[i] = NULL;
	}
	for (i = 0; i < a->leaves_end; i++) {
		free(a->leaves[i]);
		a->leaves[i] = NULL;
	}
	a->leaves_end = 0;
	close(a->fd);
	a->fd = fd;
	return 0;
}

void
arena_free(struct arena *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < ARENA_NWINDOWS; i++)
		if (a->win[i] != NULL && a->win[i] != ARENA_NO_WINDOW)
			munmap(a->win[i], ARENA_WINDOW);
	free(a->win);
	close(a->fd);
	/* The table is 4 MiB; only its start was ever touched. */
	for (i = 0; i < a->leaves_end; i++)
		free(a->leaves[i]);
	free(a->leaves);
	free(a->ext);
	free(a->slots);
	free(a->free);
	free(a);
}

int
arena_fd(const struct arena *a)
{
	return a->fd;
}

/* ---- file space ---- */

int
arena_alloc(struct arena *a, uint64_t len, uint64_t *off, char **errp)
{
	uint64_t plen, want, size, granule;
	struct arena_slot *s;
	size_t i;

	if (len == 0 || len > ARENA_FILE_SIZE)
		return set_error(errp, "arena: slot of %llu bytes: bad length",
		    (unsigned long long)len);
	plen = arena_round_up(len, PTI_PAGE_SIZE);
	want = plen + (plen < ARENA_HEADROOM_MAX ? plen : ARENA_HEADROOM_MAX);
	granule = want < ARENA_CHUNK ? ARENA_SMALL_GRANULE : ARENA_CHUNK;
	size = arena_round_up(want, granule);
	if (!arena_take(a, size, granule, off)) {
		/* No room for headroom: the bare length, if that fits. */
		granule = plen < ARENA_CHUNK ? ARENA_SMALL_GRANULE
		    : ARENA_CHUNK;
		size = arena_round_up(plen, granule);
		if (!arena_take(a, size, granule, off)) {
			size = plen;
			if (!arena_take(a, size, PTI_PAGE_SIZE, off))
				return set_error(errp, "arena: no file space "
				    "left for a mapping of %llu bytes",
				    (unsigned long long)len);
		}
	}
	i = arena_slot_index(a, *off);
	if (a->nslots == a->slots_cap) {
		a->slots_cap *= 2;
		a->slots = xreallocarray(a->slots, a->slots_cap,
		    sizeof(*a->slots));
	}
	memmove(&a->slots[i + 1], &a->slots[i],
	    (a->nslots - i) * sizeof(*a->slots));
	a->nslots++;
	s = &a->slots[i];
	s->off = *off;
	s->size = size;
	s->nextents = 0;
	return 0;
}

/*
 * Stops early where another extent's file range begins (a split mapping
 * whose pieces went separate ways): growing off's mapping by the room
 * returned aliases nobody. 0 when off is in no slot.
 */
uint64_t
arena_slot_room(const struct arena *a, uint64_t off)
{
	const struct arena_slot *s;
	uint64_t end;
	size_t i;

	s = arena_slot_of(a, off);
	if (s == NULL)
		return 0;
	end = s->off + s->size;
	if (s->nextents > 1) {
		for (i = 0; i < a->next; i++)
			if (a->ext[i].slot == s->off && a->ext[i].off > off &&
			    a->ext[i].off < end)
				end = a->ext[i].off;
	}
	return end - off;
}

void
arena_release(struct arena *a, uint64_t off)
{
	struct arena_slot *s = arena_slot_of(a, off);

	if (s == NULL || s->off != off || s->nextents != 0)
		fatalx("arena_release: 0x%llx: not an unmapped slot",
		    (unsigned long long)off);
	s->nextents = 1;
	arena_slot_unref(a, off);
}

/* Index of the first slot whose offset is > off. */
static size_t
arena_slot_index(const struct arena *a, uint64_t off)
{
	return sorted_upper_bound(a->slots, a->nslots, sizeof(*a->slots),
	    offsetof(struct arena_slot, off), off);
}

static struct arena_slot *
arena_slot_of(const struct arena *a, uint64_t off)
{
	size_t i = arena_slot_index(a, off);
	struct arena_slot *s;

	if (i == 0)
		return NULL;
	s = &a->slots[i - 1];
	return off < s->off + s->size ? s : NULL;
}

/* One extent of the slot at file offset slot is gone. */
static void
arena_slot_unref(struct arena *a, uint64_t slot)
{
	struct arena_slot *s = arena_slot_of(a, slot);
	size_t i;
	uint64_t size;

	if (s == NULL || s->off != slot || s->nextents == 0)
		fatalx("arena: slot 0x%llx: reference count broken",
		    (unsigned long long)slot);
	if (--s->nextents > 0)
		return;
	size = s->size;
	i = (size_t)(s - a->slots);
	memmove(&a->slots[i], &a->slots[i + 1],
	    (a->nslots - i - 1) * sizeof(*a->slots));
	a->nslots--;
	/* Whatever may still be in it, it is zeros before anyone gets it. */
	arena_punch(a, slot, size);
	arena_free_insert(a, slot, size);
}

static void
arena_free_insert(struct arena *a, uint64_t off, uint64_t len)
{
	struct arena_range *prev, *next;
	size_t i;

	/*
	 * Where off goes: the first free range starting after it. The upper
	 * bound is the lower bound here, as no free range starts at off (it
	 * is being freed, so it is not free yet).
	 */
	i = sorted_upper_bound(a->free, a->nfree, sizeof(*a->free),
	    offsetof(struct arena_range, off), off);
	prev = i > 0 ? &a->free[i - 1] : NULL;
	next = i < a->nfree ? &a->free[i] : NULL;
	if (prev != NULL && prev->off + prev->len == off) {
		prev->len += len;
		if (next != NULL && off + len == next->off) {
			prev->len += next->len;
			memmove(next, next + 1,
			    (a->nfree - i - 1) * sizeof(*next));
			a->nfree--;
		}
		return;
	}
	if (next != NULL && off + len == next->off) {
		next->off = off;
		next->len += len;
		return;
	}
	if (a->nfree == a->free_cap) {
		a->free_cap *= 2;
		a->free = xreallocarray(a->free, a->free_cap,
		    sizeof(*a->free));
	}
	memmove(&a->free[i + 1], &a->free[i],
	    (a->nfree - i) * sizeof(*a->free));
	a->free[i].off = off;
	a->free[i].len = len;
	a->nfree++;
}

/* First fit: size bytes at an align-aligned offset, taken from free space. */
static bool
arena_take(struct arena *a, uint64_t size, uint64_t align, uint64_t *off)
{
	struct arena_range *r;
	uint64_t start, end;
	size_t i;

	for (i = 0; i < a->nfree; i++) {
		r = &a->free[i];
		start = arena_round_up(r->off, align);
		end = r->off + r->len;
		if (start >= end || end - start < size)
			continue;
		*off = start;
		if (start + size < end && start > r->off) {
			/* Keep the head here; the tail becomes a new range. */
			r->len = start - r->off;
			arena_free_insert(a, start + size,
			    end - (start + size));
		} else if (start > r->off) {
			r->len = start - r->off;
		} else if (start + size < end) {
			r->off = start + size;
			r->len = end - r->off;
		} else {
			memmove(r, r + 1, (a->nfree - i - 1) * sizeof(*r));
			a->nfree--;
		}
		return true;
	}
	return false;
}

static void
arena_punch(struct arena *a, uint64_t off, uint64_t len)
{
	if (len == 0)
		return;
	arena_mark(a, off, len, 0);
	if (fallocate(a->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
	    (off_t)off, (off_t)len) < 0)
		warn_msg("arena: punching 0x%llx+0x%llx",
		    (unsigned long long)off, (unsigned long long)len);
}

/* ---- the table ---- */

/* Index of the first extent that ends after addr. */
static size_t
arena_ext_index(const struct arena *a, uint64_t addr)
{
	return sorted_upper_bound(a->ext, a->next, sizeof(*a->ext),
	    offsetof(struct arena_extent, end), addr);
}

static const struct arena_extent *
arena_ext_at(const struct arena *a, uint64_t addr)
{
	const struct arena_extent *e;
	size_t i;

	if (a->hint < a->next) {
		e = &a->ext[a->hint];
		if (e->start <= addr && addr < e->end)
			return e;
	}
	i = arena_ext_index(a, addr);
	if (i == a->next || a->ext[i].start > addr)
		return NULL;
	return &a->ext[i];
}

/* Inserts at index i (the caller keeps the order); no slot accounting. */
static void
arena_ext_insert(struct arena *a, size_t i, const struct arena_extent *e)
{
	if (a->next == a->ext_cap) {
		a->ext_cap *= 2;
		a->ext = xreallocarray(a->ext, a->ext_cap, sizeof(*a->ext));
	}
	memmove(&a->ext[i + 1], &a->ext[i], (a->next - i) * sizeof(*a->ext));
	a->ext[i] = *e;
	a->next++;
	a->ext_bytes += e->end - e->start;
}

/* Makes addr an extent boundary if it falls inside one. */
static void
arena_ext_split(struct arena *a, uint64_t addr)
{
	struct arena_extent right;
	size_t i = arena_ext_index(a, addr);
	struct arena_slot *s;

	if (i == a->next || a->ext[i].start >= addr)
		return;
	right = a->ext[i];
	right.off += addr - right.start;
	right.start = addr;
	a->ext_bytes -= right.end - addr;
	a->ext[i].end = addr;
	arena_ext_insert(a, i + 1, &right);
	s = arena_slot_of(a, right.slot);
	s->nextents++;
}

/*
 * Drops [start, end) from the table: the file ranges behind it are punched
 * and slots nobody references any more are freed.
 */
static void
arena_remove(struct arena *a, uint64_t start, uint64_t end)
{
	size_t i, j, k;

	if (start >= end)
		return;
	arena_ext_split(a, start);
	arena_ext_split(a, end);
	i = arena_ext_index(a, start);
	for (j = i; j < a->next && a->ext[j].start < end; j++) {
		/* A slot's last extent: the whole slot is punched below. */
		if (arena_slot_of(a, a->ext[j].slot)->nextents > 1)
			arena_punch(a, a->ext[j].off,
			    a->ext[j].end - a->ext[j].start);
		a->ext_bytes -= a->ext[j].end - a->ext[j].start;
	}
	for (k = i; k < j; k++)
		arena_slot_unref(a, a->ext[k].slot);
	memmove(&a->ext[i], &a->ext[j], (a->next - j) * sizeof(*a->ext));
	a->next -= j - i;
}

void
arena_map(struct arena *a, uint64_t start, uint64_t len, uint64_t off)
{
	struct arena_extent e;
	struct arena_slot *s;

	len = arena_round_up(len, PTI_PAGE_SIZE);
	if (len == 0)
		return;
	s = arena_slot_of(a, off);
	if (s == NULL || off + len > s->off + s->size)
		fatalx("arena_map: 0x%llx+0x%llx: file offset 0x%llx is "
		    "outside its slot", (unsigned long long)start,
		    (unsigned long long)len, (unsigned long long)off);
	/* Counted first, so replacing an extent of the same slot keeps it. */
	s->nextents++;
	e.start = start;
	e.end = start + len;
	e.off = off;
	e.slot = s->off;
	arena_remove(a, start, start + len);
	arena_ext_insert(a, arena_ext_index(a, start), &e);
}

void
arena_unmap(struct arena *a, uint64_t start, uint64_t len)
{
	arena_remove(a, start, start + arena_round_up(len, PTI_PAGE_SIZE));
}

void
arena_zero(struct arena *a, uint64_t start, uint64_t len)
{
	uint64_t end = start + arena_round_up(len, PTI_PAGE_SIZE), s, e;
	size_t i;

	for (i = arena_ext_index(a, start);
	    i < a->next && a->ext[i].start < end; i++) {
		s = a->ext[i].start > start ? a->ext[i].start : start;
		e = a->ext[i].end < end ? a->ext[i].end : end;
		arena_punch(a, a->ext[i].off + (s - a->ext[i].start), e - s);
	}
}

/*
 * mremap. The part of the old range that survives keeps its file offsets
 * wherever it goes; growth extends the file range of the extent that ends
 * the old range, which must have room in its slot (redirect.c checks
 * arena_slot_room first and emulates a move otherwise). Whatever was at
 * the destination is gone, as the kernel unmaps it.
 */
void
arena_move(struct arena *a, uint64_t old_start, uint64_t old_len,
    uint64_t new_start, uint64_t new_len)
{
	struct arena_extent *moved, *last;
	uint64_t keep, grow = 0;
	size_t i, j, n, k;

	old_len = arena_round_up(old_len, PTI_PAGE_SIZE);
	new_len = arena_round_up(new_len, PTI_PAGE_SIZE);
	if (new_len < old_len)
		arena_remove(a, old_start + new_len, old_start + old_len);
	keep = new_len < old_len ? new_len : old_len;
	arena_ext_split(a, old_start);
	arena_ext_split(a, old_start + keep);
	i = arena_ext_index(a, old_start);
	for (j = i; j < a->next && a->ext[j].start < old_start + keep; j++)
		;
	n = j - i;
	last = n > 0 ? &a->ext[j - 1] : NULL;
	if (new_len > old_len && last != NULL &&
	    last->end == old_start + old_len) {
		grow = new_len - old_len;
		if (grow > arena_slot_room(a, last->off) -
		    (last->end - last->start))
			fatalx("arena_move: 0x%llx+0x%llx to 0x%llx bytes: "
			    "growth past the room in its slot at 0x%llx",
			    (unsigned long long)old_start,
			    (unsigned long long)old_len,
			    (unsigned long long)new_len,
			    (unsigned long long)last->slot);
	}
	/* Take the survivors out (slots still counted), clear the target. */
	moved = xreallocarray(NULL, n ? n : 1, sizeof(*moved));
	memcpy(moved, &a->ext[i], n * sizeof(*moved));
	memmove(&a->ext[i], &a->ext[j], (a->next - j) * sizeof(*a->ext));
	a->next -= n;
	for (k = 0; k < n; k++)
		a->ext_bytes -= moved[k].end - moved[k].start;
	if (n > 0)
		moved[n - 1].end += grow;
	arena_remove(a, new_start, new_start + new_len);
	for (k = 0; k < n; k++) {
		moved[k].start = moved[k].start - old_start + new_start;
		moved[k].end = moved[k].end - old_start + new_start;
		arena_ext_insert(a, arena_ext_index(a, moved[k].start),
		    &moved[k]);
	}
	free(moved);
}

bool
arena_lookup(const struct arena *a, uint64_t addr, uint64_t *off,
    uint64_t *avail)
{
	const struct arena_extent *e = arena_ext_at(a, addr);

	if (e == NULL)
		return false;
	*off = e->off + (addr - e->start);
	*avail = e->end - addr;
	return true;
}

bool
arena_next(const struct arena *a, uint64_t addr, uint64_t *start,
    uint64_t *end)
{
	size_t i = arena_ext_index(a, addr);

	if (i >= a->next)
		return false;
	*start = a->ext[i].start;
	*end = a->ext[i].end;
	return true;
}

bool
arena_next_data(const struct arena *a, uint64_t addr, uint64_t end,
    uint64_t *run_start, uint64_t *run_end)
{
	const struct arena_extent *e = arena_ext_at(a, addr);
	uint64_t limit;
	off_t data, hole;

	if (e == NULL || addr >= end)
		return false;
	limit = end < e->end ? end : e->end;
	data = lseek(a->fd, (off_t)(e->off + (addr - e->start)), SEEK_DATA);
	if (data < 0 || (uint64_t)data >= e->off + (limit - e->start))
		return false;
	hole = lseek(a->fd, data, SEEK_HOLE);
	*run_start = e->start + ((uint64_t)data - e->off);
	*run_end = hole < 0 ? limit :
	    e->start + ((uint64_t)hole - e->off) < limit ?
	    e->start + ((uint64_t)hole - e->off) : limit;
	return true;
}

/* ---- residency ---- */

/*
 * Sets the `what` bits of the pages in [off, off+len); what 0 forgets all
 * that is known of them (a punch).
 */
static void
arena_mark(struct arena *a, uint64_t off, uint64_t len, unsigned what)
{
	uint64_t page = off / PTI_PAGE_SIZE;
	uint64_t last = (off + len - 1) / PTI_PAGE_SIZE;
	uint64_t chunk, p0, p1, p, bit;
	struct arena_leaf *leaf;
	size_t k;

	if (len == 0)
		return;
	while (page <= last) {
		chunk = page / ARENA_CHUNK_PAGES;
		p0 = page % ARENA_CHUNK_PAGES;
		p1 = last / ARENA_CHUNK_PAGES == chunk
		    ? last % ARENA_CHUNK_PAGES : ARENA_CHUNK_PAGES - 1;
		page += p1 - p0 + 1;
		leaf = a->leaves[chunk];
		if (what == 0 && leaf == NULL)
			continue;
		if (what == 0 && p0 == 0 && p1 == ARENA_CHUNK_PAGES - 1) {
			free(leaf);
			a->leaves[chunk] = NULL;
			continue;
		}
		if (leaf == NULL) {
			leaf = a->leaves[chunk] = xcalloc(1, sizeof(*leaf));
			if (chunk >= a->leaves_end)
				a->leaves_end = chunk + 1;
		}
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
			if (what & ARENA_SEEN)
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
	uint64_t q, pstart = chunk * ARENA_CHUNK + p0 * PTI_PAGE_SIZE, p;
	unsigned char vec[ARENA_CHUNK_PAGES];
	struct arena_leaf *leaf = a->leaves[chunk];
	off_t data;
	unsigned char *w;

	q = arena_bits_run(leaf != NULL ? leaf->data : NULL, p0, p1, true);
	w = q == p0 ? arena_window(a, pstart) : NULL;
	if (q == p0 && w != NULL) {
		/* Unknown: ask the page cache about the rest of the chunk. */
		if (mincore(w, (p1 - p0 + 1) * PTI_PAGE_SIZE, vec) == 0) {
			for (p = p0; p <= p1; p++)
				if (vec[p - p0] & 1)
					arena_mark(a, chunk * ARENA_CHUNK +
					    p * PTI_PAGE_SIZE, PTI_PAGE_SIZE,
					    ARENA_DATA);
			leaf = a->leaves[chunk];
			q = arena_bits_run(leaf != NULL ? leaf->data : NULL,
			    p0, p1, true);
		}
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
	const struct arena_leaf *leaf = a->leaves[off / ARENA_CHUNK];
	uint64_t p = off % ARENA_CHUNK / PTI_PAGE_SIZE;

	return leaf != NULL && (leaf->mapped[p / 64] >> (p % 64) & 1) != 0;
}

/* What is known of the page at off: ARENA_DATA, ARENA_SEEN, ARENA_MAPPED. */
static unsigned
arena_page_bits(const struct arena *a, uint64_t off)
{
	const struct arena_leaf *leaf = a->leaves[off / ARENA_CHUNK];
	uint64_t p = off % ARENA_CHUNK / PTI_PAGE_SIZE, k = p / 64;

	if (leaf == NULL)
		return 0;
	return (unsigned)(leaf->data[k] >> (p % 64) & 1) * ARENA_DATA |
	    (unsigned)(leaf->seen[k] >> (p % 64) & 1) * ARENA_SEEN |
	    (unsigned)(leaf->mapped[k] >> (p % 64) & 1) * ARENA_MAPPED;
}

/*
 * The first page boundary in [off, end) whose page is (mapped true: is
 * not; false: is) mapped in ptinspect's view, or end.
 */
static uint64_t
arena_view_run(const struct arena *a, uint64_t off, uint64_t end,
    bool mapped)
{
	uint64_t chunk, p0, p1, q, cend;
	const struct arena_leaf *leaf;

	while (off < end) {
		chunk = off / ARENA_CHUNK;
		cend = (chunk + 1) * ARENA_CHUNK < end ?
		    (chunk + 1) * ARENA_CHUNK : end;
		p0 = off % ARENA_CHUNK / PTI_PAGE_SIZE;
		p1 = (cend - 1) % ARENA_CHUNK / PTI_PAGE_SIZE;
		leaf = a->leaves[chunk];
		q = arena_bits_run(leaf != NULL ? leaf->mapped : NULL, p0, p1,
		    mapped);
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
		m = mmap(NULL, ARENA_WINDOW, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_NORESERVE, a->fd,
		    (off_t)(off & ~(ARENA_WINDOW - 1)));
		*w = m == MAP_FAILED ? ARENA_NO_WINDOW : m;
	}
	if (*w == ARENA_NO_WINDOW)
		return NULL;
	return *w + (off & (ARENA_WINDOW - 1));
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

/* Any read: extent by extent lookup, page runs by residency. */
static size_t
arena_read_any(struct arena *a, uint64_t addr, void *buf, size_t len)
{
	const struct arena_extent *e = arena_ext_at(a, addr);
	unsigned char *dst = buf;
	uint64_t off, n, run;
	size_t done;

	if (e == NULL)
		return 0;
	a->hint = (size_t)(e - a->ext);
	off = e->off + (addr - e->start);
	n = e->end - addr < len ? e->end - addr : len;
	for (done = 0; done < n; done += run) {
		/*
		 * A small read of pages never read: one pread, holes and all
		 * (a hole reads as zeros, unallocated), no probe.
		 */
		if (len < ARENA_BULK &&
		    (arena_page_bits(a, off + done) &
		    (ARENA_SEEN | ARENA_MAPPED)) == 0) {
			run = n - done;
			arena_pread(a, off + done, dst + done, run);
			arena_mark(a, off + done, run, ARENA_SEEN);
			continue;
		}
		if (!arena_probe(a, off + done, n - done, &run))
			memset(dst + done, 0, run);
		else
			run = arena_read_data(a, off + done, dst + done, run,
			    len >= ARENA_BULK);
	}
	return n;
}

/*
 * Reads the start of [off, off+len), data within one chunk, and returns
 * how much: a run of pages in ptinspect's view is copied from it; a run
 * not in it is read through the view by a small read (which has read
 * them before), mapping them for good. A bulk read takes all of it with
 * one pread unless all of it is in the view: pieces would cost a system
 * call each.
 */
static uint64_t
arena_read_data(struct arena *a, uint64_t off, void *buf, uint64_t len,
    bool bulk)
{
	bool mapped = arena_mapped(a, off);
	unsigned char *w = arena_window(a, off);
	uint64_t end;

	end = arena_view_run(a, off, off + len, mapped);
	if (w == NULL) {
		arena_pread(a, off, buf, len);
		return len;
	}
	if (bulk && (!mapped || end < off + len)) {
		arena_pread(a, off, buf, len);
		a->streamed += len;
		return len;
	}
	len = end - off;
	memcpy(buf, w, len);
	if (!mapped)
		arena_mark(a, off, len, ARENA_DATA | ARENA_MAPPED);
	return len;
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
arena_write(struct arena *a, uint64_t addr, const void *buf, size_t len)
{
	const struct arena_extent *e = arena_ext_at(a, addr);
	uint64_t off, n, done, run;
	unsigned char *w;
	ssize_t r;

	if (e == NULL)
		return 0;
	a->hint = (size_t)(e - a->ext);
	off = e->off + (addr - e->start);
	n = e->end - addr < len ? e->end - addr : len;
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

/* ---- fork ---- */

static int
arena_copy_file(const struct arena *src, struct arena *dst, uint64_t off,
    uint64_t len, char **errp)
{
	loff_t in = (loff_t)off, out = (loff_t)off;
	ssize_t n;

	while (len > 0) {
		n = copy_file_range(src->fd, &in, dst->fd, &out, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return set_error(errp, "arena: copying 0x%llx+0x%llx "
			    "to the new memfd: %s", (unsigned long long)in,
			    (unsigned long long)len,
			    n < 0 ? strerror(errno) : "short copy");
		len -= (uint64_t)n;
	}
	return 0;
}

int
arena_clone(const struct arena *src, struct arena *dst, char **errp)
{
	off_t data, hole = 0;

	if (dst->next != 0 || dst->nslots != 0)
		return set_error(errp, "arena: clone into an arena in use");
	for (;;) {
		data = lseek(src->fd, hole, SEEK_DATA);
		if (data < 0 && errno == ENXIO)
			break;
		if (data >= 0)
			hole = lseek(src->fd, data, SEEK_HOLE);
		if (data < 0 || hole < 0)
			return set_error(errp, "arena: finding data in the "
			    "memfd: %s", strerror(errno));
		if (arena_copy_file(src, dst, (uint64_t)data,
		    (uint64_t)(hole - data), errp) < 0)
			return -1;
		arena_mark(dst, (uint64_t)data, (uint64_t)(hole - data),
		    ARENA_DATA);
	}
	dst->ext_cap = src->ext_cap;
	dst->ext = xreallocarray(dst->ext, dst->ext_cap, sizeof(*dst->ext));
	memcpy(dst->ext, src->ext, src->next * sizeof(*dst->ext));
	dst->next = src->next;
	dst->ext_bytes = src->ext_bytes;
	dst->slots_cap = src->slots_cap;
	dst->slots = xreallocarray(dst->slots, dst->slots_cap,
	    sizeof(*dst->slots));
	memcpy(dst->slots, src->slots, src->nslots * sizeof(*dst->slots));
	dst->nslots = src->nslots;
	dst->free_cap = src->free_cap;
	dst->free = xreallocarray(dst->free, dst->free_cap, sizeof(*dst->free));
	memcpy(dst->free, src->free, src->nfree * sizeof(*dst->free));
	dst->nfree = src->nfree;
	return 0;
}

size_t
arena_extent_count(const struct arena *a)
{
	return a->next;
}

void
arena_get_stats(struct arena *a, struct arena_stats *out)
{
	struct stat st;

	out->regions = a->next;
	out->bytes = a->ext_bytes;
	out->streamed_bytes = a->streamed;
	out->resident_bytes = fstat(a->fd, &st) == 0
	    ? (uint64_t)st.st_blocks * 512 : 0;
}
