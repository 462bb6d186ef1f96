/*
 * redirect-fork.c: a fork child's memory. After fork the child maps the
 * parent's memfd: it must not share it. It gets an arena of its own, a
 * copy of the parent's (arena_clone), mapped over every range of the old
 * one before it runs (child_own_copy); where it cannot have a memfd, the
 * ranges become private memory holding the parent's bytes (built aside,
 * or in place where the child has no room for two copies) and the child
 * redirects nothing more (child_private). MADV_DONTFORK ranges are the
 * kernel's own (it runs the call on the shared mapping, whose VM_DONTCOPY
 * keeps the range from the child): what the child does not map leaves its
 * arena (drop_unmapped). MADV_WIPEONFORK, which a shared mapping refuses,
 * is the arena's mark (arena_set_wipe): those ranges read zeros in the
 * child and stay marked. Never kills the
 * child: where not even private memory can be had (the child refuses
 * every call), it runs on sharing those ranges with its parent, and that
 * is said once.
 *
 * DESIGN: borrowing (issue 15, "fork without copying the whole arena").
 * The copy costs what the parent has resident (256 MiB: copy_file_range
 * 250-280 ms here, and 40-55 ms more to free it), though most children
 * of big processes exec at once (shells, make, subprocess). So at the
 * fork the child first borrows (redirect_child_borrow): each of its
 * ranges that maps the parent's memfd is mapped again MAP_PRIVATE|
 * MAP_FIXED from the same file at the same offset (the parent's
 * descriptor it inherited at the reserved number, or one opened for the
 * call). Its reads see the file; its first write to a page gives it an
 * anonymous page of its own, as copy-on-write after a native fork. That
 * is exact only while the file does not change, so the tracer (tracer.c,
 * "Borrowing") holds the parent, every thread, at its fork's return
 * until the borrow ends:
 *   - the child execs or dies: nothing to copy; the parent goes on;
 *   - it stops where it needs memory of its own (any seccomp stop but an
 *     exit_group that does not pause it: an mmap, munmap, mremap, brk,
 *     madvise, mprotect or fork could change the mappings; a pause,
 *     whether at exit or at a fatal signal, must show the child's memory
 *     redirected; a new thread), or it sleeps (looked at every 5 ms: it
 *     may be waiting on its parent), or 200 ms went by (it may spin on its
 *     parent) but for an uninterruptible wait (a vfork waiting for its
 *     child, which cannot be stopped), or the parent is about to go for
 *     another reason (killed, continued from a pause): it "materializes"
 *     (redirect_child_materialize). The pages it wrote are found in
 *     /proc/PID/pagemap (present or swapped, not a file page); then the
 *     copy path above runs as at any fork (the parent's memfd is as at
 *     the fork, the parent being held), and each range's own pages go
 *     from the child into the copy after arena_clone, before the range
 *     is mapped from it (or into the private memory of the fallbacks
 *     before it is moved over the range), a 256 KiB chunk at a time:
 *     ptinspect's memory stays bounded however much the child wrote (a
 *     buffer of it all, kept by ASan's quarantine, once took the
 *     sanitizer build past semantics.t's bound). Then the parent goes.
 * Invariants: a borrowing child has no arena (crs->arena NULL), so
 * ptinspect reads and writes its memory through the non-redirected path
 * (process_vm_readv, /proc/PID/mem), which sees exactly what it sees; its
 * parent is held for the whole borrow, and a borrow always ends (the
 * 200 ms cap), so holding never deadlocks; at most one child borrows from
 * a parent (the parent cannot fork again while held); a borrowing child
 * cannot fork, clone or exec a thread without a stop that ends the borrow
 * first (clone3 and fork are seccomp stops, CLONE_VM clones make an
 * event stop). A seccomp stop that ends the borrow injects the copy at
 * the stop, then the syscall runs again from its instruction (it stops
 * anew, with the child's own memory); a signal-delivery-stop likewise
 * (a fault re-runs the instruction, other signals are sent again);
 * elsewhere (an interrupt) the copy runs from the syscall instruction of
 * the child's fork, its registers put back after, a syscall interrupted
 * there restarted as the kernel would.
 * Either way each range is mapped again in the child: all of them in one
 * go through the mmap stub's batch (stub_map_batch) where the child has
 * the stub's code, one injected mmap each otherwise (map_ranges).
 * Not borrowed (the copy at the fork, as before): a parent with
 * MADV_WIPEONFORK memory, where the child's pagemap cannot be
 * read, where the private mapping is refused (RLIMIT_DATA counts private
 * writable mappings: the copy path then applies), under the tests'
 * PTI_TEST_FORK_FAIL (but with "borrow" in it), and with
 * PTI_TEST_NO_BORROW (for measuring).
 * CLONE_VM children (threads, vfork, posix_spawn) share memory anyway.
 * Measured (bench/fork-slowdown, this 2-core VM, loaded): see
 * docs/BENCHMARKS.md, fork rows.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "arena.h"
#include "inject.h"
#include "maps.h"
#include "redirect.h"
#include "redirect-int.h"
#include "stub.h"
#include "task.h"
#include "util.h"

/* Runs of pages a borrowing child wrote: its own, not its parent's. */
struct own_pages {
	struct own_run {
		uint64_t start;
		uint64_t end;
	} *runs;
	size_t count;
	size_t cap;
};

/*
 * Where copy_own puts the child's bytes at tracee address addr: at
 * addr - from + to in the file fd, or (fd -1) in tid's memory.
 */
struct own_dest {
	int fd;
	pid_t tid;
	uint64_t from;
	uint64_t to;
};

static bool maps_arena(const struct region *r, const struct stat *st);
/* A child's regions and the memfd whose ranges they map (maps_file_range). */
struct child_maps {
	const struct maps *maps;
	const struct stat *st;
};
static bool maps_file_range(uint64_t off, uint64_t len, void *arg);
static struct stub_map map_entry(const struct region *r);
static int map_ranges(struct inject *inj, const struct stub_map *m,
    size_t n, long flags, long fd);
static int copy_own(pid_t tid, const struct own_pages *own, uint64_t lo,
    uint64_t hi, int src, const struct own_dest *dst);
static int child_own_copy(struct proc *parent, struct thread *child,
    struct inject *inj, const struct own_pages *own, const char **why);
static int poke_bytes(pid_t tid, uint64_t addr, const unsigned char *buf,
    size_t len);
static void drop_unmapped(struct arena *a, const struct maps *maps,
    const struct stat *st);
static bool fork_test_fails(const char *what);
static int fill_private(struct proc *parent, pid_t tid, uint64_t to,
    uint64_t start, uint64_t len);
static int make_range_private(struct proc *parent, struct thread *child,
    struct inject *inj, const struct region *r,
    const struct own_pages *own);
static uint64_t child_private(struct proc *parent, struct thread *child,
    struct inject *inj, const struct own_pages *own);

bool
redirect_fork_needs_copy(const struct proc *p)
{
	const struct redirect_state *rs = redir_peek(p);

	return rs->arena != NULL && arena_extent_count(rs->arena) > 0;
}

/* Is r a mapping of the file behind the arena a (inode st)? */
static bool
maps_arena(const struct region *r, const struct stat *st)
{
	return r->inode == st->st_ino && strstr(r->name, "memfd:") != NULL;
}

/* Does a region of maps map [off, off + len) of the memfd st? */
static bool
maps_file_range(uint64_t off, uint64_t len, void *arg)
{
	const struct child_maps *cm = arg;
	const struct region *r;
	size_t i;

	for (i = 0; i < cm->maps->count; i++) {
		r = &cm->maps->regions[i];
		if (maps_arena(r, cm->st) && r->offset < off + len &&
		    off < r->offset + (r->end - r->start))
			return true;
	}
	return false;
}

/* Range r of the child, to be mapped again as it is. */
static struct stub_map
map_entry(const struct region *r)
{
	return (struct stub_map){ r->start, r->end - r->start,
	    redirect_region_prot(r), (int64_t)r->offset };
}

/*
 * Maps the n ranges of m in the thread behind inj (of parent's fork
 * child), each with flags from fd at its offset: in one go through the
 * stub's batch where the child has the stub's code (a fork with 30,000
 * ranges took 2-3 s at three stops for each injected mmap), else, and
 * for what the batch could not reach, one injected mmap each. 0, or -1
 * (some were not mapped: the caller's fallbacks take them as they are).
 */
static int
map_ranges(struct inject *inj, const struct stub_map *m, size_t n,
    long flags, long fd)
{
	size_t i;
	int ok = stub_map_batch(inj, m, n, flags, fd, &i);

	for (; ok > 0 && i < n; i++)
		if (inject_syscall(inj, SYS_mmap, (long)m[i].addr,
		    (long)m[i].len, m[i].prot, flags, fd,
		    m[i].offset) != (long)m[i].addr)
			return -1;
	return ok > 0 ? 0 : ok;
}

/*
 * One chunk of a borrowing child's own pages on their way to its new
 * memory: however much it wrote, ptinspect holds no more than this.
 */
static unsigned char own_buf[256 << 10];

/*
 * Reads [addr, addr + len) of tid into own_buf: process_vm_readv, else
 * /proc/TID/mem (which reads PROT_NONE pages too), opened into *mem on
 * first need. 0 or -1.
 */
static int
read_child(pid_t tid, int *mem, uint64_t addr, size_t len)
{
	struct iovec local = { own_buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };
	char path[64];

	if (process_vm_readv(tid, &local, 1, &remote, 1, 0) == (ssize_t)len)
		return 0;
	if (*mem < 0) {
		snprintf(path, sizeof(path), "/proc/%d/mem", (int)tid);
		*mem = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (*mem < 0 || pread(*mem, own_buf, len, (off_t)addr) != (ssize_t)len)
		return -1;
	return 0;
}

/*
 * Copies the child's own pages within [lo, hi) to dst, a chunk at a
 * time: read from the child (src -1), or from the file src at offset
 * addr - lo. 0 (nothing to do where own is NULL) or -1.
 */
static int
copy_own(pid_t tid, const struct own_pages *own, uint64_t lo, uint64_t hi,
    int src, const struct own_dest *dst)
{
	uint64_t at, end, n, to;
	size_t i;
	int mem = -1, ok = 0;

	for (i = 0; own != NULL && ok == 0 && i < own->count; i++) {
		at = own->runs[i].start > lo ? own->runs[i].start : lo;
		end = own->runs[i].end < hi ? own->runs[i].end : hi;
		for (; ok == 0 && at < end; at += n) {
			n = end - at < sizeof(own_buf) ? end - at :
			    sizeof(own_buf);
			to = at - dst->from + dst->to;
			if (src >= 0 ? pread(src, own_buf, n,
			    (off_t)(at - lo)) != (ssize_t)n :
			    read_child(tid, &mem, at, n) != 0)
				ok = -1;
			else if (dst->fd >= 0 ? pwrite(dst->fd, own_buf, n,
			    (off_t)to) != (ssize_t)n :
			    poke_bytes(dst->tid, to, own_buf, n) != 0)
				ok = -1;
		}
	}
	if (mem >= 0)
		close(mem);
	return ok;
}

/*
 * The child shares the parent's memfd pages until each of its memfd
 * mappings is replaced by the same range of its own copy; the pages it
 * wrote while it borrowed (own, NULL if it did not borrow) go into the
 * copy just before its range is replaced. 0, or -1 (*why says why) with
 * some of them perhaps replaced: child_private then copies them all (they
 * hold the same bytes either way).
 */
static int
child_own_copy(struct proc *parent, struct thread *child,
    struct inject *inj, const struct own_pages *own, const char **why)
{
	struct redirect_state *prs = redir(parent);
	struct proc *cp = child->proc;
	struct redirect_state *crs = redir(cp);
	const struct region *r;
	struct stub_map *list = NULL;
	struct maps maps;
	struct stat st;
	uint64_t at, s, e;
	size_t i, n = 0;
	long fd;
	int ok = 0;

	*why = "cannot read the child's /proc/PID/maps";
	if (fstat(arena_fd(prs->arena), &st) != 0 ||
	    maps_read(child->tid, &maps, NULL) != 0)
		return -1;
	crs->brk = prs->brk;
	*why = "no memfd for the child";
	crs->arena = arena_new(NULL);
	crs->arena_fd_installed = false;
	/* First, while the new arena is empty: the child may make the file. */
	fd = crs->arena == NULL ? -1 : redirect_fd_acquire(inj, cp);
	if (fd < 0) {
		maps_free(&maps);
		return -1;
	}
	redirect_holder_add(cp);
	*why = "copying the parent's memfd";
	if (arena_clone(prs->arena, crs->arena, NULL) != 0)
		ok = -1;
	/* Each range's own pages go into the copy before it is mapped. */
	list = xreallocarray(NULL, maps.count + 1, sizeof(*list));
	for (i = 0; ok == 0 && i < maps.count; i++) {
		r = &maps.regions[i];
		if (!maps_arena(r, &st))
			continue;
		*why = "copying the child's own pages";
		if (copy_own(child->tid, own, r->start, r->end, -1,
		    &(struct own_dest){ arena_fd(crs->arena), 0, r->start,
		    r->offset }) != 0)
			ok = -1;
		list[n++] = map_entry(r);
	}
	if (ok == 0) {
		*why = "mapping the child's memfd";
		ok = map_ranges(inj, list, n, MAP_SHARED | MAP_FIXED, fd);
	}
	free(list);
	redirect_fd_release(inj, fd);
	if (ok == 0) {
		stub_inherit(parent, cp, maps_file_range,
		    &(struct child_maps){ &maps, &st });
		drop_unmapped(crs->arena, &maps, &st);
	}
	maps_free(&maps);
	if (ok != 0)
		return -1;
	for (at = 0; arena_next_wipe(crs->arena, at, &s, &e); at = e)
		arena_zero(crs->arena, s, e - s);
	return 0;
}

/*
 * The ranges of the arena (the child's copy of its parent's table) that
 * the child's maps do not map from the memfd st: MADV_DONTFORK ranges,
 * which the kernel left out of the child, leave its arena (their copy
 * given back, as any unmapped range).
 */
static void
drop_unmapped(struct arena *a, const struct maps *maps,
    const struct stat *st)
{
	const struct region *r;
	uint64_t at, s, e, hole_end;
	size_t i = 0;

	for (at = 0; arena_next(a, at, &s, &e); at = e) {
		s = s > at ? s : at;
		while (s < e) {
			/* The next mapping of the memfd that ends after s. */
			while (i < maps->count && (maps->regions[i].end <= s ||
			    !maps_arena(&maps->regions[i], st)))
				i++;
			r = i < maps->count ? &maps->regions[i] : NULL;
			hole_end = r == NULL || r->start >= e ? e :
			    r->start > s ? r->start : s;
			if (hole_end > s)
				arena_unmap(a, s, hole_end - s);
			s = r == NULL || r->start >= e ? e :
			    r->end < e ? r->end : e;
		}
	}
}

/* Writes len bytes to the tracee at addr; ptrace words if need be. */
static int
poke_bytes(pid_t tid, uint64_t addr, const unsigned char *buf, size_t len)
{
	struct iovec local = { (void *)buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };
	uint64_t word;
	size_t i;

	if (process_vm_writev(tid, &local, 1, &remote, 1, 0) == (ssize_t)len)
		return 0;
	/* Page-sized, page-aligned pieces: whole words. */
	for (i = 0; i + sizeof(word) <= len; i += sizeof(word)) {
		memcpy(&word, buf + i, sizeof(word));
		if (ptrace(PTRACE_POKEDATA, tid, (void *)(uintptr_t)(addr + i),
		    (void *)(uintptr_t)word) != 0)
			return -1;
	}
	return 0;
}

/*
 * Test-only: PTI_TEST_FORK_FAIL holding "own" makes child_own_copy fail
 * at once (as where no memfd can reach the child), holding "private"
 * makes child_private leave every range as it is (as where the child
 * refuses every call), so tests/nokill.t reaches the paths that natural
 * causes reach only rarely. Either takes the copy at the fork (no
 * borrowing) unless it also holds "borrow": then the failures come when
 * the borrowing child materializes, with pages of its own to keep.
 */
static bool
fork_test_fails(const char *what)
{
	const char *v = getenv("PTI_TEST_FORK_FAIL");

	return v != NULL && strstr(v, what) != NULL;
}

/*
 * The parent's bytes of [start, start + len) into the child's private
 * memory at `to`, page by page; pages of zeros and WIPEONFORK pages need
 * nothing (the memory is fresh).
 */
static int
fill_private(struct proc *parent, pid_t tid, uint64_t to, uint64_t start,
    uint64_t len)
{
	struct redirect_state *prs = redir(parent);
	static unsigned char buf[PTI_PAGE_SIZE];
	static const unsigned char zeros[PTI_PAGE_SIZE];
	uint64_t at;

	for (at = 0; at < len; at += PTI_PAGE_SIZE) {
		if (arena_wiped(prs->arena, start + at, PTI_PAGE_SIZE))
			continue;
		memset(buf, 0, sizeof(buf));
		arena_read(prs->arena, start + at, buf, sizeof(buf));
		if (memcmp(buf, zeros, sizeof(buf)) != 0 &&
		    poke_bytes(tid, to + at, buf, sizeof(buf)) != 0)
			return -1;
	}
	return 0;
}

/*
 * Range r of the child, a memfd mapping, becomes private memory holding
 * the parent's bytes, and over them the pages the child wrote while it
 * borrowed (own, NULL if it did not): built aside and moved over r, so a
 * failure leaves r as it was. Where the child has no room for a second
 * copy (RLIMIT_AS, strict overcommit) it is made in place: private
 * memory mapped over r, then filled (the parent's arena still holds its
 * bytes; the child's own wait in a memfd of ptinspect's meanwhile), as
 * much as a native fork needs. 0, or -1 with r perhaps still the
 * memfd's.
 */
static int
make_range_private(struct proc *parent, struct thread *child,
    struct inject *inj, const struct region *r,
    const struct own_pages *own)
{
	uint64_t len = r->end - r->start;
	long prot = redirect_region_prot(r), at;
	bool in_place = false;
	int stash = -1, ok;

	at = inject_syscall(inj, SYS_mmap, 0, (long)len,
	    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (at == -ESRCH)
		return -1;
	if (syscall_failed(at)) {
		in_place = true;
		if (own != NULL && ((stash = memfd_create("ptinspect-own",
		    MFD_CLOEXEC)) < 0 || copy_own(child->tid, own, r->start,
		    r->end, -1, &(struct own_dest){ stash, 0, r->start,
		    0 }) != 0)) {
			if (stash >= 0)
				close(stash);
			return -1;
		}
		at = inject_syscall(inj, SYS_mmap, (long)r->start, (long)len,
		    PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		if (at != (long)r->start) {
			if (stash >= 0)
				close(stash);
			return -1;
		}
	}
	ok = fill_private(parent, child->tid, (uint64_t)at, r->start, len);
	if (ok == 0)
		ok = copy_own(child->tid, own, r->start, r->end, stash,
		    &(struct own_dest){ -1, child->tid, r->start,
		    (uint64_t)at });
	if (stash >= 0)
		close(stash);
	if (ok != 0 || (prot != (PROT_READ | PROT_WRITE) &&
	    inject_syscall(inj, SYS_mprotect, at, (long)len, prot, 0, 0,
	    0) != 0)) {
		if (!in_place)
			inject_syscall(inj, SYS_munmap, at, (long)len, 0, 0,
			    0, 0);
		return -1;
	}
	if (in_place || inject_syscall(inj, SYS_mremap, at, (long)len,
	    (long)len, MREMAP_MAYMOVE | MREMAP_FIXED, (long)r->start,
	    0) == (long)r->start)
		return 0;
	inject_syscall(inj, SYS_munmap, at, (long)len, 0, 0, 0, 0);
	return -1;
}

/*
 * The child could not have its own memfd: every range it maps from one
 * (the parent's, or a copy half set up) becomes private memory holding
 * the parent's bytes and its own (own), and the child redirects nothing
 * more. Exact:
 * memory is what it would be natively. Returns how many bytes still map
 * the parent's memfd (shared with it) when some range could not be made
 * private; the child keeps running either way.
 */
static uint64_t
child_private(struct proc *parent, struct thread *child, struct inject *inj,
    const struct own_pages *own)
{
	struct redirect_state *prs = redir(parent);
	struct proc *cp = child->proc;
	struct redirect_state *crs = redir(cp);
	struct stat st, cst;
	const struct region *r;
	uint64_t shared = 0;
	struct maps maps = { 0 };
	bool have_maps, have_cst;
	size_t i;

	have_maps = fstat(arena_fd(prs->arena), &st) == 0 &&
	    maps_read(child->tid, &maps, NULL) == 0;
	have_cst = crs->arena != NULL && fstat(arena_fd(crs->arena), &cst) == 0;
	for (i = 0; i < maps.count; i++) {
		r = &maps.regions[i];
		if (!maps_arena(r, &st) && !(have_cst && maps_arena(r, &cst)))
			continue;
		/* One of the child's own copy stays its own: not shared. */
		if ((fork_test_fails("private") ||
		    make_range_private(parent, child, inj, r, own) != 0) &&
		    maps_arena(r, &st))
			shared += r->end - r->start;
	}
	/* Unknown: the child's maps cannot be read, all is still shared. */
	if (!have_maps)
		shared = UINT64_MAX;
	maps_free(&maps);
	if (crs->arena_fd_installed)
		inject_syscall(inj, SYS_close, redirect_reserved_fd(), 0, 0, 0,
		    0, 0);
	/* Private now: the kernel does WIPEONFORK itself from here on. */
	redirect_wipe_natively(inj, prs->arena, 0, UINT64_MAX);
	redirect_holder_remove(cp);
	if (crs->arena != NULL)
		arena_free(crs->arena);
	crs->arena = NULL;
	crs->arena_fd_installed = false;
	crs->redirect_disabled = true;
	return shared;
}

/*
 * Gives the child memory of its own (child_own_copy), else private memory
 * (child_private), saying so once where even that fails; own: the pages
 * it wrote while it borrowed, NULL if it did not.
 */
static void
give_own_memory(struct proc *parent, struct thread *child,
    struct inject *inj, const struct own_pages *own)
{
	struct proc *cp = child->proc;
	static bool said_shared;
	const char *why = "forced by PTI_TEST_FORK_FAIL";
	uint64_t shared;

	if (!fork_test_fails("own") &&
	    child_own_copy(parent, child, inj, own, &why) == 0)
		return;
	if (child->has_deferred)
		return;
	shared = child_private(parent, child, inj, own);
	if (shared == 0)
		redirect_say_private(cp->pid, why);
	else if (!child->has_deferred && !said_shared) {
		said_shared = true;
		warnx_msg("pid %d: the child could not be given memory "
		    "of its own (%s): it runs on, sharing %s with its "
		    "parent (said once)", (int)cp->pid, why,
		    shared == UINT64_MAX ? "its redirected memory" :
		    "part of its memory");
	}
}

/*
 * An injection session on the child, made dumpable for the moment if it
 * is not (a non-root tracer may not read its /proc files or memory
 * otherwise): *dumpable for child_end. -1: the child is gone.
 */
static int
child_begin(struct thread *child, struct inject *inj, bool at_entry,
    long *dumpable)
{
	if (inject_begin(inj, child, at_entry) != 0)
		return -1;
	*dumpable = inject_swap_dumpable(inj, 0, 1);
	return 0;
}

static void
child_end(struct inject *inj, long dumpable)
{
	if (dumpable == 0)
		inject_syscall(inj, SYS_prctl, PR_SET_DUMPABLE, 0, 0, 0, 0,
		    0);
	inject_end(inj, false, 0);
}

/* What the child inherits of its parent's redirection state. */
static void
child_inherit(struct proc *parent, struct proc *cp)
{
	struct redirect_state *prs = redir(parent);
	struct redirect_state *crs = redir(cp);

	crs->brk = prs->brk;
	/* The stub's code, where the parent has it (stub_map_batch). */
	crs->stub_base = prs->stub != NULL ? prs->stub_base : 0;
	crs->stub_code_pages = prs->stub != NULL ? prs->stub_code_pages : 0;
	crs->redirect_disabled = prs->redirect_disabled;
	crs->fd_transient = prs->fd_transient;
}

/*
 * Never kills the child: its own copy, or else private memory, or, where
 * not even that can be had, it runs on sharing what could not be copied
 * with its parent, and that is said once.
 */
void
redirect_child(struct proc *parent, struct thread *child)
{
	struct inject inj;
	long dumpable;

	child_inherit(parent, child->proc);
	/* Registers unreadable: the child is gone already. */
	if (child_begin(child, &inj, false, &dumpable) != 0)
		return;
	give_own_memory(parent, child, &inj, NULL);
	child_end(&inj, dumpable);
}

/* ---------------------------------------------------------------------
 * Borrowing: the child maps the parent's memfd copy-on-write until it
 * execs, exits or must have memory of its own (see the DESIGN note).
 * ------------------------------------------------------------------- */

/* The child's descriptor of the parent's memfd: -1 if none. */
static long
lender_fd(struct proc *parent, struct inject *inj, bool *opened)
{
	struct redirect_state *prs = redir(parent);
	char path[64];
	uint64_t addr;
	long fd;

	*opened = false;
	/* The child inherited the parent's descriptor table. */
	if (!redirect_fd_transient(parent) && prs->arena_fd_installed)
		return redirect_reserved_fd();
	arena_fd_path(prs->arena, path, sizeof(path));
	addr = inject_scratch(inj, path, strlen(path) + 1);
	if (addr == 0)
		return -1;
	fd = inject_syscall(inj, SYS_openat, AT_FDCWD, (long)addr,
	    O_RDONLY | O_CLOEXEC, 0, 0, 0);
	*opened = fd >= 0;
	return fd >= 0 ? fd : -1;
}

/*
 * Maps every range of the child that maps the parent's memfd MAP_PRIVATE
 * from the same file at the same offset: the same bytes, but the child's
 * writes go to pages of its own. 0, or -1 with some ranges perhaps
 * remapped (they hold the same bytes: the copy path takes them as they
 * are).
 */
static int
borrow_ranges(struct proc *parent, struct thread *child, struct inject *inj)
{
	struct stub_map *list = NULL;
	struct maps maps;
	struct stat st;
	char path[64];
	bool opened;
	size_t i, n = 0;
	long fd;
	int ok = -1;

	/* The overlay needs the child's pagemap: no borrowing without it. */
	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)child->tid);
	if (access(path, R_OK) != 0 ||
	    fstat(arena_fd(redir(parent)->arena), &st) != 0 ||
	    maps_read(child->tid, &maps, NULL) != 0)
		return -1;
	fd = lender_fd(parent, inj, &opened);
	list = xreallocarray(NULL, maps.count + 1, sizeof(*list));
	for (i = 0; i < maps.count; i++)
		if (maps_arena(&maps.regions[i], &st))
			list[n++] = map_entry(&maps.regions[i]);
	if (fd >= 0)
		ok = map_ranges(inj, list, n, MAP_PRIVATE | MAP_FIXED, fd);
	if (opened)
		inject_syscall(inj, SYS_close, fd, 0, 0, 0, 0, 0);
	free(list);
	maps_free(&maps);
	return ok;
}

bool
redirect_child_borrow(struct proc *parent, struct thread *child)
{
	const struct redirect_state *prs = redir_peek(parent);
	struct inject inj;
	uint64_t s, e;
	long dumpable;
	int ok;

	/* Wiped memory and the tests' forced failures take the copy path. */
	if (prs->arena == NULL || arena_next_wipe(prs->arena, 0, &s, &e) ||
	    (getenv("PTI_TEST_FORK_FAIL") != NULL &&
	    !fork_test_fails("borrow")) ||
	    getenv("PTI_TEST_NO_BORROW") != NULL)
		return false;
	child_inherit(parent, child->proc);
	if (child_begin(child, &inj, false, &dumpable) != 0)
		return false;
	ok = borrow_ranges(parent, child, &inj);
	child_end(&inj, dumpable);
	return ok == 0 && !child->has_deferred;
}

/* Adds the page at addr to own, joining it to the last run if it can. */
static void
own_pages_add(struct own_pages *own, uint64_t addr)
{
	if (own->count > 0 && own->runs[own->count - 1].end == addr) {
		own->runs[own->count - 1].end += PTI_PAGE_SIZE;
		return;
	}
	if (own->count == own->cap) {
		own->cap = own->cap != 0 ? own->cap * 2 : 64;
		own->runs = xreallocarray(own->runs, own->cap,
		    sizeof(*own->runs));
	}
	own->runs[own->count++] = (struct own_run){ addr,
	    addr + PTI_PAGE_SIZE };
}

/*
 * The child's own pages in range r (a private mapping of the parent's
 * memfd): anonymous in /proc/TID/pagemap (present or swapped, not a file
 * page). Where the pagemap cannot be read (pagemap -1), every page.
 */
static void
find_own_pages(int pagemap, const struct region *r, struct own_pages *own)
{
	uint64_t ent[512], at, n, k;

	for (at = r->start; at < r->end; at += n * PTI_PAGE_SIZE) {
		n = (r->end - at) / PTI_PAGE_SIZE;
		if (n > 512)
			n = 512;
		if (pagemap < 0 || pread(pagemap, ent, n * sizeof(ent[0]),
		    (off_t)(at / PTI_PAGE_SIZE * sizeof(ent[0]))) !=
		    (ssize_t)(n * sizeof(ent[0])))
			for (k = 0; k < n; k++)
				ent[k] = 1ULL << 62;
		for (k = 0; k < n; k++)
			if ((ent[k] >> 62) != 0 && !(ent[k] >> 61 & 1))
				own_pages_add(own, at + k * PTI_PAGE_SIZE);
	}
}

/*
 * Where the child's own pages are, in every range borrowed from parent
 * (their bytes stay in the child until give_own_memory copies them). 0,
 * or -1 (its maps cannot be read).
 */
static int
find_all_own_pages(struct proc *parent, pid_t tid, struct own_pages *own)
{
	struct maps maps;
	struct stat st;
	char path[64];
	size_t i;
	int pagemap;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)tid);
	if (fstat(arena_fd(redir(parent)->arena), &st) != 0 ||
	    maps_read(tid, &maps, NULL) != 0)
		return -1;
	pagemap = open(path, O_RDONLY | O_CLOEXEC);
	for (i = 0; i < maps.count; i++)
		if (maps_arena(&maps.regions[i], &st))
			find_own_pages(pagemap, &maps.regions[i], own);
	if (pagemap >= 0)
		close(pagemap);
	maps_free(&maps);
	return 0;
}

void
redirect_child_materialize(struct proc *parent, struct thread *child,
    bool at_entry)
{
	struct own_pages own = { 0 };
	struct inject inj;
	long dumpable;

	if (child_begin(child, &inj, at_entry, &dumpable) != 0)
		return;
	/* Unreadable: nothing can be copied either; the child is going. */
	if (find_all_own_pages(parent, child->tid, &own) == 0)
		give_own_memory(parent, child, &inj, &own);
	free(own.runs);
	child_end(&inj, dumpable);
}
