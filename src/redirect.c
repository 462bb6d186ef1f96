/*
 * redirect.c: the tracee's private anonymous memory, kept in a memfd arena
 * that ptinspect maps too (arena.h), without the program being able to
 * tell the difference.
 *
 * Model. At the seccomp stop of a private anonymous, non-executable mmap
 * the call is replaced by mmap(MAP_SHARED, memfd, slot offset), run to its
 * end by the mmap stub inside the tracee (stub.c), or, the first time and
 * whenever the stub cannot, from here (inject.c); either way the registers
 * are put back as the original call would have left them, and the arena
 * records address -> offset. Everything that changes those addresses
 * reaches us at its entry, and the file behind the old range is punched
 * (once the call has worked, where the kernel may refuse it) so memory
 * is given back and reads as zeros as it would natively:
 *
 *   munmap, MAP_FIXED over a redirected range   arena_unmap (punch; a
 *                                               whole mapping's munmap
 *                                               returns into the stub,
 *                                               which punches; a hole's
 *                                               runs here first, as the
 *                                               kernel may refuse it;
 *                                               MAP_FIXED's once its
 *                                               result is known)
 *   MADV_DONTNEED(_LOCKED), MADV_GUARD_INSTALL  punch, then run it
 *   MADV_FREE, MADV_WIPEONFORK, MADV_REMOVE     emulated: shared mappings
 *                                               answer them differently
 *                                               (WIPEONFORK: the arena's
 *                                               mark, for fork)
 *   MADV_DONTFORK, MADV_DOFORK                  not seen: the shared
 *                                               mapping takes them, and a
 *                                               fork child's arena keeps
 *                                               what the child maps
 *   mremap                                      run inside the slot, or
 *                                               emulated as a copy + move
 *   brk                                         emulated: the heap grows
 *                                               and shrinks in the arena
 *   shmat(SHM_REMAP) over redirected memory    arena_unmap, after it
 *   mprotect adding PROT_EXEC, mseal            the range goes back to
 *                                               private memory (a copy
 *                                               with its protection and
 *                                               smaps advice), other
 *                                               threads stopped
 *   fork (not vfork/threads)                    the child gets its own
 *                                               arena, a copy, remapped
 *                                               before it runs
 *   CLONE_VM without CLONE_THREAD (vfork...)    the child shares the
 *                                               arena, heap and fork
 *                                               advice (struct mm_share)
 *   exec, death                                 the arena is dropped
 *                                               with its last user
 *
 * The memfd reaches the tracee once per address space: openat of
 * /proc/<ptinspect>/fd/<n> run inside it, moved to the reserved fd, above
 * the program's RLIMIT_NOFILE where possible so no fd number it can use
 * is taken. Where the tracee may not open that path (it changed to
 * another user, or chrooted), it makes the memfd itself (an injected
 * memfd_create) and ptinspect takes its own descriptor of it with
 * pidfd_getfd, which the tracer may always do. Where the reserved number
 * cannot be had (a non-root program lowered its hard limit below it), the
 * process gets the memfd for each call only. If the program closes it we
 * reinstall it on the next mmap; if the program makes the number its own
 * (dup2 onto it), no new mappings are redirected in that process.
 * Anything we cannot redirect stays private and is served by the copy path
 * in mem.c; a fork child that cannot have its own memfd gets its memory
 * copied back into private memory, never shared with its parent, and is
 * never killed. Such fallbacks are said once per run.
 *
 * Files. This one has the handlers of the memory rules and the dispatch
 * (redirect_syscall); brk is redirect-brk.c, the fork child redirect-fork.c,
 * the memfd's way into the tracee redirect-fd.c, the state kept per process
 * and per shared address space redirect-state.c (redirect-int.h has the
 * map and the order in which they may call each other).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/kcmp.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/uio.h>
#include <unistd.h>

#include "arena.h"
#include "inject.h"
#include "maps.h"
#include "redirect.h"
#include "redirect-int.h"
#include "seccomp.h"
#include "stub.h"
#include "task.h"
#include "util.h"

/*
 * Redirected mappings never merge with their neighbours (each has its own
 * file range), so a program that relies on merging to stay under
 * vm.max_map_count (65530) gets private memory past this many.
 */
#define MAX_REDIRECTED_EXTENTS 32768
#ifndef MADV_DONTNEED_LOCKED	/* Linux 5.18 */
#define MADV_DONTNEED_LOCKED 24
#endif
#ifndef MADV_GUARD_INSTALL	/* Linux 6.13 */
#define MADV_GUARD_INSTALL 102
#endif

/* ---------------------------------------------------------------------
 * Syscall handlers (at seccomp stops; registers as the program set them)
 * ------------------------------------------------------------------- */

/*
 * The program maps at the stub's addresses: they are its own, so the stub
 * goes and the call runs as asked (the mapping stays private).
 */
static void
give_stub_addresses(struct thread *t, const struct user_regs_struct *regs)
{
	struct inject inj;
	long result;

	if (inject_begin(&inj, t, true) != 0)
		return;
	stub_evict(&inj, t->proc);
	if ((long)regs->r10 & MAP_FIXED)
		arena_unmap(redir(t->proc)->arena, regs->rdi,
		    PAGE_UP(regs->rsi));
	result = inject_syscall(&inj, SYS_mmap, (long)regs->rdi,
	    (long)regs->rsi, (long)regs->rdx, (long)regs->r10,
	    (long)regs->r8, (long)regs->r9);
	inject_end(&inj, true, result);
}

/*
 * Would the kernel refuse a private writable mapping of len bytes for
 * its commit charge? The memfd's shared mapping is not charged, so the
 * answer is found here, and then the program's own call runs (and fails
 * as it would natively): heuristic overcommit refuses one mapping larger
 * than RAM and swap together (MAP_NORESERVE is not charged), strict
 * overcommit one that takes Committed_AS past CommitLimit.
 */
static bool
commit_refused(uint64_t len, long flags)
{
	static int mode = -1;
	uint64_t limit = 0, committed = 0, v;
	struct sysinfo si;
	char line[128];
	FILE *f;

	if (mode < 0) {
		f = fopen("/proc/sys/vm/overcommit_memory", "r");
		if (f == NULL || fscanf(f, "%d", &mode) != 1)
			mode = 0;
		if (f != NULL)
			fclose(f);
	}
	if (mode == 0) {
		return !(flags & MAP_NORESERVE) && len >= (1ULL << 30) &&
		    sysinfo(&si) == 0 && len / PTI_PAGE_SIZE >
		    ((uint64_t)si.totalram + si.totalswap) * si.mem_unit /
		    PTI_PAGE_SIZE;
	}
	if (mode != 2 || (f = fopen("/proc/meminfo", "r")) == NULL)
		return false;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "CommitLimit: %" SCNu64, &v) == 1)
			limit = v * 1024;
		else if (sscanf(line, "Committed_AS: %" SCNu64, &v) == 1)
			committed = v * 1024;
	}
	fclose(f);
	return limit != 0 && committed + PAGE_UP(len) > limit;
}

/*
 * Runs t's call, stopped at its seccomp stop, here (injected) with its
 * own registers, so that its result is known before the tracer acts on
 * it; the thread gets that result as the call's. False if it could not
 * be run (the call then runs as the thread resumes).
 */
static bool
run_call_here(struct thread *t, const struct user_regs_struct *regs,
    long *result)
{
	struct inject inj;

	if (inject_begin(&inj, t, true) != 0)
		return false;
	*result = inject_syscall(&inj, (long)regs->orig_rax, (long)regs->rdi,
	    (long)regs->rsi, (long)regs->rdx, (long)regs->r10, (long)regs->r8,
	    (long)regs->r9);
	inject_end(&inj, true, *result);
	return true;
}

/*
 * A MAP_FIXED over redirected memory that is not redirected itself runs
 * here, and what the arena held there is forgotten only if it worked: a
 * MAP_FIXED that fails (a bad descriptor, a file opened read-only, the
 * mapping limit) leaves the old mapping as it was.
 */
static void
fixed_over_arena(struct thread *t, const struct user_regs_struct *regs)
{
	long result;

	if (run_call_here(t, regs, &result) && !syscall_failed(result))
		arena_unmap(redir(t->proc)->arena, (uint64_t)result,
		    PAGE_UP(regs->rsi));
}

static void
on_mmap(struct thread *t, const struct user_regs_struct *regs)
{
	struct proc *p = t->proc;
	struct redirect_state *rs = redir(p);
	uint64_t addr = regs->rdi, len = regs->rsi, off;
	long prot = (long)regs->rdx, flags = (long)regs->r10, result;
	long shared_flags;
	bool replaces;
	bool private_anon = (flags & (MAP_TYPE | MAP_ANONYMOUS)) ==
	    (MAP_PRIVATE | MAP_ANONYMOUS);
	struct inject inj;
	long fd;

	/* The program asks for the stub's addresses: they are its own. */
	if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) &&
	    stub_in_range(p, addr, PAGE_UP(len))) {
		give_stub_addresses(t, regs);
		return;
	}
	/*
	 * RLIMIT_DATA, which the kernel applies without redirected memory:
	 * any private writable mapping, of a file too, before anything goes.
	 */
	if ((prot & PROT_WRITE) && (flags & MAP_TYPE) == MAP_PRIVATE &&
	    !(flags & MAP_GROWSDOWN) && len != 0 &&
	    redirect_data_limit_refuses_map(p, t->tid, addr, len, flags)) {
		redirect_skip_syscall(t, regs, -ENOMEM);
		return;
	}
	if (flags & MAP_LOCKED)
		rs->may_lock = true;
	/*
	 * Whatever MAP_FIXED maps replaces what was there, once it worked:
	 * the arena forgets it when the call's result is known (here, or
	 * when the stub's lane is collected).
	 */
	replaces = (flags & MAP_FIXED) && rs->arena != NULL && len != 0 &&
	    (addr & (PTI_PAGE_SIZE - 1)) == 0 && addr + len > addr &&
	    arena_overlaps(rs->arena, addr, PAGE_UP(len));
	if (!private_anon || (prot & PROT_EXEC) || len == 0 ||
	    (flags & (MAP_HUGETLB | MAP_GROWSDOWN)) || rs->redirect_disabled ||
	    !redirect_ensure_arena(p))
		goto not_redirected;
	/* The commit charge a shared mapping would escape. */
	if ((prot & PROT_WRITE) && commit_refused(len, flags))
		goto not_redirected;
	if (arena_extent_count(rs->arena) >= MAX_REDIRECTED_EXTENTS ||
	    arena_alloc(rs->arena, PAGE_UP(len), &off, NULL) != 0)
		goto not_redirected;
	shared_flags = (flags & ~(MAP_TYPE | MAP_ANONYMOUS)) | MAP_SHARED;
	/*
	 * The common case: one stop, the stub does the rest, with the memfd
	 * kept at reserved_fd, or opening it by path (-1).
	 */
	if (stub_ready(t) &&
	    (redirect_fd_transient(p) || rs->arena_fd_installed)) {
		stub_send(t, regs, PAGE_UP(len), off, shared_flags,
		    redirect_fd_transient(p) ? -1 : redirect_reserved_fd());
		return;
	}
	if (inject_begin(&inj, t, true) != 0) {
		arena_release(rs->arena, off);
		return;
	}
	/*
	 * The first redirected call of a process puts the stub in place,
	 * not where the call asks for.
	 */
	fd = redirect_stub_install(&inj, p, addr, addr != 0 ? PAGE_UP(len) :
	    0);
	if (fd < 0) {
		/* Run the original call; this mapping stays private. */
		arena_release(rs->arena, off);
		result = inject_syscall(&inj, SYS_mmap, (long)addr, (long)len,
		    prot, flags, (long)regs->r8, (long)regs->r9);
		if (!syscall_failed(result))
			arena_unmap(rs->arena, (uint64_t)result, PAGE_UP(len));
		inject_end(&inj, true, result);
		return;
	}
	/*
	 * Slow this once: the next ones take the stub, and so does this one
	 * once the stub is in (from the stop of the set-up, as from a
	 * seccomp stop): its mmap and the close of a transient descriptor
	 * would cost 4 more stops. The lane closes that descriptor itself,
	 * as it closes those it opens: its close injected here cost 2.
	 */
	if (stub_ready(t) &&
	    (redirect_fd_transient(p) || rs->arena_fd_installed)) {
		if (inject_end(&inj, false, 0) == 0)
			stub_send(t, regs, PAGE_UP(len), off, shared_flags,
			    redirect_fd_transient(p) ? LANE_FD_CLOSE(fd) :
			    redirect_reserved_fd());
		else
			arena_release(rs->arena, off);
		return;
	}
	result = inject_syscall(&inj, SYS_mmap, (long)addr, (long)len, prot,
	    shared_flags, fd, (long)off);
	redirect_fd_release(&inj, fd);
	if (syscall_failed(result)) {
		arena_release(rs->arena, off);
		if (result == -ESRCH)
			return;
		result = inject_syscall(&inj, SYS_mmap, (long)addr, (long)len,
		    prot, flags, (long)regs->r8, (long)regs->r9);
		if (!syscall_failed(result))
			arena_unmap(rs->arena, (uint64_t)result, PAGE_UP(len));
	} else {
		arena_unmap(rs->arena, (uint64_t)result, PAGE_UP(len));
		arena_map(rs->arena, (uint64_t)result, PAGE_UP(len), off);
	}
	inject_end(&inj, true, result);
	return;

not_redirected:
	if (replaces)
		fixed_over_arena(t, regs);
}

void
redirect_sync(struct proc *p)
{
	redirect_mm_load(p);
	/* A thread of p is stopped after a call: its munmaps have run. */
	redirect_punch_pending(p);
	stub_collect(p);
	/* A brk lane that failed moved the break back. */
	redirect_mm_store(p);
}

void
redirect_drop_kept(struct proc *p)
{
	const struct redirect_state *rs = redir_peek(p);

	if (rs->arena != NULL)
		arena_drop_kept(rs->arena);
}

void
redirect_name_regions(struct proc *p, struct maps *maps)
{
	const struct redirect_state *rs = redir_peek(p);
	uint64_t heap_start, heap_end, off, avail;
	struct region *r;
	size_t i;

	heap_start = rs->brk.start & ~(PTI_PAGE_SIZE - 1);
	heap_end = PAGE_UP(rs->brk.cur);
	for (i = 0; i < maps->count; i++) {
		r = &maps->regions[i];
		if (stub_contains(p, r->start)) {
			free(r->name);
			r->name = xstrdup("[ptinspect]");
			continue;
		}
		if (rs->arena == NULL || r->perms[3] != 's' ||
		    !arena_lookup(rs->arena, r->start, &off, &avail))
			continue;
		/*
		 * Redirected: shown as the program made it, private anonymous
		 * memory ([heap] for the emulated brk heap); mem.c's access
		 * column says it is shared with ptinspect.
		 */
		free(r->name);
		r->name = xstrdup(rs->brk.mode == BRK_EMULATED &&
		    r->start >= heap_start && r->end <= heap_end ?
		    "[heap]" : "");
		r->perms[3] = 'p';
		r->offset = 0;
		r->dev_major = r->dev_minor = 0;
		r->inode = 0;
	}
}

bool
redirect_munmap_by_stub(struct thread *t, const struct user_regs_struct *regs)
{
	struct proc *p = t->proc;
	const struct redirect_state *rs = redir_peek(p);
	uint64_t addr = regs->rdi, len = PAGE_UP(regs->rsi), off, slot, size;

	if (len < MUNMAP_LANE_MIN || (addr & (PTI_PAGE_SIZE - 1)) != 0 ||
	    addr + len < addr || stub_in_range(p, addr, len) ||
	    rs->redirect_disabled || !stub_ready(t) ||
	    !(redirect_fd_transient(p) || rs->arena_fd_installed) ||
	    redirect_mm_shared(p) ||
	    !arena_unmap_keep_slot(rs->arena, addr, len, &off, &slot, &size))
		return false;
	/* Pages kept for reuse are not the lane's to punch (size 0). */
	stub_send_munmap(t, regs, off, slot, arena_may_keep(len) ? 0 : size,
	    redirect_fd_transient(p) ? -1 : redirect_reserved_fd());
	return true;
}

bool
redirect_munmap_hole(struct thread *t, const struct user_regs_struct *regs)
{
	struct arena *a = redir_peek(t->proc)->arena;
	uint64_t addr = regs->rdi, len = PAGE_UP(regs->rsi), s, e;
	long result;

	if (a == NULL || len == 0 || (addr & (PTI_PAGE_SIZE - 1)) != 0 ||
	    addr + len < addr || !arena_next(a, addr, &s, &e) ||
	    s >= addr || e <= addr + len || !run_call_here(t, regs, &result))
		return false;
	if (result == 0)
		arena_unmap(a, addr, len);
	return true;
}

bool
redirect_munmap(struct proc *p, uint64_t addr, uint64_t len)
{
	struct redirect_state *rs = redir(p);

	stub_yield(p, addr, PAGE_UP(len));
	if (rs->arena == NULL || len == 0 || (addr & (PTI_PAGE_SIZE - 1)) != 0)
		return false;
	arena_unmap_later(rs->arena, addr, PAGE_UP(len));
	return arena_has_pending_punches(rs->arena);
}

bool
redirect_punch_pending(struct proc *p)
{
	struct arena *a = redir_peek(p)->arena;

	return a != NULL && arena_punch_pending(a);
}

/*
 * Where in [addr, end) MADV_DONTNEED or MADV_FREE stops: the kernel goes
 * mapping by mapping and refuses a locked one (EINVAL), the ones before
 * it done. end where p cannot have locked memory (no mlock, mlockall or
 * MAP_LOCKED seen), else the start of the first locked mapping, from
 * smaps.
 */
static uint64_t
unlocked_end(struct proc *p, pid_t tid, uint64_t addr, uint64_t end)
{
	struct maps maps;
	size_t i;

	if (!redir(p)->may_lock || maps_read_smaps(tid, &maps, NULL) != 0)
		return end;
	for (i = 0; i < maps.count; i++) {
		const struct region *r = &maps.regions[i];

		if (r->end > addr && r->start < end &&
		    (r->advice & REGION_LOCKED)) {
			end = r->start > addr ? r->start : addr;
			break;
		}
	}
	maps_free(&maps);
	return end;
}

/*
 * Advice that private anonymous memory takes and shared memory answers
 * differently, over [addr, end) where some pages are redirected: the
 * kernel goes mapping by mapping, stopping at the first error other than
 * ENOMEM (a hole, reported at the end), so the pages that are not
 * redirected get the real call and the redirected ones the emulation:
 * MADV_FREE punches (zeros are one of its outcomes), MADV_WIPEONFORK
 * marks the arena for fork (arena_set_wipe), and MADV_REMOVE is refused
 * as on private memory. MADV_FREE is refused from the first locked
 * mapping on.
 */
static long
advise_by_pieces(struct inject *inj, struct proc *p, uint64_t addr,
    uint64_t end, int advice)
{
	struct redirect_state *rs = redir(p);
	uint64_t at, s, e, unlocked = end;
	bool hole = false;
	long r;

	if (advice == MADV_FREE)
		unlocked = unlocked_end(p, inj->thread->tid, addr, end);

	for (at = addr; at < end; at = e) {
		if (!arena_next(rs->arena, at, &s, &e) || s >= end)
			s = e = end;
		if (s > at) {
			r = inject_syscall(inj, SYS_madvise, (long)at,
			    (long)(s - at), advice, 0, 0, 0);
			if (r == -ENOMEM)
				hole = true;
			else if (r != 0)
				return r;
		}
		if (s >= end)
			break;
		s = s > at ? s : at;
		e = e < end ? e : end;
		if (advice == MADV_REMOVE)
			return -EINVAL;
		if (advice == MADV_FREE) {
			if (unlocked < e) {
				if (unlocked > s)
					arena_zero(rs->arena, s, unlocked - s);
				return -EINVAL;
			}
			arena_zero(rs->arena, s, e - s);
		} else {
			arena_set_wipe(rs->arena, s, e - s, true);
		}
	}
	return hole ? -ENOMEM : 0;
}

/*
 * madvise over a range holding redirected pages (anywhere in it, not only
 * at its start). Zeroing advice punches the file behind every redirected
 * page first: a shared mapping would otherwise show the old bytes again.
 */
static void
on_madvise(struct thread *t, const struct user_regs_struct *regs)
{
	struct proc *p = t->proc;
	struct redirect_state *rs = redir(p);
	uint64_t addr = regs->rdi, len = PAGE_UP(regs->rsi), s, e;
	int advice = (int)regs->rdx;
	struct inject inj;
	long result;

	if (rs->arena == NULL || len == 0 ||
	    (addr & (PTI_PAGE_SIZE - 1)) != 0 || addr + len < addr ||
	    !arena_next(rs->arena, addr, &s, &e) || s >= addr + len)
		return;
	switch (advice) {
	case MADV_DONTNEED:
		/* The pages the kernel will zap, which it then does. */
		arena_zero(rs->arena, addr,
		    unlocked_end(p, t->tid, addr, addr + len) - addr);
		break;
	case MADV_DONTNEED_LOCKED:
		arena_zero(rs->arena, addr, len);
		break;
	case MADV_GUARD_INSTALL:
		/* Guard pages read zeros once removed: punch if it took. */
		if (inject_begin(&inj, t, true) != 0)
			return;
		result = inject_syscall(&inj, SYS_madvise, (long)addr,
		    (long)regs->rsi, advice, 0, 0, 0);
		if (result == 0)
			arena_zero(rs->arena, addr, len);
		inject_end(&inj, true, result);
		break;
	case MADV_FREE:
	case MADV_REMOVE:
	case MADV_WIPEONFORK:
		if (inject_begin(&inj, t, true) != 0)
			return;
		result = advise_by_pieces(&inj, p, addr, addr + len, advice);
		inject_end(&inj, true, result);
		/* Nothing ran in its place: the call itself must not. */
		if (inj.at_entry)
			redirect_skip_syscall(t, regs, result);
		break;
	case MADV_KEEPONFORK:
		/* Then it runs: shared mappings take it (they never wipe). */
		arena_set_wipe(rs->arena, addr, len, false);
		break;
	}
}

/* PROT_* of the mapping at addr, from /proc/TID/maps. -1 if unknown. */
static long
prot_at(pid_t tid, uint64_t addr)
{
	const struct region *r;
	struct maps maps;
	long prot = -1;

	if (maps_read(tid, &maps, NULL) != 0)
		return -1;
	r = maps_find(&maps, addr);
	if (r != NULL)
		prot = redirect_region_prot(r);
	maps_free(&maps);
	return prot;
}

/*
 * Whether [addr, addr + len) would be one mapping natively: redirected
 * throughout (several extents: adjacent mmaps, which the kernel merges
 * when they are private), with no gap and one protection.
 */
static bool
mergeable_span(const struct proc *p, pid_t tid, uint64_t addr, uint64_t len)
{
	const struct region *r, *first = NULL;
	uint64_t at, off, avail;
	struct maps maps;
	bool ok = true;
	size_t i;

	for (at = addr; at < addr + len; at += avail)
		if (!arena_lookup(redir_peek(p)->arena, at, &off, &avail))
			return false;
	if (maps_read(tid, &maps, NULL) != 0)
		return false;
	for (at = addr, i = 0; ok && i < maps.count && at < addr + len; i++) {
		r = &maps.regions[i];
		if (r->end <= at)
			continue;
		if (first == NULL)
			first = r;
		ok = r->start <= at && strcmp(r->perms, first->perms) == 0;
		at = r->end;
	}
	maps_free(&maps);
	return ok && at >= addr + len;
}

/*
 * mremap that outgrows the slot: the new size gets a new slot holding a
 * copy, mapped in place when the addresses after the mapping are free,
 * else (MREMAP_MAYMOVE) wherever the kernel puts it, or at new_addr
 * (MREMAP_FIXED); then the old range goes.
 */
static long
mremap_by_copy(struct inject *inj, struct proc *p, uint64_t old_addr,
    uint64_t old_len, uint64_t new_len, long flags, uint64_t new_addr,
    long tracee_fd)
{
	struct redirect_state *rs = redir(p);
	int fd = arena_fd(rs->arena);
	loff_t in, out;
	uint64_t off, old_off, avail, done = 0;
	long prot, r = -ENOMEM;
	bool wipe;
	ssize_t n;

	prot = prot_at(inj->thread->tid, old_addr);
	if (prot < 0 || arena_alloc(rs->arena, new_len, &off, NULL) != 0)
		return -ENOMEM;
	/* Extent by extent: the range may be mappings the kernel merged. */
	while (done < old_len) {
		if (!arena_lookup(rs->arena, old_addr + done, &old_off,
		    &avail))
			break;
		in = (loff_t)old_off;
		out = (loff_t)(off + done);
		n = copy_file_range(fd, &in, fd, &out, avail < old_len - done ?
		    avail : old_len - done, 0);
		if (n <= 0)
			break;
		done += (uint64_t)n;
	}
	if (done < old_len) {
		arena_release(rs->arena, off);
		return -ENOMEM;
	}
	if (!(flags & MREMAP_FIXED)) {
		/* In place when nothing follows the mapping. */
		r = inject_syscall(inj, SYS_mmap, (long)(old_addr + old_len),
		    (long)(new_len - old_len), PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (!syscall_failed(r)) {
			r = inject_syscall(inj, SYS_mmap, (long)old_addr,
			    (long)new_len, prot, MAP_SHARED | MAP_FIXED,
			    tracee_fd, (long)off);
		} else if (flags & MREMAP_MAYMOVE) {
			r = inject_syscall(inj, SYS_mmap, 0, (long)new_len,
			    prot, MAP_SHARED, tracee_fd, (long)off);
		} else {
			r = -ENOMEM;
		}
	} else {
		r = inject_syscall(inj, SYS_mmap, (long)new_addr,
		    (long)new_len, prot, MAP_SHARED | MAP_FIXED, tracee_fd,
		    (long)off);
	}
	if (syscall_failed(r)) {
		arena_release(rs->arena, off);
		return r == -EEXIST ? -ENOMEM : r;
	}
	/* One mapping: marked throughout or not at all. */
	wipe = arena_wiped(rs->arena, old_addr, PTI_PAGE_SIZE);
	if ((uint64_t)r != old_addr) {
		inject_syscall(inj, SYS_munmap, (long)old_addr, (long)old_len,
		    0, 0, 0, 0);
		arena_unmap(rs->arena, old_addr, old_len);
	} else {
		arena_unmap(rs->arena, old_addr, new_len);
	}
	arena_map(rs->arena, (uint64_t)r, new_len, off);
	if (wipe)
		arena_set_wipe(rs->arena, (uint64_t)r, new_len, true);
	return r;
}

/*
 * MREMAP_DONTUNMAP leaves the old range mapped and empty; on a shared
 * mapping it would still show the file's data, so it gets a fresh slot.
 */
static void
mremap_left_behind(struct inject *inj, struct proc *p, uint64_t old_addr,
    uint64_t old_len, uint64_t new_addr, uint64_t new_len)
{
	struct redirect_state *rs = redir(p);
	uint64_t off;
	long prot, r, fd;

	arena_move(rs->arena, old_addr, old_len, new_addr, new_len);
	prot = prot_at(inj->thread->tid, old_addr);
	if (prot < 0 || arena_alloc(rs->arena, old_len, &off, NULL) != 0)
		return;
	fd = redirect_fd_acquire(inj, p);
	r = fd < 0 ? -EBADF : inject_syscall(inj, SYS_mmap, (long)old_addr,
	    (long)old_len, prot, MAP_SHARED | MAP_FIXED, fd, (long)off);
	redirect_fd_release(inj, fd);
	if (r != (long)old_addr) {
		arena_release(rs->arena, off);
		return;
	}
	arena_map(rs->arena, old_addr, old_len, off);
	/* The old mapping stays, with its flags. */
	if (arena_wiped(rs->arena, new_addr, PTI_PAGE_SIZE))
		arena_set_wipe(rs->arena, old_addr, old_len, true);
}

static void
on_mremap(struct thread *t, const struct user_regs_struct *regs)
{
	struct proc *p = t->proc;
	struct redirect_state *rs = redir(p);
	uint64_t old_addr = regs->rdi, old_len = PAGE_UP(regs->rsi);
	uint64_t new_len = PAGE_UP(regs->rdx), new_addr = regs->r8;
	uint64_t off, avail;
	long flags = (long)regs->r10, result, fd;
	struct inject inj;

	stub_yield(p, old_addr, old_len);
	if (flags & MREMAP_FIXED)
		stub_yield(p, new_addr, new_len);
	/* Growth is data where the mapping is (DONTUNMAP: all of it). */
	if (old_len != 0 && (new_len > old_len || (flags & MREMAP_DONTUNMAP)) &&
	    redirect_data_limit_exceeded(p, t->tid, old_addr,
	    (flags & MREMAP_DONTUNMAP) ? new_len : new_len - old_len)) {
		redirect_skip_syscall(t, regs, -ENOMEM);
		return;
	}
	if (rs->arena == NULL ||
	    !arena_lookup(rs->arena, old_addr, &off, &avail) || new_len == 0)
		return;
	if (old_len == 0) {
		/* Duplicating works only on shared memory: not natively. */
		redirect_skip_syscall(t, regs, -EINVAL);
		return;
	}
	if (inject_begin(&inj, t, true) != 0)
		return;
	if ((flags & MREMAP_DONTUNMAP) || new_len <= old_len ||
	    (avail == old_len && new_len <= arena_slot_room(rs->arena, off))) {
		/*
		 * The kernel can do it: the file range shrinks or grows within
		 * its slot, or (DONTUNMAP) moves and leaves the old range to
		 * be given fresh memory.
		 */
		result = inject_syscall(&inj, SYS_mremap, (long)regs->rdi,
		    (long)regs->rsi, (long)regs->rdx, flags, (long)new_addr,
		    0);
		if (!syscall_failed(result) && (flags & MREMAP_DONTUNMAP))
			mremap_left_behind(&inj, p, old_addr, old_len,
			    (uint64_t)result, new_len);
		else if (!syscall_failed(result))
			arena_move(rs->arena, old_addr, old_len,
			    (uint64_t)result, new_len);
	} else if (avail < old_len &&
	    !mergeable_span(p, inj.thread->tid, old_addr, old_len)) {
		/* Spans two mappings the kernel keeps apart: EFAULT too. */
		result = -EFAULT;
	} else if ((fd = redirect_fd_acquire(&inj, p)) < 0) {
		result = -ENOMEM;
	} else {
		result = mremap_by_copy(&inj, p, old_addr, old_len, new_len,
		    flags, new_addr, fd);
		redirect_fd_release(&inj, fd);
	}
	inject_end(&inj, true, result);
}

/*
 * shmat(SHM_REMAP) replaces what was mapped at its address, as MAP_FIXED
 * does: run it, then forget the redirected memory it covered.
 */
static void
on_shmat(struct thread *t, const struct user_regs_struct *regs)
{
	struct proc *p = t->proc;
	struct redirect_state *rs = redir(p);
	const struct region *r;
	struct inject inj;
	struct maps maps;
	long result;

	if (rs->arena == NULL || inject_begin(&inj, t, true) != 0)
		return;
	result = inject_syscall(&inj, SYS_shmat, (long)regs->rdi,
	    (long)regs->rsi, (long)regs->rdx, 0, 0, 0);
	if (!syscall_failed(result) &&
	    maps_read(t->tid, &maps, NULL) == 0) {
		r = maps_find(&maps, (uint64_t)result);
		if (r != NULL) {
			stub_yield(p, r->start, r->end - r->start);
			arena_unmap(rs->arena, r->start, r->end - r->start);
		}
		maps_free(&maps);
	}
	inject_end(&inj, true, result);
}

static void
on_reserved_fd(struct thread *t, const struct user_regs_struct *regs)
{
	struct proc *p = t->proc;
	struct redirect_state *rs = redir(p);
	long nr = (long)regs->orig_rax;

	if (redirect_fd_transient(p))
		return;
	/* The program is closing our number, or making it its own. */
	rs->arena_fd_installed = false;
	if (nr == SYS_dup2 || nr == SYS_dup3)
		rs->redirect_disabled = true;
}

/*
 * The program installs a seccomp filter of its own. It will see every
 * call ptinspect makes inside the process (the stub's and the emulated
 * heap's MAP_SHARED mmaps) and may refuse or kill them, so new memory
 * stays private from here on; what is redirected already stays so, and
 * the emulated heap grows with private memory (redirect_brk).
 */
static void
on_own_filter(struct thread *t, const struct user_regs_struct *regs)
{
	struct proc *p = t->proc;
	struct redirect_state *rs = redir(p);

	if (rs->redirect_disabled ||
	    (regs->orig_rax == SYS_seccomp &&
	    regs->rdi != SECCOMP_SET_MODE_STRICT &&
	    regs->rdi != SECCOMP_SET_MODE_FILTER))
		return;
	rs->redirect_disabled = true;
	warnx_msg("pid %d installs its own seccomp filter: its new memory "
	    "stays private", (int)p->pid);
}

void
redirect_retarget(struct proc *p)
{
	stub_retarget(p);
}

bool
redirect_signal_stop(struct thread *t, int *sig)
{
	return stub_signal_stop(t, sig) >= 0;
}

void
redirect_syscall(struct thread *t, int rule)
{
	struct user_regs_struct regs;

	if (thread_get_regs(t, &regs, NULL) != 0)
		return;
	switch (rule) {
	case RULE_MMAP:
		on_mmap(t, &regs);
		break;
	case RULE_MREMAP:
		on_mremap(t, &regs);
		break;
	case RULE_MADVISE:
		on_madvise(t, &regs);
		break;
	case RULE_RESERVED_FD:
		on_reserved_fd(t, &regs);
		break;
	case RULE_BRK:
		redirect_brk(t, &regs);
		break;
	case RULE_SHMAT:
		if (regs.orig_rax == SYS_shmat)
			on_shmat(t, &regs);
		break;
	case RULE_OWN_FILTER:
		on_own_filter(t, &regs);
		break;
	case RULE_MLOCK:
		redir(t->proc)->may_lock = true;
		break;
	}
	redirect_mm_store(t->proc);
}

/* ---------------------------------------------------------------------
 * Redirected memory back to private: made executable, or sealed
 * ------------------------------------------------------------------- */

/* Does [addr, addr + len) (page-aligned, rounded up) reach redirected memory? */
static bool
range_redirected(const struct arena *a, uint64_t addr, uint64_t len)
{
	uint64_t start, end;

	if (a == NULL || len == 0 || (addr & (PTI_PAGE_SIZE - 1)) != 0)
		return false;
	return arena_next(a, addr, &start, &end) &&
	    start < addr + PAGE_UP(len);
}

bool
redirect_mprotect_needs_copy(struct thread *t)
{
	struct user_regs_struct regs;

	return thread_get_regs(t, &regs, NULL) == 0 &&
	    (regs.rdx & PROT_EXEC) &&
	    range_redirected(redir_peek(t->proc)->arena, regs.rdi, regs.rsi);
}

bool
redirect_mseal_needs_copy(struct thread *t)
{
	struct user_regs_struct regs;

	return thread_get_regs(t, &regs, NULL) == 0 &&
	    range_redirected(redir_peek(t->proc)->arena, regs.rdi, regs.rsi);
}

/*
 * Writes what the arena holds for [start, start + len) to the tracee at
 * `to`, page by page, leaving out pages of zeros (fresh private memory
 * reads as zeros already, and writing them would make them resident).
 */
static int
copy_out_of_arena(struct proc *p, pid_t tid, uint64_t start, uint64_t len,
    uint64_t to)
{
	static unsigned char buf[256 * 1024];
	static const unsigned char zeros[PTI_PAGE_SIZE];
	struct iovec local, remote;
	uint64_t done, n, pg;

	for (done = 0; done < len; done += n) {
		n = len - done < sizeof(buf) ? len - done : sizeof(buf);
		if (arena_read(redir(p)->arena, start + done, buf, n) != n)
			return -1;
		for (pg = 0; pg < n; pg += PTI_PAGE_SIZE) {
			if (memcmp(buf + pg, zeros, PTI_PAGE_SIZE) == 0)
				continue;
			local = (struct iovec){ buf + pg, PTI_PAGE_SIZE };
			remote = (struct iovec){
			    (void *)(uintptr_t)(to + done + pg),
			    PTI_PAGE_SIZE };
			if (process_vm_writev(tid, &local, 1, &remote, 1, 0) !=
			    (ssize_t)PTI_PAGE_SIZE)
				return -1;
		}
	}
	return 0;
}

/*
 * Sets on [start, start + len) the advice (REGION_*, maps.h) the program
 * had set on the shared mapping there by madvise and mlock.
 */
static void
advise_again(struct inject *inj, uint64_t start, uint64_t len,
    unsigned advice)
{
	static const struct {
		unsigned bit;
		int advice;
	} madvices[] = {
		{ REGION_DONTDUMP, MADV_DONTDUMP },
		{ REGION_HUGEPAGE, MADV_HUGEPAGE },
		{ REGION_NOHUGEPAGE, MADV_NOHUGEPAGE },
		{ REGION_MERGEABLE, MADV_MERGEABLE },
		{ REGION_RANDOM, MADV_RANDOM },
		{ REGION_SEQUENTIAL, MADV_SEQUENTIAL },
		{ REGION_DONTCOPY, MADV_DONTFORK },
	};
	size_t i;

	for (i = 0; i < sizeof madvices / sizeof madvices[0]; i++)
		if (advice & madvices[i].bit)
			inject_syscall(inj, SYS_madvise, (long)start,
			    (long)len, madvices[i].advice, 0, 0, 0);
	if (advice & (REGION_LOCKED | REGION_LOCKONFAULT))
		inject_syscall(inj, SYS_mlock2, (long)start, (long)len,
		    advice & REGION_LOCKONFAULT ? MLOCK_ONFAULT : 0, 0, 0, 0);
}

/*
 * Replaces the redirected range [start, start + len) by private memory
 * with the same bytes, protection prot and advice (REGION_*): built
 * aside, then moved over it in one mremap, so nothing in between ever
 * sees the range unmapped or empty. Where there is no room for a copy
 * aside (RLIMIT_AS) it is made in place: private memory mapped over the
 * range, then filled from the arena, which still holds the bytes (the
 * caller stopped the other threads). The advice is set once it is in
 * place: an mlock there counts against RLIMIT_MEMLOCK as the shared
 * mapping's did, where the copy aside would count twice. 0, or -1 with
 * the range still redirected.
 */
static int
make_private(struct inject *inj, struct proc *p, uint64_t start,
    uint64_t len, long prot, unsigned advice)
{
	struct redirect_state *rs = redir(p);
	bool in_place = false;
	static bool said_lost;
	long tmp, r;

	/* Test-only (tests/seal.t): as if no private memory could be had. */
	if (getenv("PTI_TEST_PRIVATE_FAIL") != NULL)
		return -1;
	tmp = inject_syscall(inj, SYS_mmap, 0, (long)len,
	    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (syscall_failed(tmp)) {
		in_place = true;
		tmp = inject_syscall(inj, SYS_mmap, (long)start, (long)len,
		    PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		if (tmp != (long)start)
			return -1;
	}
	if (copy_out_of_arena(p, inj->thread->tid, start, len,
	    (uint64_t)tmp) != 0 ||
	    (prot != (PROT_READ | PROT_WRITE) && syscall_failed(
	    inject_syscall(inj, SYS_mprotect, tmp, (long)len, prot, 0, 0, 0)))) {
		if (!in_place) {
			inject_syscall(inj, SYS_munmap, tmp, (long)len, 0, 0,
			    0, 0);
			return -1;
		}
		/* Private already: the table must say so, whatever it holds. */
		if (!said_lost) {
			said_lost = true;
			warnx_msg("pid %d: memory at 0x%llx could not be "
			    "filled again after it was made private memory in "
			    "place: part of it may read zeros (said once)",
			    (int)p->pid, (unsigned long long)start);
		}
	} else if (!in_place && (syscall_failed(r = inject_syscall(inj,
	    SYS_mremap, tmp, (long)len, (long)len,
	    MREMAP_MAYMOVE | MREMAP_FIXED, (long)start, 0)) ||
	    r != (long)start)) {
		inject_syscall(inj, SYS_munmap, tmp, (long)len, 0, 0, 0, 0);
		return -1;
	}
	advise_again(inj, start, len, advice);
	/* What we emulated for fork, the kernel now does itself. */
	redirect_wipe_natively(inj, rs->arena, start, start + len);
	arena_unmap(rs->arena, start, len);
	return 0;
}

/* The protection of a /proc/PID/maps region ("rwxp"). */
static long
region_prot(const struct region *r)
{
	return (r->perms[0] == 'r' ? PROT_READ : 0) |
	    (r->perms[1] == 'w' ? PROT_WRITE : 0) |
	    (r->perms[2] == 'x' ? PROT_EXEC : 0);
}

void
redirect_make_private(struct thread *t)
{
	struct proc *p = t->proc;
	struct user_regs_struct regs;
	uint64_t end, at, s, e, piece_end, failed_at = 0;
	const struct region *r;
	struct maps maps;
	struct inject inj;
	long result, prot;
	int failed = 0;
	static bool said_sealed_shared;

	if (thread_get_regs(t, &regs, NULL) != 0 ||
	    inject_begin(&inj, t, true) != 0)
		return;
	if (maps_read_smaps(t->tid, &maps, NULL) != 0)
		maps = (struct maps){ 0 };
	end = regs.rdi + PAGE_UP(regs.rsi);
	for (at = regs.rdi; !failed && at < end &&
	    arena_next(redir(p)->arena, at, &s, &e) && s < end; at = e) {
		s = s > at ? s : at;
		e = e < end ? e : end;
		/* A piece of each region, with its protection and advice. */
		for (; !failed && s < e; s = piece_end) {
			r = maps_find(&maps, s);
			piece_end = r != NULL && r->end < e ? r->end : e;
			prot = r != NULL ? region_prot(r) :
			    PROT_READ | PROT_WRITE;
			/*
			 * Left shared if it cannot be copied: executable it
			 * still works so; sealed, it is said below.
			 */
			failed = make_private(&inj, p, s, piece_end - s, prot,
			    r != NULL ? r->advice : 0);
			failed_at = s;
		}
	}
	maps_free(&maps);
	result = inject_syscall(&inj, (long)regs.orig_rax, (long)regs.rdi,
	    (long)regs.rsi, (long)regs.rdx, (long)regs.r10, (long)regs.r8,
	    (long)regs.r9);
	inject_end(&inj, true, result);
	redirect_mm_store(p);
	if (failed && regs.orig_rax == __NR_mseal && result == 0 &&
	    !said_sealed_shared) {
		said_sealed_shared = true;
		warnx_msg("pid %d: sealed memory at 0x%llx stays in "
		    "ptinspect's memfd (no private memory for it): "
		    "MADV_DONTNEED and MADV_FREE there are not refused as "
		    "they would be natively (said once)", (int)p->pid,
		    (unsigned long long)failed_at);
	}
}
