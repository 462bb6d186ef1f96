/*
 * arena.h: the memfd behind one tracee address space, and the table that
 * says which tracee addresses live where in it.
 *
 * An arena is a sparse memfd of ARENA_FILE_SIZE bytes, sealed against
 * shrinking and growing (nothing, the tracee included, can make ptinspect's
 * mapping of it SIGBUS), mapped MAP_SHARED|MAP_NORESERVE into ptinspect
 * window by window as it is used (a process nobody looks at takes none of
 * ptinspect's address space). redirect.c rewrites the tracee's private
 * anonymous mmaps into MAP_SHARED mappings of this file at offsets handed
 * out here, and tells the arena about every map, unmap, zeroing and move;
 * mem.c then reads and writes those addresses with plain loads and stores.
 *
 * File space is handed out in slots with headroom so that in-place mremap
 * growth does not alias the next mapping; a released range is punched
 * before it can be handed out again. Reading a hole through the mapping
 * would allocate a page, so reads check residency (mincore, cached per
 * page once known resident) and return zeros for holes instead. A page
 * ptinspect's view has not mapped yet costs a page fault on first touch:
 * a small first read of a page uses pread, a bulk one whichever of pread
 * and the view it has measured the cheaper, and a page read before goes
 * through the view (arena-view.c, "Our own view", "The first read").
 *
 * Pure memory and file operations: no ptrace, no knowledge of the tracee.
 */
#ifndef PTI_ARENA_H
#define PTI_ARENA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ARENA_FILE_SIZE (1ULL << 40)

struct arena;

struct arena_stats {
	uint64_t regions;		/* extents in the table */
	uint64_t bytes;			/* bytes they cover */
	uint64_t resident_bytes;	/* memfd blocks allocated (st_blocks) */
	uint64_t streamed_bytes;	/* first bulk reads served by pread */
	uint64_t first_viewed_bytes;	/* ... and through the view */
	uint64_t kept_bytes;		/* freed file ranges kept for reuse */
	uint64_t reused_bytes;		/* kept pages zeroed for a mapping */
};

/*
 * Freed memory kept for reuse (arena.c, "Reuse"). When the tracee unmaps
 * redirected memory, its pages may stay in the memfd, stale, instead of
 * being punched: up to a budget of bytes shared by every arena of this
 * ptinspect (ARENA_KEEP_DEFAULT; 0 punches everything at once, as
 * natively the kernel frees the pages). The next mapping handed those
 * file offsets gets them zeroed first, which costs the program a fault
 * on a page already there instead of the allocation of a new one.
 */
#define ARENA_KEEP_DEFAULT (64ULL << 20)
void arena_set_keep_budget(uint64_t bytes);
/* Could len more bytes be kept now? */
bool arena_may_keep(uint64_t len);

/*
 * How a bulk read takes pages never read before: ARENA_FIRST_MEASURE (the
 * default) times both ways as it goes and takes the cheaper, the others
 * always take one (for tests and benchmarks); setting any starts the
 * measuring afresh. One setting per ptinspect: the cost is the host's
 * (arena-view.c, "The first read").
 */
enum arena_first_way {
	ARENA_FIRST_MEASURE,
	ARENA_FIRST_PREAD,
	ARENA_FIRST_VIEW,
};
void arena_set_first_way(enum arena_first_way way);

/*
 * What the measuring has found: the recent cost of a page read first, in
 * nanoseconds (0: not timed yet), by pread, and through the view its first
 * touch and its copy; and the way a bulk copy (arena_read) and a read in
 * place (arena_peek) take now.
 */
struct arena_first_costs {
	uint64_t pread_ns;
	uint64_t touch_ns;
	uint64_t copy_ns;
	enum arena_first_way copy_way;
	enum arena_first_way search_way;
};
void arena_get_first_costs(struct arena_first_costs *out);

/* A new, empty arena (memfd created, sized, sealed). */
struct arena *arena_new(char **errp);
/*
 * The same around fd, a fresh memfd made with MFD_ALLOW_SEALING (by the
 * tracee, taken here with pidfd_getfd); the arena owns fd, closing it on
 * failure too.
 */
struct arena *arena_new_fd(int fd, char **errp);
/*
 * Puts fd (as for arena_new_fd) in place of the arena's memfd, which no
 * tracee mapping may use yet (no extent). 0, or -1 with *errp (fd closed).
 */
int arena_adopt_fd(struct arena *a, int fd, char **errp);
void arena_free(struct arena *a);
/* The memfd, for installing into the tracee (via pidfd_getfd's reverse). */
int arena_fd(const struct arena *a);
/*
 * Where a tracee opens the memfd: /proc/<this process>/fd/<arena_fd>,
 * zero-padded to size bytes.
 */
void arena_fd_path(const struct arena *a, char *path, size_t size);

/*
 * File space: a page-aligned slot for a mapping of len bytes (with
 * headroom for growth). 0 and *off, or -1 with *errp when full.
 */
int arena_alloc(struct arena *a, uint64_t len, uint64_t *off, char **errp);
/*
 * Bytes from off to the end of the slot holding off: how far a mapping
 * whose file range starts at off can grow in place without aliasing.
 */
uint64_t arena_slot_room(const struct arena *a, uint64_t off);
/* Gives back a slot from arena_alloc that was never mapped. */
void arena_release(struct arena *a, uint64_t off);
/* The same for a slot whose file range the caller has punched. */
void arena_release_punched(struct arena *a, uint64_t off);
/*
 * The same for a slot whose one extent, [off, off + len) of the file,
 * the tracee has unmapped and nobody punched: kept for reuse if the
 * budget allows, the whole slot punched otherwise.
 */
void arena_release_kept(struct arena *a, uint64_t slot, uint64_t off,
    uint64_t len);
/* Is off a slot handed out and not mapped (arena_release's to give)? */
bool arena_slot_unmapped(const struct arena *a, uint64_t off);

/*
 * The table. arena_map records [start, start+len) -> off (replacing any
 * overlap, whose file ranges are punched). arena_unmap removes the range,
 * splitting extents, punching their file ranges and freeing slots that no
 * extent uses any more. arena_zero punches the file behind a range that
 * stays mapped (MADV_DONTNEED/FREE/REMOVE). All take page-aligned
 * addresses; lengths are rounded up to pages.
 */
void arena_map(struct arena *a, uint64_t start, uint64_t len, uint64_t off);
void arena_unmap(struct arena *a, uint64_t start, uint64_t len);
void arena_zero(struct arena *a, uint64_t start, uint64_t len);
/*
 * The tracee's own munmap: arena_unmap, but the punches wait for
 * arena_punch_pending, which the caller runs once the tracee's munmap
 * has run. Punching while it runs made the punch zap the tracee's page
 * table entries (a TLB shootdown of its CPU, and its page-table lock
 * contended); after it, the punch only frees pages. Every other arena
 * call that could hand the offsets out again, copy them, or count them
 * runs the pending punches first, so nothing stale can reappear.
 */
void arena_unmap_later(struct arena *a, uint64_t start, uint64_t len);
/*
 * The emulated brk heap's shrink: arena_unmap, but the file ranges left
 * in the heap's slot are kept for reuse (within the budget) rather than
 * punched; arena_reclaim gives them back, zeroed, before the heap maps
 * them again.
 */
void arena_unmap_keep(struct arena *a, uint64_t start, uint64_t len);
/*
 * Before file range [off, off + len) of a slot handed out is mapped into
 * the tracee again: kept pages in it are zeroed (arena_alloc does this
 * for a new slot itself).
 */
void arena_reclaim(struct arena *a, uint64_t off, uint64_t len);
/* Punches every kept range: the pages go back to the system now. */
void arena_drop_kept(struct arena *a);
/*
 * The tracee's munmap of exactly one extent, its slot's only one: the
 * extent leaves the table, but its slot stays, neither punched nor free,
 * as if handed out by arena_alloc, for whoever frees the pages (the mmap
 * stub's munmap lane) to give back with arena_release_punched (or
 * arena_release, which punches). True, with the extent's file offset in
 * *off and its slot's in *slot and *slot_size; false, nothing changed,
 * where the range is anything else.
 */
bool arena_unmap_keep_slot(struct arena *a, uint64_t start, uint64_t len,
    uint64_t *off, uint64_t *slot, uint64_t *slot_size);
/* Runs the punches arena_unmap_later left; true when there were any. */
bool arena_punch_pending(struct arena *a);
bool arena_has_pending_punches(const struct arena *a);
/* mremap: the mapping at old_start moved/resized to new_start/new_len. */
void arena_move(struct arena *a, uint64_t old_start, uint64_t old_len,
    uint64_t new_start, uint64_t new_len);

/*
 * MADV_WIPEONFORK and MADV_KEEPONFORK of redirected memory, which a shared
 * mapping refuses: the mark is the extents' own, so it goes with them
 * (unmapped, replaced, moved by mremap, copied by arena_clone) as the
 * kernel's VM_WIPEONFORK goes with a mapping. arena_next_wipe gives the
 * first run of marked pages that ends after addr: [*start, *end).
 */
void arena_set_wipe(struct arena *a, uint64_t start, uint64_t len, bool on);
bool arena_next_wipe(const struct arena *a, uint64_t addr, uint64_t *start,
    uint64_t *end);
/* Is all of [addr, addr + len) marked? */
bool arena_wiped(const struct arena *a, uint64_t addr, uint64_t len);

/*
 * Translation: true when addr is redirected; then *off is its file offset
 * and *avail the bytes contiguous from addr in the same extent.
 */
bool arena_lookup(const struct arena *a, uint64_t addr, uint64_t *off,
    uint64_t *avail);

/* Is any of [start, start + len) redirected? */
bool arena_overlaps(const struct arena *a, uint64_t start, uint64_t len);

/*
 * The first extent that ends after addr: [*start, *end). False if none.
 */
bool arena_next(const struct arena *a, uint64_t addr, uint64_t *start,
    uint64_t *end);

/*
 * The first run of pages in [addr, end) that hold data (not holes), as
 * tracee addresses [*run_start, *run_end); addr must be redirected, and
 * the search stops at the end of its extent. False if there is none.
 */
bool arena_next_data(const struct arena *a, uint64_t addr, uint64_t end,
    uint64_t *run_start, uint64_t *run_end);

/*
 * Plain-memory access through ptinspect's mapping, stopping at the end of
 * the extent holding addr. Reads of holes give zeros without allocating.
 * Return bytes done (0 when addr is not redirected).
 */
size_t arena_read(struct arena *a, uint64_t addr, void *buf, size_t len);
/*
 * Reading in place (a search): ptinspect's pointer to addr in its view,
 * and in *len (the most wanted, on entry) how many bytes from there hold
 * data and are mapped (pages not yet mapped: within one 2 MiB chunk);
 * the pages stay mapped. NULL when the bytes at addr are to be copied by
 * arena_read instead: a hole, no window, addr not redirected, or pages
 * never read that are to be read by pread (a small run, the first read's
 * choice) or timed (arena_read times them). Valid until the next arena
 * call that changes the table or maps a window (which may unmap the
 * oldest: arena-view.c, "Address space").
 */
const void *arena_peek(struct arena *a, uint64_t addr, size_t *len);
size_t arena_write(struct arena *a, uint64_t addr, const void *buf,
    size_t len);

/*
 * The same through the file (pread, pwrite), never through ptinspect's
 * view: for small bookkeeping that comes back often but should not cost
 * a window (a mapping of the file, its page faults and its unmapping) in
 * a process nobody looks at, as the stub's lanes.
 */
size_t arena_read_file(struct arena *a, uint64_t addr, void *buf,
    size_t len);
size_t arena_write_file(struct arena *a, uint64_t addr, const void *buf,
    size_t len);

/*
 * fork: dst (a new arena) gets src's table and a copy of every populated
 * file range (SEEK_DATA/SEEK_HOLE + copy_file_range), at the same offsets
 * and with the same slots and marks. The caller then drops from dst what
 * the child does not map (MADV_DONTFORK ranges) and zeroes what is marked
 * for wiping. 0 or -1 with *errp.
 */
int arena_clone(struct arena *src, struct arena *dst, char **errp);

void arena_get_stats(struct arena *a, struct arena_stats *out);
/* Extents in the table: arena_get_stats' `regions`, without a syscall. */
size_t arena_extent_count(const struct arena *a);

#endif
