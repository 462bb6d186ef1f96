/*
 * redirect-fork.c: a fork child's memory. After fork the child maps the
 * parent's memfd: it must not share it. It gets an arena of its own, a
 * copy of the parent's (arena_clone), mapped over every range of the old
 * one before it runs (child_own_copy); where it cannot have a memfd, the
 * ranges become private memory holding the parent's bytes (built aside,
 * or in place where the child has no room for two copies) and the child
 * redirects nothing more (child_private). MADV_DONTFORK and
 * MADV_WIPEONFORK ranges get what the kernel gives them. Never kills the
 * child: where not even private memory can be had (the child refuses
 * every call), it runs on sharing those ranges with its parent, and that
 * is said once.
 */
#include "config.h"

#include <errno.h>
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

static bool maps_arena(const struct region *r, const struct stat *st);
static int child_own_copy(struct proc *parent, struct thread *child,
    struct inject *inj, const char **why);
static int poke_bytes(pid_t tid, uint64_t addr, const unsigned char *buf,
    size_t len);
static bool wiped_on_fork(const struct proc *p, uint64_t addr,
    uint64_t len);
static bool fork_test_fails(const char *what);
static int fill_private(struct proc *parent, pid_t tid, uint64_t to,
    uint64_t start, uint64_t len);
static int make_range_private(struct proc *parent, struct thread *child,
    struct inject *inj, const struct region *r);
static uint64_t child_private(struct proc *parent, struct thread *child,
    struct inject *inj);

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

/*
 * The child shares the parent's memfd pages until each of its memfd
 * mappings is replaced by the same range of its own copy. 0, or -1 (*why
 * says why) with some of them perhaps replaced: child_private then copies
 * them all (they hold the same bytes either way).
 */
static int
child_own_copy(struct proc *parent, struct thread *child,
    struct inject *inj, const char **why)
{
	struct redirect_state *prs = redir(parent);
	struct proc *cp = child->proc;
	struct redirect_state *crs = redir(cp);
	const struct region *r;
	struct fork_advice *fa;
	struct maps maps;
	struct stat st;
	size_t i;
	long res, fd;
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
	*why = "mapping the child's memfd";
	for (i = 0; ok == 0 && i < maps.count; i++) {
		r = &maps.regions[i];
		if (!maps_arena(r, &st))
			continue;
		res = inject_syscall(inj, SYS_mmap, (long)r->start,
		    (long)(r->end - r->start), redirect_region_prot(r),
		    MAP_SHARED | MAP_FIXED,
		    fd, (long)r->offset);
		if (res != (long)r->start)
			ok = -1;
	}
	redirect_fd_release(inj, fd);
	maps_free(&maps);
	if (ok != 0)
		return -1;
	stub_inherit(parent, cp);
	for (fa = prs->fork_advice; fa != NULL; fa = fa->next) {
		if (fa->advice == MADV_DONTFORK) {
			arena_unmap(crs->arena, fa->start, fa->len);
		} else {
			arena_zero(crs->arena, fa->start, fa->len);
			redirect_remember_fork_advice(cp, fa->start, fa->len,
			    fa->advice);
		}
	}
	return 0;
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

/* Is [addr, addr + len) within a WIPEONFORK range of p? */
static bool
wiped_on_fork(const struct proc *p, uint64_t addr, uint64_t len)
{
	const struct fork_advice *fa;

	for (fa = redir_peek(p)->fork_advice; fa != NULL; fa = fa->next)
		if (fa->advice == MADV_WIPEONFORK && fa->start <= addr &&
		    addr + len <= fa->start + fa->len)
			return true;
	return false;
}

/*
 * Test-only: PTI_TEST_FORK_FAIL holding "own" makes child_own_copy fail
 * at once (as where no memfd can reach the child), holding "private"
 * makes child_private leave every range as it is (as where the child
 * refuses every call), so tests/nokill.t reaches the paths that natural
 * causes reach only rarely.
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
		if (wiped_on_fork(parent, start + at, PTI_PAGE_SIZE))
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
 * the parent's bytes: built aside and moved over r, so a failure leaves
 * r as it was. Where the child has no room for a second copy (RLIMIT_AS,
 * strict overcommit) it is made in place: private memory mapped over r,
 * then filled (the parent's arena still holds the bytes), as much as a
 * native fork needs. 0, or -1 with r perhaps still the memfd's.
 */
static int
make_range_private(struct proc *parent, struct thread *child,
    struct inject *inj, const struct region *r)
{
	uint64_t len = r->end - r->start;
	long prot = redirect_region_prot(r), at;
	bool in_place = false;

	at = inject_syscall(inj, SYS_mmap, 0, (long)len,
	    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (at == -ESRCH)
		return -1;
	if (syscall_failed(at)) {
		in_place = true;
		at = inject_syscall(inj, SYS_mmap, (long)r->start, (long)len,
		    PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		if (at != (long)r->start)
			return -1;
	}
	if (fill_private(parent, child->tid, (uint64_t)at, r->start,
	    len) != 0 || (prot != (PROT_READ | PROT_WRITE) &&
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
 * the parent's bytes, and the child redirects nothing more. Exact:
 * memory is what it would be natively. Returns how many bytes still map
 * the parent's memfd (shared with it) when some range could not be made
 * private; the child keeps running either way.
 */
static uint64_t
child_private(struct proc *parent, struct thread *child, struct inject *inj)
{
	struct redirect_state *prs = redir(parent);
	struct proc *cp = child->proc;
	struct redirect_state *crs = redir(cp);
	struct stat st, cst;
	const struct region *r;
	struct fork_advice *fa;
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
		    make_range_private(parent, child, inj, r) != 0) &&
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
	for (fa = prs->fork_advice; fa != NULL; fa = fa->next)
		if (fa->advice == MADV_WIPEONFORK)
			inject_syscall(inj, SYS_madvise, (long)fa->start,
			    (long)fa->len, MADV_WIPEONFORK, 0, 0, 0);
	redirect_holder_remove(cp);
	if (crs->arena != NULL)
		arena_free(crs->arena);
	crs->arena = NULL;
	crs->arena_fd_installed = false;
	crs->redirect_disabled = true;
	return shared;
}

/*
 * Never kills the child: its own copy, or else private memory, or, where
 * not even that can be had, it runs on sharing what could not be copied
 * with its parent, and that is said once. A child of a non-dumpable
 * process is made dumpable for the moment (a non-root tracer may not read
 * its /proc files or memory otherwise), and back.
 */
void
redirect_child(struct proc *parent, struct thread *child)
{
	struct redirect_state *prs = redir(parent);
	struct proc *cp = child->proc;
	struct redirect_state *crs = redir(cp);
	static bool said_shared;
	const char *why = "forced by PTI_TEST_FORK_FAIL";
	struct inject inj;
	uint64_t shared;
	long dumpable;

	crs->brk = prs->brk;
	crs->redirect_disabled = prs->redirect_disabled;
	crs->fd_transient = prs->fd_transient;
	/* Registers unreadable: the child is gone already. */
	if (inject_begin(&inj, child, false) != 0)
		return;
	dumpable = inject_syscall(&inj, SYS_prctl, PR_GET_DUMPABLE, 0, 0, 0,
	    0, 0);
	if (dumpable == 0)
		inject_syscall(&inj, SYS_prctl, PR_SET_DUMPABLE, 1, 0, 0, 0,
		    0);
	if ((fork_test_fails("own") ||
	    child_own_copy(parent, child, &inj, &why) != 0) &&
	    !child->has_deferred) {
		shared = child_private(parent, child, &inj);
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
	if (dumpable == 0)
		inject_syscall(&inj, SYS_prctl, PR_SET_DUMPABLE, 0, 0, 0, 0,
		    0);
	inject_end(&inj, false, 0);
}
