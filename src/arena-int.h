/*
 * arena-int.h: what arena.c (file space, the table, fork) and arena-view.c
 * (residency, ptinspect's view, reads and writes) share: the arena's
 * structures, the extent lookup both use, and arena_mark, which arena.c's
 * punch calls. Nothing else includes it.
 */
#ifndef PTI_ARENA_INT_H
#define PTI_ARENA_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
#define ARENA_LEAF_BLOCK	512	/* chunks, 1 GiB of file: a window */
/* Windows mapped at once, at most (arena-view.c, "Address space"). */
#define ARENA_WINDOWS_MAPPED	16
_Static_assert(ARENA_LEAF_BLOCK * ARENA_CHUNK == ARENA_WINDOW,
    "a block of leaves is a window's (arena_window_drop)");
#define ARENA_LEAF_BLOCKS	(ARENA_NCHUNKS / ARENA_LEAF_BLOCK)
/* A window that could not be mapped: use pread/pwrite. */
#define ARENA_NO_WINDOW		((unsigned char *)-1)
/* A read of at least this much is a bulk read (see "Our own view"). */
#define ARENA_BULK		(64ULL << 10)

struct arena_extent {
	uint64_t start;		/* tracee address, page aligned */
	uint64_t end;
	uint64_t off;		/* file offset of start */
	uint64_t slot;		/* file offset of its slot */
	bool wipe_on_fork;	/* MADV_WIPEONFORK (arena_set_wipe) */
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
#define ARENA_SEEN	2U	/* read before (pread or view), data or hole */
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
	/* The windows mapped, oldest first: a ring of their indices. */
	uint16_t win_ring[ARENA_WINDOWS_MAPPED];
	unsigned win_oldest, win_count;

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

	/*
	 * Freed file ranges whose pages stay for reuse (arena.c, "Reuse"):
	 * sorted, disjoint, outside every extent; zeroed or punched before
	 * any tracee mapping reaches them again.
	 */
	struct arena_range *kept;
	size_t nkept;
	size_t kept_cap;
	uint64_t kept_bytes;		/* their length, all told */
	uint64_t reused;		/* bytes of kept data zeroed for reuse */

	/* File ranges arena_unmap_later left to punch, in call order. */
	struct arena_range *pending;
	size_t npending;
	size_t pending_cap;
	bool punch_later;		/* arena_punch queues instead */

	/*
	 * The leaves by chunk, in two levels: ARENA_LEAF_BLOCKS pointers to
	 * blocks of ARENA_LEAF_BLOCK (NULL: no leaf in it), all from the
	 * heap. A flat table of every chunk (4 MiB) cost a page fault and
	 * an unmapping of its own in each process, freshly mapped and freed
	 * per arena: a tenth of ptinspect's time on a tree of processes
	 * like /bin/true, which touch one or two chunks.
	 */
	struct arena_leaf ***leaf_dir;

	uint64_t streamed;		/* bytes first bulk reads took by pread */
	uint64_t first_viewed;		/* ... and through the view */
};

/* The leaf of the chunk, or NULL: nothing known of its pages. */
static inline struct arena_leaf *
arena_leaf(const struct arena *a, uint64_t chunk)
{
	struct arena_leaf **block = a->leaf_dir[chunk / ARENA_LEAF_BLOCK];

	return block != NULL ? block[chunk % ARENA_LEAF_BLOCK] : NULL;
}

/* Index of the first extent that ends after addr. */
static inline size_t
arena_ext_index(const struct arena *a, uint64_t addr)
{
	return sorted_upper_bound(a->ext, a->next, sizeof(*a->ext),
	    offsetof(struct arena_extent, end), addr);
}

/* The extent holding tracee address addr, or NULL. */
static inline const struct arena_extent *
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

/*
 * Sets the `what` bits of the pages in [off, off+len); what 0 forgets all
 * that is known of them, as a punch does (arena-view.c).
 */
void arena_mark(struct arena *a, uint64_t off, uint64_t len, unsigned what);

#endif
