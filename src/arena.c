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
 * of a move, MADV_DONTNEED) punches its file range, so memory stays
 * bounded and nothing stale can reappear: at once, but for the tracee's
 * own munmap, whose punches wait until that munmap has run
 * (arena_unmap_later). Until they are done, every call that could hand
 * the file range out again, copy it or count it does them first.
 *
 * Reuse. Natively the kernel frees a page when a program unmaps it, and
 * allocates and zeroes a new one at the next fault; a memfd page costs
 * more both ways here (bench/page-cost: about +0.9 us a first write, +0.4
 * us to punch), and programs unmap and map again all the time (malloc's
 * trimmed heap and big blocks, pymalloc's arenas, V8's pages). So a file
 * range the tracee has unmapped is kept, not punched, within a budget of
 * ARENA_KEEP_DEFAULT bytes for all of this ptinspect's arenas (the
 * tracee's pages are gone; only the memfd holds them): a slot's last
 * extent when the slot is freed, and the emulated heap's shrink
 * (arena_unmap_keep). A kept range is stale: it is on the kept list
 * (sorted, disjoint, outside every extent) until a mapping needs its
 * file offsets, and then its pages that hold data are zeroed by pwrite,
 * in place (arena_alloc for a new slot's mapping length, arena_reclaim
 * for the heap's growth), while headroom is punched (mremap growth maps
 * it without asking). The tracee then faults on a page already in the
 * memfd: a page written, unmapped and taken again costs about 2.7 us,
 * the pwrite included, against 4.1 punched and 2.5 anonymous (this VM,
 * bench/page-cost; docs/BENCHMARKS.md, "Freed memory kept for reuse").
 * pwrite, because a memset through ptinspect's view would first fault
 * each page into it (2.6 us a page). Past the
 * budget, freed ranges are punched as before; a fork's copy and a pause
 * punch every kept range (arena_drop_kept), and so does a slot punched
 * whole. What it costs: up to the budget of memory the system would have
 * had back, and pages zeroed for a mapping stay allocated if the program
 * never touches them.
 *
 * fork. The child's memfd gets a copy of every data range of the parent's
 * (SEEK_DATA/SEEK_HOLE, then copy_file_range, which the kernel does
 * without touching either mapping: about 0.1-0.3 s for 256 MiB here) and
 * the same table, slots and free space.
 *
 * Reading and writing through ptinspect's own view of the file, and what
 * is known of which pages hold data, are arena-view.c's.
 *
 * Giving the memory back. When an arena goes, its file's pages are freed
 * by the last close of the memfd, and the windows' by their munmap: about
 * 15-25 ms for 256 MiB here, as long as the exit of the process itself.
 * Done in the tracer loop, that held every other tracee's stop as long
 * (and `continue` to gone of a 256 MiB process took 38.9 ms against 13.8
 * natively). A thread of ours does it instead (arena_dispose): arena_free
 * sends the descriptor and the windows through a pipe, atomically (each
 * message is below PIPE_BUF), and the thread closes and unmaps them; the
 * descriptor number and the addresses stay taken until then, so nothing
 * of ours can be handed them meanwhile. A process forked from ptinspect
 * (the keeper) has no such thread and frees them in place.
 *
 * Pure memory and file operations: no ptrace, no tracee knowledge. Not
 * thread-safe: one caller (the tracer loop) at a time.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "arena-int.h"
#include "util.h"

static uint64_t arena_round_up(uint64_t x, uint64_t to);
static void arena_ext_insert(struct arena *a, size_t i,
    const struct arena_extent *e);
static void arena_ext_split(struct arena *a, uint64_t addr);
static void arena_remove(struct arena *a, uint64_t start, uint64_t end,
    bool keep_in_slot);
static size_t arena_slot_index(const struct arena *a, uint64_t off);
static struct arena_slot *arena_slot_of(const struct arena *a, uint64_t off);
/* How a freed slot's file range ends (arena_slot_free). */
enum slot_end {
	SLOT_PUNCH,		/* punched here, whole */
	SLOT_PUNCHED,		/* the caller punched it, whole */
	SLOT_KEPT,		/* its data is on the kept list */
};

static void arena_slot_unref(struct arena *a, uint64_t slot, uint64_t off,
    uint64_t len);
static void arena_slot_let_go(struct arena *a, struct arena_slot *s,
    uint64_t off, uint64_t len);
static void arena_slot_free(struct arena *a, struct arena_slot *s,
    enum slot_end end);
static void arena_kept_add(struct arena *a, uint64_t off, uint64_t len);
static void arena_kept_cut(struct arena *a, uint64_t off, uint64_t len,
    enum slot_end how);
static void arena_zero_file(struct arena *a, uint64_t off, uint64_t len);
static void arena_free_insert(struct arena *a, uint64_t off, uint64_t len);
static bool arena_take(struct arena *a, uint64_t size, uint64_t align,
    uint64_t *off);
static void arena_punch(struct arena *a, uint64_t off, uint64_t len);
static int arena_prepare_fd(int fd, char **errp);
static void arena_free_leaves(struct arena *a);
static int arena_copy_file(const struct arena *src, struct arena *dst,
    uint64_t off, uint64_t len, char **errp);

static uint64_t
arena_round_up(uint64_t x, uint64_t to)
{
	return (x + to - 1) / to * to;
}

/* Reuse: the budget, and what all arenas keep of it. */
static uint64_t keep_budget = ARENA_KEEP_DEFAULT;
static uint64_t kept_total;

void
arena_set_keep_budget(uint64_t bytes)
{
	keep_budget = bytes;
}

bool
arena_may_keep(uint64_t len)
{
	return len <= keep_budget && kept_total <= keep_budget - len;
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
	a->leaf_dir = xcalloc(ARENA_LEAF_BLOCKS, sizeof(*a->leaf_dir));
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
	a->win_oldest = a->win_count = 0;
	arena_free_leaves(a);
	/* The old file goes, and its punches and kept pages with it. */
	a->npending = 0;
	kept_total -= a->kept_bytes;
	a->kept_bytes = 0;
	a->nkept = 0;
	close(a->fd);
	a->fd = fd;
	return 0;
}

/* One thing for the disposer: a window to unmap, or (win NULL) a fd. */
struct disposal {
	void *win;
	int fd;
};

static int dispose_pipe[2] = { -1, -1 };
static pid_t disposer_pid;	/* the process whose thread reads the pipe */

static void
dispose_now(const struct disposal *d)
{
	if (d->win != NULL)
		munmap(d->win, ARENA_WINDOW);
	else
		close(d->fd);
}

static void *
disposer_main(void *arg)
{
	struct disposal d;
	ssize_t n;

	(void)arg;
	for (;;) {
		n = read(dispose_pipe[0], &d, sizeof(d));
		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(d))
			return NULL;
		dispose_now(&d);
	}
}

/* Hands d to the disposer thread (started on first use), or does it. */
static void
arena_dispose(struct disposal d)
{
	static bool failed;
	sigset_t all, old;
	pthread_t thread;

	if (disposer_pid == 0 && !failed) {
		/* No signal of ptinspect's is ever the thread's to take. */
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		failed = pipe2(dispose_pipe, O_CLOEXEC) != 0 ||
		    pthread_create(&thread, NULL, disposer_main, NULL) != 0;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		if (!failed) {
			pthread_detach(thread);
			disposer_pid = getpid();
		}
	}
	if (disposer_pid != getpid() || write(dispose_pipe[1], &d,
	    sizeof(d)) != (ssize_t)sizeof(d))
		dispose_now(&d);
}

void
arena_free(struct arena *a)
{
	size_t i;

	if (a == NULL)
		return;
	for (i = 0; i < ARENA_NWINDOWS; i++)
		if (a->win[i] != NULL && a->win[i] != ARENA_NO_WINDOW)
			arena_dispose((struct disposal){ a->win[i], -1 });
	free(a->win);
	arena_dispose((struct disposal){ NULL, a->fd });
	arena_free_leaves(a);
	free(a->leaf_dir);
	free(a->ext);
	free(a->slots);
	free(a->free);
	free(a->pending);
	kept_total -= a->kept_bytes;
	free(a->kept);
	free(a);
}

/* Forgets all that is known of every page: no leaf is left. */
static void
arena_free_leaves(struct arena *a)
{
	size_t b, i;

	for (b = 0; b < ARENA_LEAF_BLOCKS; b++) {
		if (a->leaf_dir[b] == NULL)
			continue;
		for (i = 0; i < ARENA_LEAF_BLOCK; i++)
			free(a->leaf_dir[b][i]);
		free(a->leaf_dir[b]);
		a->leaf_dir[b] = NULL;
	}
}

int
arena_fd(const struct arena *a)
{
	return a->fd;
}

void
arena_fd_path(const struct arena *a, char *path, size_t size)
{
	memset(path, 0, size);
	snprintf(path, size, "/proc/%d/fd/%d", (int)getpid(), a->fd);
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
	arena_punch_pending(a);
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
	/* Kept pages: zeroed for the mapping, punched in its headroom. */
	arena_kept_cut(a, *off, plen < size ? plen : size, SLOT_KEPT);
	if (size > plen)
		arena_kept_cut(a, *off + plen, size - plen, SLOT_PUNCH);
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

/* The slot at off, handed out and unmapped, goes back to the free space. */
static void
arena_slot_give_back(struct arena *a, uint64_t off, bool punched)
{
	struct arena_slot *s = arena_slot_of(a, off);

	if (s == NULL || s->off != off || s->nextents != 0)
		fatalx("arena_release: 0x%llx: not an unmapped slot",
		    (unsigned long long)off);
	arena_slot_free(a, s, punched ? SLOT_PUNCHED : SLOT_PUNCH);
}

void
arena_release(struct arena *a, uint64_t off)
{
	arena_slot_give_back(a, off, false);
}

void
arena_release_punched(struct arena *a, uint64_t off)
{
	arena_slot_give_back(a, off, true);
}

void
arena_release_kept(struct arena *a, uint64_t slot, uint64_t off,
    uint64_t len)
{
	struct arena_slot *s = arena_slot_of(a, slot);

	if (s == NULL || s->off != slot || s->nextents != 0 || off < slot ||
	    len > s->size || off - slot > s->size - len)
		fatalx("arena_release_kept: 0x%llx: not an unmapped slot",
		    (unsigned long long)slot);
	arena_slot_let_go(a, s, off, arena_round_up(len, PTI_PAGE_SIZE));
}

bool
arena_slot_unmapped(const struct arena *a, uint64_t off)
{
	const struct arena_slot *s = arena_slot_of(a, off);

	return s != NULL && s->off == off && s->nextents == 0;
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

/*
 * One extent of the slot at file offset slot is gone, file range [off,
 * off + len): the last one frees the slot, its range kept if the budget
 * allows.
 */
static void
arena_slot_unref(struct arena *a, uint64_t slot, uint64_t off, uint64_t len)
{
	struct arena_slot *s = arena_slot_of(a, slot);

	if (s == NULL || s->off != slot || s->nextents == 0)
		fatalx("arena: slot 0x%llx: reference count broken",
		    (unsigned long long)slot);
	if (--s->nextents > 0)
		return;
	arena_slot_let_go(a, s, off, len);
}

/* s, unmapped, is freed: [off, off + len) kept if the budget allows. */
static void
arena_slot_let_go(struct arena *a, struct arena_slot *s, uint64_t off,
    uint64_t len)
{
	if (!arena_may_keep(len)) {
		arena_slot_free(a, s, SLOT_PUNCH);
		return;
	}
	arena_kept_add(a, off, len);
	arena_slot_free(a, s, SLOT_KEPT);
}

/*
 * s leaves the slots for the free space. Its pages are zeros or holes
 * before anyone gets them again: punched whole here or by the caller, or
 * kept (whatever data the slot holds is on the kept list then: its
 * extents' ranges went there or were punched).
 */
static void
arena_slot_free(struct arena *a, struct arena_slot *s, enum slot_end end)
{
	uint64_t off = s->off, size = s->size;
	size_t i = (size_t)(s - a->slots);

	memmove(&a->slots[i], &a->slots[i + 1],
	    (a->nslots - i - 1) * sizeof(*a->slots));
	a->nslots--;
	if (end == SLOT_KEPT) {
		arena_mark(a, off, size, 0);
	} else {
		/* The kept ranges in it become holes with it. */
		arena_kept_cut(a, off, size, SLOT_PUNCHED);
		if (end == SLOT_PUNCHED)
			arena_mark(a, off, size, 0);
		else
			arena_punch(a, off, size);
	}
	arena_free_insert(a, off, size);
}

/* ---- reuse ---- */

/* [off, off + len), outside every extent and kept range, is kept. */
static void
arena_kept_add(struct arena *a, uint64_t off, uint64_t len)
{
	struct arena_range *prev;
	size_t i;

	if (len == 0)
		return;
	arena_mark(a, off, len, 0);
	a->kept_bytes += len;
	kept_total += len;
	i = sorted_upper_bound(a->kept, a->nkept, sizeof(*a->kept),
	    offsetof(struct arena_range, off), off);
	prev = i > 0 ? &a->kept[i - 1] : NULL;
	if (prev != NULL && prev->off + prev->len == off) {
		prev->len += len;
		if (i < a->nkept && off + len == a->kept[i].off) {
			prev->len += a->kept[i].len;
			memmove(&a->kept[i], &a->kept[i + 1],
			    (a->nkept - i - 1) * sizeof(*a->kept));
			a->nkept--;
		}
		return;
	}
	if (i < a->nkept && off + len == a->kept[i].off) {
		a->kept[i].off = off;
		a->kept[i].len += len;
		return;
	}
	if (a->nkept == a->kept_cap) {
		a->kept_cap = a->kept_cap ? 2 * a->kept_cap : 8;
		a->kept = xreallocarray(a->kept, a->kept_cap,
		    sizeof(*a->kept));
	}
	memmove(&a->kept[i + 1], &a->kept[i],
	    (a->nkept - i) * sizeof(*a->kept));
	a->kept[i] = (struct arena_range){ off, len };
	a->nkept++;
}

/*
 * [off, off + len) leaves the kept list, its kept pages zeroed
 * (SLOT_KEPT: a mapping is about to use them), punched (SLOT_PUNCH), or
 * left to the caller, who punches them (SLOT_PUNCHED).
 */
static void
arena_kept_cut(struct arena *a, uint64_t off, uint64_t len,
    enum slot_end how)
{
	uint64_t end = off + len, s, e;
	struct arena_range *r;
	size_t i;

	i = sorted_upper_bound(a->kept, a->nkept, sizeof(*a->kept),
	    offsetof(struct arena_range, off), off);
	if (i > 0 && a->kept[i - 1].off + a->kept[i - 1].len > off)
		i--;
	while (i < a->nkept && a->kept[i].off < end) {
		r = &a->kept[i];
		s = r->off > off ? r->off : off;
		e = r->off + r->len < end ? r->off + r->len : end;
		a->kept_bytes -= e - s;
		kept_total -= e - s;
		if (how == SLOT_KEPT)
			arena_zero_file(a, s, e - s);
		else if (how == SLOT_PUNCH)
			arena_punch(a, s, e - s);
		if (s > r->off && e < r->off + r->len) {
			/* The middle goes: the tail becomes a range. */
			if (a->nkept == a->kept_cap) {
				a->kept_cap *= 2;
				a->kept = xreallocarray(a->kept, a->kept_cap,
				    sizeof(*a->kept));
				r = &a->kept[i];
			}
			memmove(&a->kept[i + 2], &a->kept[i + 1],
			    (a->nkept - i - 1) * sizeof(*a->kept));
			a->kept[i + 1] = (struct arena_range){ e,
			    r->off + r->len - e };
			a->nkept++;
			r->len = s - r->off;
			return;
		}
		if (s > r->off) {
			r->len = s - r->off;
			i++;
		} else if (e < r->off + r->len) {
			r->len = r->off + r->len - e;
			r->off = e;
			return;
		} else {
			memmove(r, r + 1, (a->nkept - i - 1) * sizeof(*r));
			a->nkept--;
		}
	}
}

/*
 * The pages of [off, off + len) that hold data become zeros, in place:
 * pwrite from a zero buffer, run by run of data (holes stay holes). What
 * cannot be written is punched: zeros either way.
 */
static void
arena_zero_file(struct arena *a, uint64_t off, uint64_t len)
{
	static const char zeros[256 << 10];
	off_t data = (off_t)off, end = (off_t)(off + len), hole;
	ssize_t n;

	arena_mark(a, off, len, 0);
	while (data < end) {
		data = lseek(a->fd, data, SEEK_DATA);
		if (data < 0 || data >= end)
			return;
		hole = lseek(a->fd, data, SEEK_HOLE);
		if (hole < 0 || hole > end)
			hole = end;
		while (data < hole) {
			n = pwrite(a->fd, zeros, (size_t)(hole - data) <
			    sizeof(zeros) ? (size_t)(hole - data) :
			    sizeof(zeros), data);
			if (n <= 0) {
				arena_punch(a, (uint64_t)data,
				    (uint64_t)(end - data));
				return;
			}
			a->reused += (uint64_t)n;
			data += n;
		}
	}
}

void
arena_reclaim(struct arena *a, uint64_t off, uint64_t len)
{
	arena_punch_pending(a);
	arena_kept_cut(a, off, arena_round_up(len, PTI_PAGE_SIZE),
	    SLOT_KEPT);
}

void
arena_drop_kept(struct arena *a)
{
	while (a->nkept > 0)
		arena_kept_cut(a, a->kept[0].off, a->kept[0].len, SLOT_PUNCH);
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
	struct arena_range *last;

	if (len == 0)
		return;
	if (a->punch_later) {
		last = a->npending > 0 ? &a->pending[a->npending - 1] : NULL;
		if (last != NULL && last->off + last->len == off) {
			last->len += len;
			return;
		}
		if (a->npending == a->pending_cap) {
			a->pending_cap = a->pending_cap ? 2 * a->pending_cap
			    : 8;
			a->pending = xreallocarray(a->pending, a->pending_cap,
			    sizeof(*a->pending));
		}
		a->pending[a->npending++] = (struct arena_range){ off, len };
		return;
	}
	arena_mark(a, off, len, 0);
	if (fallocate(a->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
	    (off_t)off, (off_t)len) < 0)
		warn_msg("arena: punching 0x%llx+0x%llx",
		    (unsigned long long)off, (unsigned long long)len);
}

/* ---- the table ---- */

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
 * (kept, with keep_in_slot, within the budget) and slots nobody references
 * any more are freed.
 */
static void
arena_remove(struct arena *a, uint64_t start, uint64_t end,
    bool keep_in_slot)
{
	const struct arena_extent *e;
	struct arena_slot *s;
	size_t i, j;

	if (start >= end)
		return;
	arena_ext_split(a, start);
	arena_ext_split(a, end);
	i = arena_ext_index(a, start);
	for (j = i; j < a->next && a->ext[j].start < end; j++) {
		e = &a->ext[j];
		a->ext_bytes -= e->end - e->start;
		s = arena_slot_of(a, e->slot);
		if (s == NULL || s->nextents <= 1) {
			/* A slot's last extent frees the slot. */
			arena_slot_unref(a, e->slot, e->off, e->end - e->start);
			continue;
		}
		s->nextents--;
		if (keep_in_slot && arena_may_keep(e->end - e->start))
			arena_kept_add(a, e->off, e->end - e->start);
		else
			arena_punch(a, e->off, e->end - e->start);
	}
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
	arena_punch_pending(a);
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
	e.wipe_on_fork = false;
	arena_remove(a, start, start + len, false);
	arena_ext_insert(a, arena_ext_index(a, start), &e);
}

void
arena_unmap(struct arena *a, uint64_t start, uint64_t len)
{
	arena_remove(a, start, start + arena_round_up(len, PTI_PAGE_SIZE),
	    false);
}

void
arena_unmap_keep(struct arena *a, uint64_t start, uint64_t len)
{
	arena_remove(a, start, start + arena_round_up(len, PTI_PAGE_SIZE),
	    true);
}

void
arena_unmap_later(struct arena *a, uint64_t start, uint64_t len)
{
	a->punch_later = true;
	arena_remove(a, start, start + arena_round_up(len, PTI_PAGE_SIZE),
	    false);
	a->punch_later = false;
}

bool
arena_unmap_keep_slot(struct arena *a, uint64_t start, uint64_t len,
    uint64_t *off, uint64_t *slot, uint64_t *slot_size)
{
	size_t i = arena_ext_index(a, start);
	struct arena_slot *s;

	len = arena_round_up(len, PTI_PAGE_SIZE);
	if (i == a->next || a->ext[i].start != start ||
	    a->ext[i].end != start + len)
		return false;
	s = arena_slot_of(a, a->ext[i].slot);
	if (s->nextents != 1)
		return false;
	s->nextents = 0;
	*off = a->ext[i].off;
	*slot = s->off;
	*slot_size = s->size;
	a->ext_bytes -= len;
	memmove(&a->ext[i], &a->ext[i + 1],
	    (a->next - i - 1) * sizeof(*a->ext));
	a->next--;
	return true;
}

bool
arena_punch_pending(struct arena *a)
{
	size_t i, n = a->npending;

	/* Emptied first: arena_punch must not queue them again. */
	a->npending = 0;
	for (i = 0; i < n; i++)
		arena_punch(a, a->pending[i].off, a->pending[i].len);
	return n > 0;
}

bool
arena_has_pending_punches(const struct arena *a)
{
	return a->npending > 0;
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

void
arena_set_wipe(struct arena *a, uint64_t start, uint64_t len, bool on)
{
	uint64_t end = start + arena_round_up(len, PTI_PAGE_SIZE), s, e;
	size_t i;

	/* Nothing to clear: no extent split for it. */
	if (!on && (!arena_next_wipe(a, start, &s, &e) || s >= end))
		return;
	arena_ext_split(a, start);
	arena_ext_split(a, end);
	for (i = arena_ext_index(a, start);
	    i < a->next && a->ext[i].start < end; i++)
		a->ext[i].wipe_on_fork = on;
}

bool
arena_next_wipe(const struct arena *a, uint64_t addr, uint64_t *start,
    uint64_t *end)
{
	size_t i = arena_ext_index(a, addr);

	while (i < a->next && !a->ext[i].wipe_on_fork)
		i++;
	if (i == a->next)
		return false;
	*start = a->ext[i].start;
	/* Marked extents that touch make one run. */
	while (i + 1 < a->next && a->ext[i + 1].wipe_on_fork &&
	    a->ext[i + 1].start == a->ext[i].end)
		i++;
	*end = a->ext[i].end;
	return true;
}

bool
arena_wiped(const struct arena *a, uint64_t addr, uint64_t len)
{
	uint64_t s, e;

	return arena_next_wipe(a, addr, &s, &e) && s <= addr &&
	    addr + len <= e;
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

	arena_punch_pending(a);
	old_len = arena_round_up(old_len, PTI_PAGE_SIZE);
	new_len = arena_round_up(new_len, PTI_PAGE_SIZE);
	if (new_len < old_len)
		arena_remove(a, old_start + new_len, old_start + old_len, false);
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
	arena_remove(a, new_start, new_start + new_len, false);
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
arena_overlaps(const struct arena *a, uint64_t start, uint64_t len)
{
	size_t i = arena_ext_index(a, start);

	return i < a->next && a->ext[i].start < start + len;
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
arena_clone(struct arena *src, struct arena *dst, char **errp)
{
	off_t data, hole = 0;

	if (dst->next != 0 || dst->nslots != 0)
		return set_error(errp, "arena: clone into an arena in use");
	/* Freed space must reach the child as holes. */
	arena_punch_pending(src);
	arena_drop_kept(src);
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

	arena_punch_pending(a);
	out->regions = a->next;
	out->bytes = a->ext_bytes;
	out->streamed_bytes = a->streamed;
	out->first_viewed_bytes = a->first_viewed;
	out->kept_bytes = a->kept_bytes;
	out->reused_bytes = a->reused;
	out->resident_bytes = fstat(a->fd, &st) == 0
	    ? (uint64_t)st.st_blocks * 512 : 0;
}
