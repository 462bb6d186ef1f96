/*
 * unit-arena.c: the memfd arena on its own (src/arena.c, arena-view.c):
 * slots, the address table under map/unmap/zero/move, hole-aware reads,
 * first reads each way and the measuring between them, the view lent for
 * reading in place, the cap on windows mapped, fork cloning, freed memory
 * kept for reuse. All but test_reuse run with no reuse budget: every
 * freed range is punched at once there.
 * Tracee addresses here are just numbers; the "tracee's" own view of the
 * file is a second MAP_SHARED mapping of arena_fd().
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "util.h"
#include "tap.h"

#define PAGE	4096ULL
#define MIB	(1ULL << 20)
#define GIB	(1ULL << 30)
#define BASE	0x100000000000ULL	/* a made-up tracee address */

static uint64_t blocks(struct arena *a);
static struct arena *new_arena(void);
static uint64_t slot(struct arena *a, uint64_t len);
static bool all_bytes(const unsigned char *p, size_t len, unsigned char c);
static bool reads(struct arena *a, uint64_t addr, size_t len,
    unsigned char c);
static void fill(struct arena *a, uint64_t addr, size_t len,
    unsigned char c);
static unsigned char *tracee_view(struct arena *a, uint64_t off,
    uint64_t len);
static double now(void);
static bool move_dies(struct arena *a, uint64_t old_start, uint64_t old_len,
    uint64_t new_start, uint64_t new_len);

static void test_alloc(void);
static void test_split(void);
static void test_map_over(void);
static void test_zero(void);
static void test_move(void);
static void test_edges(void);
static void test_holes(void);
static void test_outside_writes(void);
static uint64_t view_rss(struct arena *a);
static void test_cold_reads(void);
static void test_first_view(void);
static void test_first_measure(void);
static void test_peek(void);
static void test_window_budget(void);
static void test_clone(void);
static void test_loop(void);
static void test_many_small(void);
static void test_unmap_later(void);
static void test_file_access(void);
static void test_far_chunks(void);
static void test_reuse(void);
static void test_reuse_heap(void);
static void test_reuse_budget(void);
static void test_wipe_marks(void);

/* Bytes the memfd has allocated. */
static uint64_t
blocks(struct arena *a)
{
	struct stat st;

	if (fstat(arena_fd(a), &st) < 0)
		tap_bail("fstat: %s", strerror(errno));
	return (uint64_t)st.st_blocks * 512;
}

static struct arena *
new_arena(void)
{
	char *err = NULL;
	struct arena *a = arena_new(&err);

	if (a == NULL)
		tap_bail("%s", err);
	return a;
}

/*
 * The "tracee's" mapping of len bytes of the file at off, entered in the
 * arena at BASE.
 */
static unsigned char *
tracee_view(struct arena *a, uint64_t off, uint64_t len)
{
	unsigned char *t = mmap(NULL, len, PROT_READ | PROT_WRITE,
	    MAP_SHARED, arena_fd(a), (off_t)off);

	if (t == MAP_FAILED)
		tap_bail("mmap of the memfd: %s", strerror(errno));
	arena_map(a, BASE, len, off);
	return t;
}

static uint64_t
slot(struct arena *a, uint64_t len)
{
	char *err = NULL;
	uint64_t off;

	if (arena_alloc(a, len, &off, &err) < 0)
		tap_bail("%s", err);
	return off;
}

static bool
all_bytes(const unsigned char *p, size_t len, unsigned char c)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != c)
			return false;
	return true;
}

/* Whether [addr, addr+len) reads back as len bytes of c. */
static bool
reads(struct arena *a, uint64_t addr, size_t len, unsigned char c)
{
	unsigned char *buf = xmalloc(len);
	bool ok;

	memset(buf, c ^ 0xff, len);
	ok = arena_read(a, addr, buf, len) == len && all_bytes(buf, len, c);
	free(buf);
	return ok;
}

static void
fill(struct arena *a, uint64_t addr, size_t len, unsigned char c)
{
	unsigned char *buf = xmalloc(len);

	memset(buf, c, len);
	if (arena_write(a, addr, buf, len) != len)
		tap_bail("write 0x%llx+%zu failed", (unsigned long long)addr,
		    len);
	free(buf);
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Whether that arena_move kills the process (fatalx: exit 125). */
static bool
move_dies(struct arena *a, uint64_t old_start, uint64_t old_len,
    uint64_t new_start, uint64_t new_len)
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		arena_move(a, old_start, old_len, new_start, new_len);
		_exit(0);
	}
	return pid > 0 && waitpid(pid, &status, 0) == pid &&
	    WIFEXITED(status) && WEXITSTATUS(status) == 125;
}

static void
test_alloc(void)
{
	struct arena *a = new_arena();
	struct arena_stats st;
	uint64_t o1, o2, o3, size;
	char *err = NULL;
	int ret;

	tap_ok(blocks(a) == 0, "a new arena has no blocks");
	o1 = slot(a, 3 * PAGE);
	o2 = slot(a, 1 * MIB);
	size = arena_slot_room(a, o1);
	tap_ok(o1 % PAGE == 0 && o2 % (2 * MIB) == 0,
	    "slots are page aligned, 2 MiB aligned when big");
	tap_ok(size >= 6 * PAGE && (o2 >= o1 + size || o2 + 2 * MIB <= o1),
	    "small slot has headroom (%llu bytes) and no overlap",
	    (unsigned long long)size);
	tap_ok(arena_slot_room(a, o2) >= 2 * MIB,
	    "1 MiB slot leaves room to double");
	ret = arena_alloc(a, 0, &o3, &err);
	tap_ok(ret < 0 && err != NULL, "zero-length slot refused: %s",
	    err ? err : "");
	free(err);
	err = NULL;
	ret = arena_alloc(a, ARENA_FILE_SIZE + 1, &o3, &err);
	tap_ok(ret < 0 && err != NULL, "slot bigger than the file refused");
	free(err);
	o3 = slot(a, 5 * PAGE);
	arena_release(a, o3);
	tap_ok(arena_slot_room(a, o3) == 0 && slot(a, 5 * PAGE) == o3,
	    "a released slot is free and handed out again");

	/* Map, dirty, unmap: the slot is punched and handed out again. */
	arena_map(a, BASE, 1 * MIB, o2);
	fill(a, BASE, 1 * MIB, 0xab);
	tap_ok(blocks(a) >= 1 * MIB, "writing populated the memfd");
	arena_unmap(a, BASE, 1 * MIB);
	tap_ok(blocks(a) == 0, "unmap punched the slot (st_blocks 0)");
	o3 = slot(a, 1 * MIB);
	tap_ok(o3 == o2, "freed slot reused (0x%llx)",
	    (unsigned long long)o3);
	arena_map(a, BASE, 1 * MIB, o3);
	tap_ok(reads(a, BASE, 1 * MIB, 0), "reused slot reads zeros");
	arena_get_stats(a, &st);
	tap_ok(st.regions == 1 && st.bytes == 1 * MIB &&
	    st.resident_bytes == 0, "stats: 1 region, 1 MiB, 0 resident");
	arena_free(a);
}

static void
test_split(void)
{
	struct arena *a = new_arena();
	struct arena_stats st;
	uint64_t off = slot(a, 16 * PAGE), o, avail;
	unsigned char b;

	arena_map(a, BASE, 16 * PAGE, off);
	fill(a, BASE, 16 * PAGE, 0x11);
	arena_unmap(a, BASE + 4 * PAGE, 4 * PAGE);
	tap_ok(!arena_lookup(a, BASE + 4 * PAGE, &o, &avail) &&
	    !arena_lookup(a, BASE + 8 * PAGE - 1, &o, &avail),
	    "unmapped middle no longer translates");
	tap_ok(arena_lookup(a, BASE + 8 * PAGE, &o, &avail) &&
	    o == off + 8 * PAGE && avail == 8 * PAGE,
	    "right piece keeps its file offsets");
	tap_ok(arena_lookup(a, BASE, &o, &avail) && o == off &&
	    avail == 4 * PAGE, "left piece ends at the hole");
	tap_ok(reads(a, BASE, 4 * PAGE, 0x11) &&
	    reads(a, BASE + 8 * PAGE, 8 * PAGE, 0x11),
	    "both pieces keep their data");
	tap_ok(blocks(a) == 12 * PAGE, "the middle's pages were punched");
	tap_ok(arena_read(a, BASE + 5 * PAGE, &b, 1) == 0 &&
	    arena_write(a, BASE + 5 * PAGE, &b, 1) == 0,
	    "no access in the hole");
	arena_get_stats(a, &st);
	tap_ok(st.regions == 2 && st.bytes == 12 * PAGE, "stats: 2 regions");
	arena_unmap(a, BASE, 4 * PAGE);
	tap_ok(arena_slot_room(a, off) != 0, "slot lives while a piece does");
	arena_unmap(a, BASE + 8 * PAGE, 8 * PAGE);
	tap_ok(arena_slot_room(a, off) == 0 && blocks(a) == 0,
	    "last piece gone: slot freed and punched");
	arena_free(a);
}

static void
test_map_over(void)
{
	struct arena *a = new_arena();
	uint64_t o1 = slot(a, 8 * PAGE), o2, o, avail;
	unsigned char buf[PAGE];

	arena_map(a, BASE, 8 * PAGE, o1);
	fill(a, BASE, 8 * PAGE, 0x22);
	o2 = slot(a, 2 * PAGE);
	arena_map(a, BASE + 3 * PAGE, 2 * PAGE, o2);
	tap_ok(reads(a, BASE + 3 * PAGE, 2 * PAGE, 0),
	    "MAP_FIXED over existing memory reads zeros");
	tap_ok(arena_lookup(a, BASE + 3 * PAGE, &o, &avail) && o == o2 &&
	    avail == 2 * PAGE, "the new mapping translates to its slot");
	tap_ok(reads(a, BASE, 3 * PAGE, 0x22) &&
	    reads(a, BASE + 5 * PAGE, 3 * PAGE, 0x22),
	    "the rest of the old mapping is intact");
	tap_ok(pread(arena_fd(a), buf, PAGE, (off_t)(o1 + 3 * PAGE)) ==
	    (ssize_t)PAGE && all_bytes(buf, PAGE, 0),
	    "the replaced file range was punched");
	tap_ok(blocks(a) == 6 * PAGE, "memfd holds only the live pages");
	arena_map(a, BASE, 8 * PAGE, o2 + 2 * PAGE);
	tap_ok(arena_slot_room(a, o1) == 0, "slot freed once fully replaced");
	arena_free(a);
}

static void
test_zero(void)
{
	struct arena *a = new_arena();
	uint64_t off = slot(a, 8 * PAGE), o, avail;

	arena_map(a, BASE, 8 * PAGE, off);
	fill(a, BASE, 8 * PAGE, 0x33);
	arena_zero(a, BASE + 2 * PAGE, 3 * PAGE);
	tap_ok(reads(a, BASE + 2 * PAGE, 3 * PAGE, 0) &&
	    reads(a, BASE, 2 * PAGE, 0x33) &&
	    reads(a, BASE + 5 * PAGE, 3 * PAGE, 0x33),
	    "DONTNEED range reads zeros, the rest keeps its data");
	tap_ok(arena_lookup(a, BASE + 2 * PAGE, &o, &avail) &&
	    o == off + 2 * PAGE && avail == 6 * PAGE,
	    "zeroed range stays mapped");
	tap_ok(blocks(a) == 5 * PAGE, "zeroed pages were punched");
	/* Redirected only: a range past the extent is ignored. */
	arena_zero(a, BASE + 6 * PAGE, 64 * PAGE);
	tap_ok(reads(a, BASE + 6 * PAGE, 2 * PAGE, 0) &&
	    reads(a, BASE + 5 * PAGE, PAGE, 0x33),
	    "zero over the extent's end stops at it");
	fill(a, BASE + 2 * PAGE, PAGE, 0x34);
	tap_ok(reads(a, BASE + 2 * PAGE, PAGE, 0x34),
	    "a zeroed page can be written again");
	arena_free(a);
}

static void
test_move(void)
{
	struct arena *a = new_arena();
	uint64_t off = slot(a, 8 * PAGE), room, o, avail, o2;
	uint64_t dst = BASE + 1 * GIB;

	arena_map(a, BASE, 8 * PAGE, off);
	fill(a, BASE, 8 * PAGE, 0x44);
	room = arena_slot_room(a, off);

	arena_move(a, BASE, 8 * PAGE, BASE, 4 * PAGE);
	tap_ok(!arena_lookup(a, BASE + 4 * PAGE, &o, &avail) &&
	    arena_lookup(a, BASE, &o, &avail) && avail == 4 * PAGE,
	    "shrink: the tail is gone");
	tap_ok(blocks(a) == 4 * PAGE, "shrink punched the tail");

	arena_move(a, BASE, 4 * PAGE, BASE, room);
	tap_ok(arena_lookup(a, BASE + room - PAGE, &o, &avail) &&
	    o == off + room - PAGE && avail == PAGE,
	    "grow in place to the whole slot (%llu bytes)",
	    (unsigned long long)room);
	tap_ok(reads(a, BASE, 4 * PAGE, 0x44) &&
	    reads(a, BASE + 4 * PAGE, room - 4 * PAGE, 0),
	    "growth keeps the data and the new part reads zeros");
	tap_ok(arena_slot_room(a, off) == room,
	    "the mapping's own range does not limit its room");

	fill(a, BASE + room - PAGE, PAGE, 0x45);
	arena_move(a, BASE, room, dst, room);
	tap_ok(!arena_lookup(a, BASE, &o, &avail) &&
	    arena_lookup(a, dst, &o, &avail) && o == off && avail == room,
	    "move: same file offsets at the new address");
	tap_ok(reads(a, dst, 4 * PAGE, 0x44) &&
	    reads(a, dst + room - PAGE, PAGE, 0x45), "move keeps the data");

	/* Moving onto an existing mapping replaces it (MREMAP_FIXED). */
	o2 = slot(a, 4 * PAGE);
	arena_map(a, BASE, 4 * PAGE, o2);
	fill(a, BASE, 4 * PAGE, 0x46);
	arena_move(a, dst, 2 * PAGE, BASE + PAGE, 2 * PAGE);
	tap_ok(reads(a, BASE, PAGE, 0x46) &&
	    reads(a, BASE + PAGE, 2 * PAGE, 0x44) &&
	    reads(a, BASE + 3 * PAGE, PAGE, 0x46),
	    "move over a mapping: the destination is replaced");
	tap_ok(arena_lookup(a, dst + 2 * PAGE, &o, &avail) &&
	    o == off + 2 * PAGE, "the rest of the source stays");

	/*
	 * Split pieces that went separate ways: growing the first must not
	 * reach the second's file range.
	 */
	tap_ok(arena_slot_room(a, off) == 2 * PAGE,
	    "room stops at another piece's file range");

	/* Growing past the room is redirect.c's bug: the arena stops. */
	tap_ok(move_dies(a, BASE + PAGE, 2 * PAGE, BASE + PAGE, 3 * PAGE),
	    "growth into another piece's file range is refused (fatal)");
	/*
	 * Growing the first part of an extent (mremap of part of a VMA):
	 * the room from its offset covers the rest of the extent, which the
	 * growth would alias. The caller must also check that arena_lookup's
	 * avail at old_start is old_len; the arena refuses in any case.
	 */
	o2 = slot(a, 8 * PAGE);
	arena_map(a, BASE + 2 * GIB, 8 * PAGE, o2);
	tap_ok(arena_slot_room(a, o2) >= 8 * PAGE &&
	    move_dies(a, BASE + 2 * GIB, 4 * PAGE, BASE + 3 * GIB, 6 * PAGE),
	    "growth of an extent's first part into its rest is refused");
	arena_free(a);
}

static void
test_edges(void)
{
	struct arena *a = new_arena();
	uint64_t o1 = slot(a, 4 * PAGE), o2 = slot(a, 4 * PAGE), o, avail;
	uint64_t mid = BASE + 4 * PAGE, end = BASE + 8 * PAGE;
	unsigned char buf[8 * PAGE];

	arena_map(a, BASE, 4 * PAGE, o1);
	arena_map(a, mid, 4 * PAGE, o2);
	tap_ok(!arena_lookup(a, BASE - 1, &o, &avail), "before the first");
	tap_ok(arena_lookup(a, BASE, &o, &avail) && o == o1 &&
	    avail == 4 * PAGE, "first byte");
	tap_ok(arena_lookup(a, mid - 1, &o, &avail) &&
	    o == o1 + 4 * PAGE - 1 && avail == 1, "last byte of the first");
	tap_ok(arena_lookup(a, mid, &o, &avail) && o == o2 &&
	    avail == 4 * PAGE, "first byte of the second");
	tap_ok(arena_lookup(a, end - 1, &o, &avail) && o == o2 + 4 * PAGE - 1 &&
	    avail == 1, "last byte of the second");
	tap_ok(!arena_lookup(a, end, &o, &avail), "one past the end");
	fill(a, BASE, 4 * PAGE, 0x55);
	fill(a, mid, 4 * PAGE, 0x56);
	tap_ok(arena_read(a, mid - 3, buf, sizeof(buf)) == 3 &&
	    all_bytes(buf, 3, 0x55), "read across an extent end stops there");
	tap_ok(arena_write(a, mid - 2, buf, sizeof(buf)) == 2,
	    "write across an extent end stops there");
	tap_ok(arena_read(a, end - 1, buf, sizeof(buf)) == 1 &&
	    buf[0] == 0x56, "read at the very end gives one byte");
	arena_free(a);
}

static void
test_holes(void)
{
	struct arena *a = new_arena();
	uint64_t len = 64 * GIB, off = slot(a, len), pos;
	size_t chunk = 8 * MIB;
	unsigned char *buf = xmalloc(chunk);
	bool zero = true;
	double t;

	arena_map(a, BASE, len, off);
	t = now();
	for (pos = 0; pos < len; pos += chunk) {
		memset(buf, 0xff, 64);
		if (arena_read(a, BASE + pos, buf, chunk) != chunk ||
		    !all_bytes(buf, 64, 0))
			zero = false;
	}
	tap_ok(zero, "a 64 GiB never touched reservation reads zeros");
	tap_diag("read 64 GiB of holes in %.2f s", now() - t);
	tap_ok(blocks(a) == 0, "and the memfd still has no blocks");

	fill(a, BASE + 5 * GIB + PAGE, 10, 0x66);
	memset(buf, 0xff, 4 * PAGE);
	tap_ok(arena_read(a, BASE + 5 * GIB, buf, 4 * PAGE) == 4 * PAGE &&
	    all_bytes(buf, PAGE, 0) && all_bytes(buf + PAGE, 10, 0x66) &&
	    all_bytes(buf + PAGE + 10, 3 * PAGE - 10, 0),
	    "read around one written page: data and zeros");
	tap_ok(arena_read(a, BASE + 5 * GIB - 2 * MIB, buf, chunk) == chunk &&
	    all_bytes(buf, 2 * MIB + PAGE, 0) &&
	    all_bytes(buf + 2 * MIB + PAGE, 10, 0x66),
	    "read across 2 MiB chunks finds it");
	tap_ok(blocks(a) == PAGE, "only the written page is allocated");
	free(buf);
	arena_free(a);
}

/*
 * The tracee writes through its own mapping, which ptinspect's residency
 * bits know nothing about: mincore/SEEK_DATA must find the data.
 */
static void
test_outside_writes(void)
{
	struct arena *a = new_arena();
	uint64_t off = slot(a, 4 * MIB);
	unsigned char *t;

	t = tracee_view(a, off, 4 * MIB);
	tap_ok(reads(a, BASE, 4 * MIB, 0), "untouched reads zeros");
	memset(t + 3 * PAGE, 0x77, PAGE);
	memset(t + 2 * MIB + 5 * PAGE, 0x78, PAGE);
	tap_ok(reads(a, BASE + 3 * PAGE, PAGE, 0x77) &&
	    reads(a, BASE + 2 * MIB + 5 * PAGE, PAGE, 0x78) &&
	    reads(a, BASE + 4 * PAGE, 2 * MIB, 0),
	    "pages the tracee wrote are seen, earlier holes re-checked");
	tap_ok(blocks(a) == 2 * PAGE, "reading allocated nothing");
	arena_zero(a, BASE, 4 * MIB);
	tap_ok(t[3 * PAGE] == 0 && reads(a, BASE + 3 * PAGE, PAGE, 0),
	    "zero reaches the tracee's view");
	munmap(t, 4 * MIB);
	arena_free(a);
}

/*
 * Bytes of a's view in ptinspect (its 1 GiB windows of the memfd) that
 * are mapped in, from /proc/self/smaps: pages read through the view
 * fault in, pages read by pread do not. Only a's: the windows of an
 * arena freed before may not be unmapped yet (the disposer thread).
 */
static uint64_t
view_rss(struct arena *a)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	unsigned long long lo, hi, kb, ino;
	char line[512];
	bool ours = false;
	uint64_t rss = 0;
	struct stat st;

	if (f == NULL || fstat(arena_fd(a), &st) != 0)
		tap_bail("/proc/self/smaps or the memfd: %s", strerror(errno));
	while (fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "%llx-%llx %*s %*s %*s %llu", &lo, &hi,
		    &ino) == 3)
			ours = hi - lo == GIB && ino == st.st_ino;
		else if (ours && sscanf(line, "Rss: %llu kB", &kb) == 1)
			rss += kb * 1024;
	}
	fclose(f);
	return rss;
}

/*
 * Pages of the file that ptinspect never read, first reads by pread: a
 * first read takes pread (the view stays unmapped; a bulk read's bytes
 * are counted as streamed); a second read, small or bulk, maps the pages;
 * mapped pages are not streamed again; a punch forgets it all, and holes
 * stay unallocated.
 */
static void
test_cold_reads(void)
{
	struct arena *a = new_arena();
	uint64_t off = slot(a, 4 * MIB), v, rss;
	unsigned char *t, *buf = xmalloc(1 * MIB);
	struct arena_stats st;
	bool same = true;
	size_t i;

	arena_set_first_way(ARENA_FIRST_PREAD);
	t = tracee_view(a, off, 4 * MIB);
	for (i = 0; i < 4 * MIB / PAGE; i++)
		memset(t + i * PAGE, (int)(i % 251 + 1), PAGE);
	tap_ok(arena_read(a, BASE + 5 * PAGE + 8, &v, 8) == 8 &&
	    v == 0x0606060606060606ULL && view_rss(a) == 0,
	    "a first small read: the bytes, by pread (view unmapped)");
	v = 0;
	arena_read(a, BASE + 5 * PAGE + 8, &v, 8);
	rss = view_rss(a);
	tap_ok(v == 0x0606060606060606ULL && rss >= PAGE,
	    "the second: the bytes, through the view (%llu bytes mapped)",
	    (unsigned long long)rss);
	tap_ok(arena_read(a, BASE + 1 * MIB, buf, 1 * MIB) == 1 * MIB,
	    "a 1 MiB read");
	for (i = 0; i < 1 * MIB; i++)
		if (buf[i] != (1 * MIB + i) / PAGE % 251 + 1)
			same = false;
	tap_ok(same, "the 1 MiB read: every page's own bytes");
	arena_get_stats(a, &st);
	tap_ok(st.streamed_bytes == 1 * MIB && view_rss(a) < 64 * PAGE,
	    "a first bulk read streams the pages never read "
	    "(%llu bytes streamed)", (unsigned long long)st.streamed_bytes);
	memset(buf, 0, 1 * MIB);
	arena_read(a, BASE + 1 * MIB, buf, 1 * MIB);
	for (i = 0; i < 1 * MIB; i++)
		if (buf[i] != (1 * MIB + i) / PAGE % 251 + 1)
			same = false;
	arena_get_stats(a, &st);
	rss = view_rss(a);
	tap_ok(same && st.streamed_bytes == 1 * MIB && rss >= 1 * MIB,
	    "the second: the bytes, through the view (%llu bytes mapped, "
	    "none streamed)", (unsigned long long)rss);
	fill(a, BASE + 3 * MIB, 64 * PAGE, 0x5a);
	tap_ok(reads(a, BASE + 3 * MIB, 64 * PAGE, 0x5a),
	    "a bulk read of pages written through the view: the new bytes");
	arena_get_stats(a, &st);
	tap_ok(st.streamed_bytes == 1 * MIB,
	    "pages all in the view are not streamed");
	memset(buf, 0, 66 * PAGE);
	arena_read(a, BASE + 3 * MIB - PAGE, buf, 66 * PAGE);
	tap_ok(all_bytes(buf, PAGE, (3 * MIB / PAGE - 1) % 251 + 1) &&
	    all_bytes(buf + PAGE, 64 * PAGE, 0x5a) &&
	    all_bytes(buf + 65 * PAGE, PAGE, (3 * MIB / PAGE + 64) % 251 + 1),
	    "a bulk read partly in the view: every page's own bytes");
	arena_zero(a, BASE, 4 * MIB);
	tap_ok(reads(a, BASE + 5 * PAGE, 8, 0) &&
	    reads(a, BASE + 3 * MIB, 64 * PAGE, 0) && blocks(a) == 0,
	    "punched: zeros, nothing allocated by reading the holes");
	tap_ok(reads(a, BASE + 5 * PAGE, 8, 0) &&
	    reads(a, BASE + 3 * MIB, 64 * PAGE, 0) && blocks(a) == 0,
	    "read again: zeros, the holes still unallocated");
	munmap(t, 4 * MIB);
	free(buf);
	arena_free(a);
	arena_set_first_way(ARENA_FIRST_MEASURE);
}

/*
 * A tracee's 4 MiB, pages 0-255 and 448-575 written (the second run
 * across the 2 MiB chunk seam at page 512), the rest holes; page i holds
 * i % 251 + 1.
 */
static unsigned char *
holed_tracee(struct arena *a)
{
	unsigned char *t = tracee_view(a, slot(a, 4 * MIB), 4 * MIB);
	size_t i;

	for (i = 0; i < 4 * MIB / PAGE; i++)
		if (i < 256 || (i >= 448 && i < 576))
			memset(t + i * PAGE, (int)(i % 251 + 1), PAGE);
	return t;
}

/* Whether buf holds [BASE + from, + len) of holed_tracee's bytes. */
static bool
holed_bytes(const unsigned char *buf, uint64_t from, uint64_t len)
{
	uint64_t i, page;

	for (i = 0; i < len; i++) {
		page = (from + i) / PAGE;
		if (buf[i] != (page < 256 || (page >= 448 && page < 576) ?
		    page % 251 + 1 : 0))
			return false;
	}
	return true;
}

/* Whether arena_read of [BASE + from, + len) gives holed_tracee's bytes. */
static bool
reads_holed(struct arena *a, unsigned char *buf, uint64_t from, uint64_t len)
{
	return arena_read(a, BASE + from, buf, len) == len &&
	    holed_bytes(buf, from, len);
}

/*
 * First reads through the view: a bulk read of pages never read copies
 * the data pages from ptinspect's view, mapping them, and gives zeros for
 * the holes without allocating them; nothing is streamed; a small first
 * read is still a pread.
 */
static void
test_first_view(void)
{
	struct arena *a = new_arena();
	unsigned char *t, *buf = xmalloc(4 * MIB);
	uint64_t before, v = 0;
	struct arena_stats st;

	arena_set_first_way(ARENA_FIRST_VIEW);
	t = holed_tracee(a);
	before = blocks(a);
	tap_ok(arena_read(a, BASE + 500 * PAGE + 8, &v, 8) == 8 &&
	    v == 0x0101010101010101ULL * (500 % 251 + 1),
	    "a small first read: the bytes");
	tap_ok(view_rss(a) == 0, "... by pread: nothing mapped in the view");
	memset(buf, 0xff, 4 * MIB);
	tap_ok(reads_holed(a, buf, 0, 4 * MIB),
	    "a first bulk read through the view: data and holes' zeros");
	arena_get_stats(a, &st);
	tap_ok(st.first_viewed_bytes == 4 * MIB - PAGE &&
	    st.streamed_bytes == 0,
	    "all of it but the page read before, none streamed "
	    "(%llu bytes through the view)",
	    (unsigned long long)st.first_viewed_bytes);
	tap_ok(view_rss(a) >= 384 * PAGE && blocks(a) == before,
	    "the data pages mapped in the view, the holes not allocated");
	memset(buf, 0xff, 4 * MIB);
	tap_ok(reads_holed(a, buf, 100 * PAGE, 1 * MIB),
	    "read again: the same bytes");
	munmap(t, 4 * MIB);
	free(buf);
	arena_free(a);
	arena_set_first_way(ARENA_FIRST_MEASURE);
}

/*
 * The measuring: after setting it afresh, the first bulk read of pages
 * never read is timed by pread, the second through the view (its touch
 * and its copy apart); from then on bulk copies take the way whose cost
 * a page was the lower, and searches in place the same but for the view's
 * copy. The bytes are the tracee's whichever way.
 */
static void
test_first_measure(void)
{
	struct arena *a = new_arena();
	unsigned char *t, *buf = xmalloc(1 * MIB);
	struct arena_first_costs fc;
	struct arena_stats st;
	bool view;

	arena_set_first_way(ARENA_FIRST_MEASURE);
	t = holed_tracee(a);
	arena_get_first_costs(&fc);
	tap_ok(fc.pread_ns == 0 && fc.touch_ns == 0 && fc.copy_ns == 0,
	    "measuring afresh: no cost known");
	tap_ok(reads_holed(a, buf, 0, 512 * 1024),
	    "a first bulk read: the bytes");
	arena_get_first_costs(&fc);
	arena_get_stats(a, &st);
	tap_ok(fc.pread_ns > 0 && fc.touch_ns == 0 &&
	    st.streamed_bytes == 512 * 1024 && st.first_viewed_bytes == 0,
	    "... by pread, timed (%llu ns a page)",
	    (unsigned long long)fc.pread_ns);
	tap_ok(reads_holed(a, buf, 512 * 1024, 1 * MIB),
	    "the second: the bytes");
	arena_get_first_costs(&fc);
	arena_get_stats(a, &st);
	tap_ok(fc.touch_ns > 0 && fc.copy_ns > 0 &&
	    st.first_viewed_bytes == 1 * MIB,
	    "... through the view, timed (%llu ns a page to touch, %llu to "
	    "copy)", (unsigned long long)fc.touch_ns,
	    (unsigned long long)fc.copy_ns);
	view = fc.touch_ns + fc.copy_ns < fc.pread_ns;
	tap_ok(fc.copy_way == (view ? ARENA_FIRST_VIEW : ARENA_FIRST_PREAD) &&
	    fc.search_way == (fc.touch_ns < fc.pread_ns ? ARENA_FIRST_VIEW :
	    ARENA_FIRST_PREAD), "the ways now: the cheaper (copies %s, "
	    "searches %s)", view ? "in the view" : "by pread",
	    fc.search_way == ARENA_FIRST_VIEW ? "in the view" : "by pread");
	tap_ok(reads_holed(a, buf, 3 * MIB, 1 * MIB),
	    "a third, untimed, that way: the bytes");
	arena_get_stats(a, &st);
	tap_ok(view ? st.first_viewed_bytes == 2 * MIB &&
	    st.streamed_bytes == 512 * 1024 :
	    st.streamed_bytes == 512 * 1024 + 1 * MIB &&
	    st.first_viewed_bytes == 1 * MIB, "... counted to that way");
	munmap(t, 4 * MIB);
	free(buf);
	arena_free(a);
}

/*
 * arena_peek lends the view for a search in place: pages mapped or read
 * before, up to the next hole; pages never read only when the first read
 * goes through the view and the run is a bulk one; never a hole.
 */
static void
test_peek(void)
{
	struct arena *a = new_arena();
	unsigned char *t, *buf = xmalloc(1 * MIB);
	const unsigned char *p;
	struct arena_stats st;
	uint64_t before;
	size_t len;

	t = holed_tracee(a);
	before = blocks(a);
	arena_set_first_way(ARENA_FIRST_PREAD);
	len = 256 * 1024;
	tap_ok(arena_peek(a, BASE, &len) == NULL,
	    "first reads by pread: pages never read not lent");
	arena_read(a, BASE, buf, 64 * PAGE);
	len = 256 * 1024;
	p = arena_peek(a, BASE + 10 * PAGE, &len);
	tap_ok(p != NULL && len == 54 * PAGE &&
	    holed_bytes(p, 10 * PAGE, len),
	    "pages read before: lent, to the end of them (%zu bytes)", len);
	arena_set_first_way(ARENA_FIRST_VIEW);
	len = 256 * 1024;
	tap_ok(arena_peek(a, BASE + 300 * PAGE, &len) == NULL,
	    "first reads through the view: a hole not lent");
	len = 1 * MIB;
	p = arena_peek(a, BASE + 64 * PAGE, &len);
	tap_ok(p != NULL && len == 192 * PAGE &&
	    holed_bytes(p, 64 * PAGE, len),
	    "... pages never read lent, to the hole (%zu bytes)", len);
	len = 4 * PAGE;
	tap_ok(arena_peek(a, BASE + 448 * PAGE, &len) == NULL,
	    "... but not a small run (a small read's pread)");
	len = 1 * MIB;
	p = arena_peek(a, BASE + 448 * PAGE, &len);
	tap_ok(p != NULL && len == 64 * PAGE &&
	    holed_bytes(p, 448 * PAGE, len),
	    "... lent to the end of the 2 MiB chunk (%zu bytes)", len);
	len = 1 * MIB;
	p = arena_peek(a, BASE + 512 * PAGE, &len);
	tap_ok(p != NULL && len == 64 * PAGE &&
	    holed_bytes(p, 512 * PAGE, len),
	    "... and the rest from the next chunk");
	len = 1 * MIB;
	tap_ok(arena_peek(a, BASE + 576 * PAGE, &len) == NULL,
	    "... not the hole after them");
	arena_get_stats(a, &st);
	tap_ok(st.first_viewed_bytes == 320 * PAGE &&
	    st.streamed_bytes == 64 * PAGE,
	    "lent pages never read count as read first through the view");
	tap_ok(blocks(a) == before, "nothing allocated by lending");
	munmap(t, 4 * MIB);
	free(buf);
	arena_free(a);
	arena_set_first_way(ARENA_FIRST_MEASURE);
}

/*
 * How many GiB of a's memfd are mapped in ptinspect: its windows (two
 * windows next to each other, of file ranges next to each other, are one
 * line of /proc/self/maps).
 */
static unsigned
windows_mapped(struct arena *a)
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long long lo, hi, ino, bytes = 0;
	char line[512];
	struct stat st;

	if (f == NULL || fstat(arena_fd(a), &st) != 0)
		tap_bail("/proc/self/maps or the memfd: %s", strerror(errno));
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "%llx-%llx %*s %*s %*s %llu", &lo, &hi,
		    &ino) == 3 && ino == st.st_ino)
			bytes += hi - lo;
	fclose(f);
	return (unsigned)(bytes / GIB);
}

/*
 * At most 16 windows of an arena are mapped at once: a page written in
 * each of 18 GiB maps 18 windows in turn, the oldest unmapped past 16;
 * every page still reads back (its window mapped again, the oldest then
 * given up), a bulk read across windows gives each page's own bytes, and
 * nothing is allocated by it.
 */
static void
test_window_budget(void)
{
	struct arena *a = new_arena();
	uint64_t off = slot(a, 18 * GIB), v;
	unsigned char *buf = xmalloc(2 * PAGE);
	bool same = true;
	size_t k;

	arena_map(a, BASE, 18 * GIB, off);
	for (k = 0; k < 18; k++) {
		v = 0x0101010101010101ULL * (k + 1);
		arena_write(a, BASE + k * GIB + GIB - PAGE, &v, 8);
		arena_write(a, BASE + (k + 1) * GIB % (18 * GIB), &v, 8);
	}
	tap_ok(windows_mapped(a) == 16,
	    "18 windows written: 16 mapped (%u)", windows_mapped(a));
	for (k = 0; k < 18; k++) {
		v = 0;
		arena_read(a, BASE + k * GIB + GIB - PAGE, &v, 8);
		if (v != 0x0101010101010101ULL * (k + 1))
			same = false;
	}
	tap_ok(same && windows_mapped(a) == 16,
	    "each reads back, 16 windows still mapped");
	for (k = 0; k < 17; k++) {
		memset(buf, 0xff, 2 * PAGE);
		arena_read(a, BASE + k * GIB + GIB - PAGE, buf, 2 * PAGE);
		if (!all_bytes(buf, 8, (unsigned char)(k + 1)) ||
		    !all_bytes(buf + 8, PAGE - 8, 0) ||
		    !all_bytes(buf + PAGE, 8, (unsigned char)(k + 1)) ||
		    !all_bytes(buf + PAGE + 8, PAGE - 8, 0))
			same = false;
	}
	tap_ok(same, "reads across each window seam: both pages' bytes");
	tap_ok(blocks(a) == 36 * PAGE,
	    "nothing allocated by the reads (%llu bytes in the memfd)",
	    (unsigned long long)blocks(a));
	free(buf);
	arena_free(a);
}

static void
test_clone(void)
{
	struct arena *a = new_arena(), *b = new_arena();
	uint64_t len = 256 * MIB, off = slot(a, len), o, avail;
	uint64_t off2 = slot(a, 4 * PAGE), off3;
	unsigned char *buf = xmalloc(len);
	char *err = NULL;
	size_t i;
	double t;

	arena_map(a, BASE, len, off);
	arena_map(a, BASE + 1 * GIB, 4 * PAGE, off2);
	for (i = 0; i < len; i++)
		buf[i] = (unsigned char)(i * 7 + i / 4096);
	arena_write(a, BASE, buf, len);
	t = now();
	if (!tap_ok(arena_clone(a, b, &err) == 0, "clone 256 MiB resident"))
		tap_diag("%s", err);
	tap_diag("arena_clone of 256 MiB resident: %.1f ms",
	    (now() - t) * 1e3);
	tap_ok(blocks(b) == blocks(a), "clone allocated as much as the source");
	memset(buf, 0, len);
	tap_ok(arena_read(b, BASE, buf, len) == len, "clone reads back");
	for (i = 0; i < len; i++)
		if (buf[i] != (unsigned char)(i * 7 + i / 4096))
			break;
	tap_ok(i == len, "clone has the same contents");
	tap_ok(arena_lookup(b, BASE + 1 * GIB, &o, &avail) && o == off2 &&
	    avail == 4 * PAGE && reads(b, BASE + 1 * GIB, 4 * PAGE, 0),
	    "clone has the same table");
	fill(a, BASE, PAGE, 0x88);
	fill(b, BASE + PAGE, PAGE, 0x99);
	tap_ok(reads(a, BASE, PAGE, 0x88) && !reads(b, BASE, PAGE, 0x88) &&
	    reads(b, BASE + PAGE, PAGE, 0x99) &&
	    !reads(a, BASE + PAGE, PAGE, 0x99),
	    "writes after the clone stay on their side");
	/* Independent allocators: both hand out the same next slot. */
	off3 = slot(b, 4 * PAGE);
	tap_ok(off3 == slot(a, 4 * PAGE) && off3 != off && off3 != off2,
	    "clone's allocator continues where the source's was");
	arena_unmap(b, BASE, len);
	tap_ok(!arena_lookup(b, BASE, &o, &avail) &&
	    arena_lookup(a, BASE, &o, &avail) && reads(a, BASE, PAGE, 0x88),
	    "unmap in the clone leaves the source mapped and intact");
	tap_ok(b != a && arena_clone(a, b, &err) < 0,
	    "clone into a used arena refused");
	free(err);
	free(buf);
	arena_free(a);
	arena_free(b);
}

static void
test_loop(void)
{
	struct arena *a = new_arena();
	uint64_t off, max_off = 0, max_blocks = 0, b;
	char *err = NULL;
	bool ok = true;
	int i;

	for (i = 0; i < 20000 && ok; i++) {
		if (arena_alloc(a, 1 * MIB, &off, &err) < 0) {
			ok = false;
			break;
		}
		arena_map(a, BASE + (uint64_t)(i % 7) * 4 * MIB, 1 * MIB, off);
		fill(a, BASE + (uint64_t)(i % 7) * 4 * MIB, 8, 1);
		fill(a, BASE + (uint64_t)(i % 7) * 4 * MIB + 512 * 1024, 8, 2);
		if (i % 3 == 0) {
			/* Some iterations free their slot in two pieces. */
			arena_unmap(a, BASE + (uint64_t)(i % 7) * 4 * MIB,
			    512 * 1024);
			arena_unmap(a, BASE + (uint64_t)(i % 7) * 4 * MIB +
			    512 * 1024, 512 * 1024);
		} else {
			arena_unmap(a, BASE + (uint64_t)(i % 7) * 4 * MIB,
			    1 * MIB);
		}
		b = blocks(a);
		if (b > max_blocks)
			max_blocks = b;
		if (off > max_off)
			max_off = off;
	}
	tap_ok(ok, "20,000 alloc/map/unmap cycles of 1 MiB never fail%s%s",
	    err ? ": " : "", err ? err : "");
	tap_ok(max_blocks <= 2 * PAGE && blocks(a) == 0,
	    "st_blocks stays bounded (max %llu)",
	    (unsigned long long)max_blocks);
	tap_ok(max_off < 4 * MIB, "file space is reused (max offset 0x%llx)",
	    (unsigned long long)max_off);
	free(err);
	arena_free(a);
}

static void
test_many_small(void)
{
	struct arena *a = new_arena();
	uint64_t n = 20000, i, off, first = 0, last = 0;
	struct arena_stats st;
	bool ok = true;
	double t = now();

	for (i = 0; i < n; i++) {
		off = slot(a, PAGE);
		if (i == 0)
			first = off;
		last = off;
		arena_map(a, BASE + i * 2 * PAGE, PAGE, off);
	}
	fill(a, BASE + 2 * PAGE * (n - 1), PAGE, 0x5a);
	arena_get_stats(a, &st);
	tap_ok(st.regions == n && st.bytes == n * PAGE,
	    "20,000 small mappings (file space used: %llu MiB)",
	    (unsigned long long)((last - first) / MIB));
	for (i = 0; i < n; i++)
		if (arena_read(a, BASE + i * 2 * PAGE + PAGE, &off, 1) != 0)
			ok = false;
	tap_ok(ok && reads(a, BASE + 2 * PAGE * (n - 1), PAGE, 0x5a),
	    "gaps between them do not translate");
	for (i = 0; i < n; i += 2)
		arena_unmap(a, BASE + i * 2 * PAGE, PAGE);
	for (i = 1; i < n; i += 2)
		arena_unmap(a, BASE + i * 2 * PAGE, PAGE);
	arena_get_stats(a, &st);
	off = slot(a, 512 * GIB);
	tap_ok(st.regions == 0 && blocks(a) == 0 && off == 0,
	    "all freed and coalesced: a 512 GiB slot fits at offset 0");
	tap_diag("20,000 small mappings mapped and unmapped in %.2f s",
	    now() - t);
	arena_free(a);
}

/*
 * arena_unmap_later: the file stays as it was until arena_punch_pending,
 * and whatever could hand the offsets out again (arena_alloc), copy them
 * (arena_clone) or grow back into them (arena_map of the same slot)
 * punches first, so no stale byte reappears.
 */
static void
test_unmap_later(void)
{
	struct arena *a = new_arena(), *b = new_arena();
	uint64_t o1 = slot(a, 1 * MIB), o2, o3, o, avail;

	arena_map(a, BASE, 1 * MIB, o1);
	fill(a, BASE, 1 * MIB, 0x5a);
	arena_unmap_later(a, BASE, 1 * MIB);
	tap_ok(!arena_lookup(a, BASE, &o, &avail),
	    "unmap_later: the range no longer translates");
	tap_ok(blocks(a) >= 1 * MIB && arena_has_pending_punches(a),
	    "unmap_later: the file keeps its pages until the punch");
	tap_ok(arena_punch_pending(a) && blocks(a) == 0 &&
	    !arena_has_pending_punches(a) && !arena_punch_pending(a),
	    "punch_pending gives them back, once");

	/* A new slot at the same offsets: punched before it is handed out. */
	arena_map(a, BASE, 1 * MIB, slot(a, 1 * MIB));
	fill(a, BASE, 1 * MIB, 0x6b);
	arena_unmap_later(a, BASE, 1 * MIB);
	o2 = slot(a, 1 * MIB);
	tap_ok(o2 == o1 && !arena_has_pending_punches(a) && blocks(a) == 0,
	    "a slot handed out again was punched first");
	arena_map(a, BASE + 4 * MIB, 1 * MIB, o2);
	tap_ok(reads(a, BASE + 4 * MIB, 1 * MIB, 0),
	    "a slot handed out again reads zeros");

	/* The tail of a live slot, mapped again: zeros there too. */
	fill(a, BASE + 4 * MIB, 1 * MIB, 0x7c);
	arena_unmap_later(a, BASE + 4 * MIB + MIB / 2, MIB / 2);
	arena_map(a, BASE + 4 * MIB + MIB / 2, MIB / 2, o2 + MIB / 2);
	tap_ok(reads(a, BASE + 4 * MIB, MIB / 2, 0x7c) &&
	    reads(a, BASE + 4 * MIB + MIB / 2, MIB / 2, 0),
	    "a slot's tail mapped again reads zeros, its head its data");

	/* fork: the child gets holes where the parent freed. */
	o3 = slot(a, 1 * MIB);
	arena_map(a, BASE + 8 * MIB, 1 * MIB, o3);
	fill(a, BASE + 8 * MIB, 1 * MIB, 0x3d);
	arena_unmap_later(a, BASE + 8 * MIB, 1 * MIB);
	if (arena_clone(a, b, NULL) != 0)
		tap_bail("arena_clone failed");
	/* Left in a: the half slot at BASE + 4 MiB. */
	tap_ok(blocks(a) == MIB / 2 && blocks(b) == MIB / 2,
	    "clone: what the parent unmapped is not copied");
	arena_free(a);
	arena_free(b);
}

/*
 * arena_read_file and arena_write_file (the stub's lanes): the same bytes
 * as the view and the tracee's mapping, never a page of ptinspect's view
 * mapped; nothing outside the extents.
 */
static void
test_file_access(void)
{
	struct arena *a = new_arena();
	uint64_t off = slot(a, 4 * PAGE), v = 0x1122334455667788ULL, w = 0;
	unsigned char *t;
	int i;

	t = tracee_view(a, off, 4 * PAGE);
	for (i = 0; i < 100; i++) {
		arena_write_file(a, BASE + PAGE + 16, &v, sizeof(v));
		arena_read_file(a, BASE + PAGE + 16, &w, sizeof(w));
	}
	tap_ok(w == v && memcmp(t + PAGE + 16, &v, sizeof(v)) == 0 &&
	    view_rss(a) == 0,
	    "file access: 100 writes and reads, the tracee sees the bytes, "
	    "ptinspect's view never maps a page");
	memset(t + 3 * PAGE, 0x3c, PAGE);
	w = 0;
	tap_ok(arena_read_file(a, BASE + 4 * PAGE - 8, &w, 16) == 8 &&
	    w == 0x3c3c3c3c3c3c3c3cULL,
	    "file access: reads what the tracee wrote, up to the extent's end");
	tap_ok(reads(a, BASE + PAGE + 16, 1, 0x88) &&
	    reads(a, BASE + PAGE + 16, 1, 0x88),
	    "file access: arena_read sees a file write, by pread and view");
	tap_ok(arena_write_file(a, BASE + 4 * PAGE, &v, sizeof(v)) == 0 &&
	    arena_read_file(a, BASE - 8, &w, sizeof(w)) == 0,
	    "file access: nothing outside the extent");
	munmap(t, 4 * PAGE);
	arena_free(a);
}

/*
 * Pages known in chunks more than a leaf block (1 GiB of file) apart, the
 * first and the last of the file: each is read back, and a punch of one
 * forgets only it.
 */
static void
test_far_chunks(void)
{
	struct arena *a = new_arena();
	uint64_t near = slot(a, 1 * MIB), big = slot(a, 700 * GIB);
	uint64_t far = slot(a, 1 * MIB), o, avail;

	tap_ok(near == 0 && big != 0 && far > 700 * GIB,
	    "far chunks: slots at 0x%llx and 0x%llx",
	    (unsigned long long)near, (unsigned long long)far);
	arena_map(a, BASE, 1 * MIB, near);
	arena_map(a, BASE + 1 * GIB, 1 * MIB, far);
	fill(a, BASE, 2 * PAGE, 0x21);
	fill(a, BASE + 1 * GIB, 2 * PAGE, 0x42);
	tap_ok(reads(a, BASE, 2 * PAGE, 0x21) &&
	    reads(a, BASE + 1 * GIB, 2 * PAGE, 0x42) &&
	    arena_lookup(a, BASE + 1 * GIB, &o, &avail) && o == far,
	    "far chunks: each reads its own bytes");
	arena_zero(a, BASE + 1 * GIB, 1 * MIB);
	tap_ok(reads(a, BASE, 2 * PAGE, 0x21) &&
	    reads(a, BASE + 1 * GIB, 2 * PAGE, 0),
	    "far chunks: a punch of one forgets only it");
	arena_free(a);
}

int
main(void)
{
	char *err = NULL;
	struct arena *a = arena_new(&err);

	if (a == NULL)
		tap_skip_all(err);
	arena_free(a);
	arena_set_keep_budget(0);
	test_alloc();
	test_split();
	test_map_over();
	test_zero();
	test_move();
	test_edges();
	test_holes();
	test_outside_writes();
	test_cold_reads();
	test_first_view();
	test_first_measure();
	test_peek();
	test_window_budget();
	test_clone();
	test_loop();
	test_many_small();
	test_unmap_later();
	test_file_access();
	test_far_chunks();
	test_reuse();
	test_reuse_heap();
	test_reuse_budget();
	test_wipe_marks();
	return tap_exit();
}

/*
 * A slot's last extent unmapped keeps its pages; the next slot at those
 * offsets gets them zeroed (its mapping's length; headroom punched), and
 * a mapping of it reads zeros, through the arena and the "tracee's" own
 * mapping. Unmapped by the munmap lane (arena_unmap_keep_slot, then
 * arena_release_kept) the same. A clone and arena_drop_kept punch them.
 */
static void
test_reuse(void)
{
	struct arena *a, *b;
	struct arena_stats st;
	uint64_t o1, o2, off, sl, size;
	unsigned char *t;

	arena_set_keep_budget(16 * MIB);
	a = new_arena();
	o1 = slot(a, 1 * MIB);
	arena_map(a, BASE, 1 * MIB, o1);
	fill(a, BASE, 1 * MIB, 0xab);
	arena_unmap(a, BASE, 1 * MIB);
	arena_get_stats(a, &st);
	tap_ok(st.kept_bytes == 1 * MIB && blocks(a) == 1 * MIB &&
	    st.reused_bytes == 0,
	    "reuse: an unmapped slot's pages are kept (%llu bytes kept, "
	    "%llu allocated)", (unsigned long long)st.kept_bytes,
	    (unsigned long long)blocks(a));
	o2 = slot(a, 1 * MIB);
	arena_get_stats(a, &st);
	tap_ok(o2 == o1 && st.kept_bytes == 0 &&
	    st.reused_bytes == 1 * MIB && blocks(a) == 1 * MIB,
	    "reuse: the next slot there gets them zeroed, in place (%llu "
	    "reused, %llu allocated)", (unsigned long long)st.reused_bytes,
	    (unsigned long long)blocks(a));
	t = tracee_view(a, o2, 1 * MIB);
	tap_ok(reads(a, BASE, 1 * MIB, 0) && all_bytes(t, 1 * MIB, 0) &&
	    blocks(a) == 1 * MIB,
	    "reuse: a mapping of it reads zeros; its headroom is holes");

	/* Half of the new mapping written, then the munmap lane's way. */
	memset(t, 0xcd, MIB / 2);
	munmap(t, 1 * MIB);
	if (!arena_unmap_keep_slot(a, BASE, 1 * MIB, &off, &sl, &size))
		tap_bail("arena_unmap_keep_slot refused");
	arena_release_kept(a, sl, off, 1 * MIB);
	arena_get_stats(a, &st);
	tap_ok(st.kept_bytes == 1 * MIB && blocks(a) == 1 * MIB,
	    "reuse: released by the lane unpunched, the slot is kept");
	o2 = slot(a, 4 * PAGE);
	arena_map(a, BASE, 4 * PAGE, o2);
	arena_get_stats(a, &st);
	tap_ok(o2 == o1 && reads(a, BASE, 4 * PAGE, 0) &&
	    st.reused_bytes == 1 * MIB + 4 * PAGE &&
	    st.kept_bytes == 1 * MIB - 64 * 1024 &&
	    blocks(a) == 4 * PAGE + 1 * MIB - 64 * 1024,
	    "reuse: a small slot zeroes its pages, punches its headroom, "
	    "leaves the rest kept (%llu allocated)",
	    (unsigned long long)blocks(a));

	/* What is kept is not copied to a clone, and a drop frees it. */
	o1 = slot(a, 1 * MIB);
	arena_map(a, BASE + 1 * GIB, 1 * MIB, o1);
	fill(a, BASE + 1 * GIB, 1 * MIB, 0x11);
	arena_unmap(a, BASE + 1 * GIB, 1 * MIB);
	b = new_arena();
	if (arena_clone(a, b, NULL) != 0)
		tap_bail("arena_clone failed");
	arena_get_stats(a, &st);
	tap_ok(blocks(b) == 4 * PAGE && blocks(a) == 4 * PAGE &&
	    st.kept_bytes == 0,
	    "reuse: a clone punches what the source kept and copies none");
	arena_free(b);
	arena_map(a, BASE + 1 * GIB, 1 * MIB, slot(a, 1 * MIB));
	fill(a, BASE + 1 * GIB, 1 * MIB, 0x22);
	arena_unmap(a, BASE + 1 * GIB, 1 * MIB);
	tap_ok(blocks(a) == 4 * PAGE + 1 * MIB, "reuse: kept again");
	arena_drop_kept(a);
	arena_get_stats(a, &st);
	tap_ok(blocks(a) == 4 * PAGE && st.kept_bytes == 0,
	    "reuse: arena_drop_kept punches it all");
	arena_free(a);
	arena_set_keep_budget(0);
}

/*
 * The emulated heap: a shrink keeps the pages left in its slot
 * (arena_unmap_keep), arena_reclaim zeroes those the heap grows over
 * again and leaves the rest; the slot freed keeps its last extent.
 */
static void
test_reuse_heap(void)
{
	struct arena *a;
	struct arena_stats st;
	uint64_t heap;
	unsigned char *t;

	arena_set_keep_budget(16 * MIB);
	a = new_arena();
	heap = slot(a, 64 * MIB);
	t = tracee_view(a, heap, 4 * MIB);
	fill(a, BASE, 4 * MIB, 0x5e);
	arena_unmap_keep(a, BASE + 2 * MIB, 2 * MIB);
	arena_get_stats(a, &st);
	tap_ok(st.kept_bytes == 2 * MIB && blocks(a) == 4 * MIB &&
	    st.regions == 1 && st.bytes == 2 * MIB,
	    "heap: a shrink keeps the pages it gave back in the slot");
	arena_reclaim(a, heap + 2 * MIB, 1 * MIB);
	arena_map(a, BASE + 2 * MIB, 1 * MIB, heap + 2 * MIB);
	arena_get_stats(a, &st);
	tap_ok(reads(a, BASE, 2 * MIB, 0x5e) &&
	    reads(a, BASE + 2 * MIB, 1 * MIB, 0) &&
	    all_bytes(t + 2 * MIB, 1 * MIB, 0) &&
	    all_bytes(t + 3 * MIB, 1 * MIB, 0x5e) &&
	    st.kept_bytes == 1 * MIB && st.reused_bytes == 1 * MIB &&
	    blocks(a) == 4 * MIB,
	    "heap: growing again zeroes what it covers, and only that");
	arena_unmap_keep(a, BASE, 3 * MIB);
	arena_get_stats(a, &st);
	tap_ok(st.regions == 0 && st.kept_bytes == 4 * MIB &&
	    blocks(a) == 4 * MIB,
	    "heap: the slot freed keeps its last extent with the rest "
	    "(%llu kept, %llu allocated)", (unsigned long long)st.kept_bytes,
	    (unsigned long long)blocks(a));
	tap_ok(slot(a, 8 * MIB) == heap && blocks(a) == 4 * MIB &&
	    all_bytes(t, 4 * MIB, 0),
	    "heap: a new slot there gets all four MiB zeroed");
	munmap(t, 4 * MIB);
	arena_free(a);
	arena_set_keep_budget(0);
}

/*
 * The budget is ptinspect's, over all arenas: past it freed memory is
 * punched (a slot whole, with what was kept in it), and an arena freed
 * gives its share back.
 */
static void
test_reuse_budget(void)
{
	struct arena *a, *b;
	struct arena_stats st;
	uint64_t heap;
	int i;

	arena_set_keep_budget(3 * MIB);
	a = new_arena();
	b = new_arena();
	for (i = 0; i < 2; i++) {
		arena_map(a, BASE + (uint64_t)i * GIB, 2 * MIB,
		    slot(a, 2 * MIB));
		fill(a, BASE + (uint64_t)i * GIB, 2 * MIB, 0x77);
	}
	arena_unmap(a, BASE, 2 * MIB);
	arena_unmap(a, BASE + GIB, 2 * MIB);
	arena_get_stats(a, &st);
	tap_ok(st.kept_bytes == 2 * MIB && blocks(a) == 2 * MIB,
	    "budget: a second slot past 3 MiB is punched");
	tap_ok(!arena_may_keep(2 * MIB) && arena_may_keep(1 * MIB),
	    "budget: 1 MiB is left of it");
	heap = slot(b, 64 * MIB);
	arena_map(b, BASE, 2 * MIB, heap);
	fill(b, BASE, 2 * MIB, 0x66);
	arena_unmap_keep(b, BASE + 1 * MIB, 1 * MIB);
	arena_get_stats(b, &st);
	tap_ok(st.kept_bytes == 1 * MIB && !arena_may_keep(PAGE),
	    "budget: shared by the arenas (another keeps the last MiB)");
	arena_unmap_keep(b, BASE, 1 * MIB);
	arena_get_stats(b, &st);
	tap_ok(st.kept_bytes == 0 && blocks(b) == 0,
	    "budget: a slot punched whole drops what it kept");
	arena_free(a);
	tap_ok(arena_may_keep(3 * MIB),
	    "budget: an arena freed gives its share back");
	arena_free(b);
	arena_set_keep_budget(0);
}

/* Whether the marked run at or after addr is [start, end). */
static bool
wipe_run(const struct arena *a, uint64_t addr, uint64_t start, uint64_t end)
{
	uint64_t s, e;

	return arena_next_wipe(a, addr, &s, &e) && s == start && e == end;
}

/*
 * MADV_WIPEONFORK marks go with their extents: set on part of one (the
 * rest unmarked), one run over marked extents that touch, cleared by
 * KEEPONFORK (which splits nothing where nothing is marked), gone with an
 * unmap or a mapping over them, moved by arena_move with the pages (its
 * growth marked too), copied by a clone.
 */
static void
test_wipe_marks(void)
{
	struct arena *a = new_arena(), *b = new_arena();
	uint64_t off = slot(a, 16 * PAGE), off2 = slot(a, 4 * PAGE);
	uint64_t s, e, dst = BASE + 1 * GIB;
	char *err = NULL;

	arena_map(a, BASE, 8 * PAGE, off);
	arena_map(a, BASE + 8 * PAGE, 4 * PAGE, off2);
	tap_ok(!arena_next_wipe(a, 0, &s, &e), "no marks at first");
	arena_set_wipe(a, BASE + PAGE, PAGE, false);
	tap_ok(arena_extent_count(a) == 2,
	    "clearing where nothing is marked splits nothing");
	arena_set_wipe(a, BASE + 2 * PAGE, 4 * PAGE, true);
	tap_ok(wipe_run(a, 0, BASE + 2 * PAGE, BASE + 6 * PAGE) &&
	    !arena_next_wipe(a, BASE + 6 * PAGE, &s, &e),
	    "a mark on part of an extent: that part only");
	arena_set_wipe(a, BASE + 6 * PAGE, 4 * PAGE, true);
	tap_ok(wipe_run(a, 0, BASE + 2 * PAGE, BASE + 10 * PAGE),
	    "marked extents that touch make one run, across mappings");
	arena_set_wipe(a, BASE + 4 * PAGE, PAGE, false);
	tap_ok(wipe_run(a, 0, BASE + 2 * PAGE, BASE + 4 * PAGE) &&
	    wipe_run(a, BASE + 4 * PAGE, BASE + 5 * PAGE, BASE + 10 * PAGE),
	    "KEEPONFORK of a page in the middle splits the run");
	if (!tap_ok(arena_clone(a, b, &err) == 0, "clone of a marked arena"))
		tap_diag("%s", err);
	tap_ok(wipe_run(b, 0, BASE + 2 * PAGE, BASE + 4 * PAGE) &&
	    wipe_run(b, BASE + 4 * PAGE, BASE + 5 * PAGE, BASE + 10 * PAGE),
	    "the clone has the same marks");
	arena_unmap(a, BASE + 8 * PAGE, 4 * PAGE);
	tap_ok(wipe_run(a, BASE + 4 * PAGE, BASE + 5 * PAGE, BASE + 8 * PAGE),
	    "unmapped, the mark goes with the pages");
	arena_map(a, BASE + 8 * PAGE, 4 * PAGE, slot(a, 4 * PAGE));
	tap_ok(wipe_run(a, BASE + 4 * PAGE, BASE + 5 * PAGE, BASE + 8 * PAGE),
	    "a new mapping there is not marked");
	arena_move(a, BASE, 8 * PAGE, dst, 12 * PAGE);
	tap_ok(wipe_run(a, 0, dst + 2 * PAGE, dst + 4 * PAGE) &&
	    wipe_run(a, dst + 4 * PAGE, dst + 5 * PAGE, dst + 12 * PAGE),
	    "moved and grown, the marks move and the growth is marked");
	tap_ok(!arena_next_wipe(a, BASE, &s, &e) || s >= dst,
	    "nothing marked where the mapping was");
	arena_map(a, dst, 12 * PAGE, off);
	tap_ok(!arena_next_wipe(a, 0, &s, &e),
	    "a mapping over a marked range is not marked");
	free(err);
	arena_free(a);
	arena_free(b);
}
