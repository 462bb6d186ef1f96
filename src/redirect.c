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
 * reaches us at its entry, where the file behind the old range is punched
 * so memory is given back and reads as zeros as it would natively:
 *
 *   munmap, MAP_FIXED over a redirected range   arena_unmap (punch)
 *   MADV_DONTNEED(_LOCKED), MADV_GUARD_INSTALL  punch, then run it
 *   MADV_FREE, MADV_WIPEONFORK, MADV_REMOVE     emulated: shared mappings
 *                                               answer them differently
 *   mremap                                      run inside the slot, or
 *                                               emulated as a copy + move
 *   brk                                         emulated: the heap grows
 *                                               and shrinks in the arena
 *   shmat(SHM_REMAP) over redirected memory    arena_unmap, after it
 *   mprotect adding PROT_EXEC                   the range goes back to
 *                                               private memory (a copy),
 *                                               other threads stopped
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

#define PAGE_SIZE_BYTES 4096ULL
/*
 * Redirected mappings never merge with their neighbours (each has its own
 * file range), so a program that relies on merging to stay under
 * vm.max_map_count (65530) gets private memory past this many.
 */
#define MAX_REDIRECTED_EXTENTS 32768
/* File space kept for an emulated brk heap: its largest size. */
#define HEAP_SLOT_BYTES (64ULL << 30)
#define PAGE_UP(x) (((x) + PAGE_SIZE_BYTES - 1) & ~(PAGE_SIZE_BYTES - 1))
#ifndef MADV_DONTNEED_LOCKED	/* Linux 5.18 */
#define MADV_DONTNEED_LOCKED 24
#endif
#ifndef MADV_GUARD_INSTALL	/* Linux 6.13 */
#define MADV_GUARD_INSTALL 102
#endif

/*
 * An address space shared by processes that CLONE_VM made without
 * CLONE_THREAD (vfork, posix_spawn, clone): one arena, one heap and one
 * set of fork advice for all of them. Each such proc points at the same
 * arena; its brk and fork_advice are copies, loaded from here when it
 * stops (redirect_sync) and stored back after each handler.
 */
struct mm_share {
	struct arena *arena;
	int refs;		/* procs using the arena */
	struct brk_state brk;
	struct fork_advice *fork_advice;
	struct mm_share *next;
};

static struct mm_share *mm_shares;
/* Every proc holding an arena: where a CLONE_VM child finds its peer. */
static struct proc **holders;
static size_t nholders, holders_cap;

/*
 * Without a number above the program's limit, the filter watches one no
 * program can open, and each call that needs the memfd opens and closes
 * it around itself (see fd_acquire).
 */
#define TRANSIENT_FILTER_FD 0x7fffffff

static int reserved_fd = -1;
static bool said_private;

#ifndef MFD_EXEC		/* linux/memfd.h, Linux 6.3 */
#define MFD_EXEC 0x0010U
#endif

/* A raw syscall result that is an error (-4095..-1), not an address. */
static bool
syscall_failed(long r)
{
	return r < 0 && r > -4096;
}

static bool mm_attach(struct proc *p);
static bool mm_detach(struct proc *p);
static void mm_load(struct proc *p);
static void mm_store(struct proc *p);
static void holder_add(struct proc *p);
static long fd_acquire(struct inject *inj, struct proc *p);
static void say_private(pid_t pid, const char *why);
static void fd_release(struct inject *inj, long fd);
static uint64_t read_stat_address(pid_t tid, int n);
static void redirect_release(struct proc *p);

/* ---------------------------------------------------------------------
 * The state kept per process (redirect-int.h)
 * ------------------------------------------------------------------- */

struct redirect_state *
redir(struct proc *p)
{
	if (p->redirect == NULL) {
		p->redirect = xcalloc(1, sizeof(*p->redirect));
		task_add_forget_hook(redirect_forget);
		task_add_release_hook(redirect_release);
	}
	return p->redirect;
}

struct arena *
redirect_arena(const struct proc *p)
{
	return redir_peek(p)->arena;
}

bool
redirect_is_disabled(const struct proc *p)
{
	return redir_peek(p)->redirect_disabled;
}

/* p is freed: what redirect_forget leaves (it outlives an exec) too. */
static void
redirect_release(struct proc *p)
{
	redirect_forget(p);
	free(p->redirect);
	p->redirect = NULL;
}

/* Lifting a hard limit takes CAP_SYS_RESOURCE: try it on ourselves. */
static bool
can_lift_hard_limit(const struct rlimit *rl)
{
	struct rlimit lifted = { rl->rlim_cur + 1, rl->rlim_max + 1 };

	if (setrlimit(RLIMIT_NOFILE, &lifted) != 0)
		return false;
	setrlimit(RLIMIT_NOFILE, rl);
	return true;
}

int
redirect_reserved_fd(void)
{
	struct rlimit rl;

	if (reserved_fd >= 0)
		return reserved_fd;
	/*
	 * The first number the program can never open: the hard limit, which
	 * root may lift for the moment of the dup3. Not the soft limit when it
	 * is below the hard one: the program may raise its soft limit, and
	 * then close() of that number would close our memfd and open() would
	 * skip it. Otherwise every number is the program's, and the memfd
	 * visits only for the length of a call.
	 */
	reserved_fd = TRANSIENT_FILTER_FD;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_max >= (1 << 20))
		return reserved_fd;
	if (can_lift_hard_limit(&rl))
		reserved_fd = (int)rl.rlim_max;
	return reserved_fd;
}

/* ---------------------------------------------------------------------
 * Getting the memfd into the tracee
 * ------------------------------------------------------------------- */

static bool
ensure_arena(struct proc *p)
{
	struct redirect_state *rs = redir(p);
	char *err = NULL;

	if (rs->arena != NULL || mm_attach(p))
		return true;
	rs->arena = arena_new(&err);
	if (rs->arena == NULL) {
		say_private(p->pid, err);
		free(err);
		rs->redirect_disabled = true;
		return false;
	}
	rs->arena_fd_installed = false;
	holder_add(p);
	return true;
}

static void
holder_add(struct proc *p)
{
	if (nholders == holders_cap) {
		holders_cap = holders_cap ? 2 * holders_cap : 16;
		holders = xreallocarray(holders, holders_cap,
		    sizeof(*holders));
	}
	holders[nholders++] = p;
}

static void
holder_remove(struct proc *p)
{
	size_t i;

	for (i = 0; i < nholders; i++)
		if (holders[i] == p) {
			holders[i] = holders[--nholders];
			return;
		}
}

static struct mm_share *
mm_share_of(const struct arena *a)
{
	struct mm_share *sh;

	for (sh = mm_shares; sh != NULL && a != NULL; sh = sh->next)
		if (sh->arena == a)
			return sh;
	return NULL;
}

/*
 * p has no arena: if it runs in its parent's address space (CLONE_VM),
 * it takes the parent's arena, heap and fork advice. The parent's mmap
 * stub stays the parent's (its lanes are per process): p maps the slow
 * way. True when p now shares an arena.
 */
static bool
mm_attach(struct proc *p)
{
	struct redirect_state *rs = redir(p), *qrs;
	struct mm_share *sh;
	struct proc *q = NULL;
	pid_t parent = p->parent_pid;
	size_t i;

	if (p->is_root || rs->redirect_disabled || nholders == 0)
		return false;
	/* Its first stop may have come before the clone event: ask. */
	if (parent == 0)
		parent = (pid_t)read_stat_address(p->pid, 4);
	for (i = 0; i < nholders && q == NULL; i++)
		if (holders[i]->pid == parent && holders[i] != p)
			q = holders[i];
	if (q == NULL || (qrs = redir(q))->arena == NULL ||
	    syscall(SYS_kcmp, p->pid, q->pid, KCMP_VM, 0, 0) != 0)
		return false;
	sh = mm_share_of(qrs->arena);
	if (sh == NULL) {
		sh = xcalloc(1, sizeof(*sh));
		*sh = (struct mm_share){ qrs->arena, 1, qrs->brk,
		    qrs->fork_advice, mm_shares };
		mm_shares = sh;
	}
	sh->refs++;
	rs->arena = qrs->arena;
	rs->arena_fd_installed = false;
	rs->redirect_disabled = qrs->redirect_disabled;
	rs->brk = sh->brk;
	rs->fork_advice = sh->fork_advice;
	stub_forget(p);
	rs->stub_failed = true;
	holder_add(p);
	return true;
}

/* Brings p's copies of the shared state up to date (at its stops). */
static void
mm_load(struct proc *p)
{
	struct redirect_state *rs = redir(p);
	struct mm_share *sh;

	if (rs->arena == NULL)
		mm_attach(p);
	if ((sh = mm_share_of(rs->arena)) == NULL)
		return;
	rs->brk = sh->brk;
	rs->fork_advice = sh->fork_advice;
}

/* After a handler changed p's heap or fork advice. */
static void
mm_store(struct proc *p)
{
	struct redirect_state *rs = redir(p);
	struct mm_share *sh = mm_share_of(rs->arena);

	if (sh == NULL)
		return;
	sh->brk = rs->brk;
	sh->fork_advice = rs->fork_advice;
}

/*
 * p leaves its address space (exec, death): true when others still use
 * it, and then nothing of it may be freed.
 */
static bool
mm_detach(struct proc *p)
{
	struct redirect_state *rs = redir(p);
	struct mm_share **pp, *sh;

	holder_remove(p);
	for (pp = &mm_shares; (sh = *pp) != NULL; pp = &sh->next)
		if (sh->arena == rs->arena && rs->arena != NULL)
			break;
	if (sh == NULL)
		return false;
	mm_store(p);
	if (--sh->refs > 0)
		return true;
	*pp = sh->next;
	free(sh);
	return false;
}

/*
 * Once per run, not per process: a tree of processes in the same state
 * (ulimit -v, another user) would repeat it on the program's stderr.
 */
static void
say_private(pid_t pid, const char *why)
{
	if (said_private)
		return;
	said_private = true;
	warnx_msg("pid %d: memory stays private (read the slow way; said "
	    "once): %s", (int)pid, why);
}

/* Does p get the memfd for each call only (no reserved number)? */
static bool
fd_transient(const struct proc *p)
{
	return reserved_fd == TRANSIENT_FILTER_FD ||
	    redir_peek(p)->fd_transient;
}

/* Opens the arena inside the tracee; its descriptor there, or -errno. */
static long
open_in_tracee(struct inject *inj, struct proc *p)
{
	char path[64];
	uint64_t addr;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)getpid(),
	    arena_fd(redir(p)->arena));
	addr = inject_scratch(inj, path, strlen(path) + 1);
	if (addr == 0)
		return -EFAULT;
	return inject_syscall(inj, SYS_openat, AT_FDCWD, (long)addr,
	    O_RDWR | O_CLOEXEC, 0, 0, 0);
}

/*
 * The tracee cannot open ptinspect's memfd by path (another user, a
 * chroot, no /proc): it makes one itself and ptinspect takes its own
 * descriptor of it (pidfd_getfd: PTRACE_MODE_ATTACH, which the tracer
 * has; else /proc/PID/fd), which becomes the arena's file. Only while no
 * tracee mapping uses the old one. The tracee's descriptor, or -errno.
 */
static long
memfd_from_tracee(struct inject *inj, struct proc *p)
{
	struct redirect_state *rs = redir(p);
	static const char name[] = "ptinspect";
	char path[64];
	uint64_t addr;
	long tfd;
	int pfd, fd = -1;

	if (arena_extent_count(rs->arena) != 0)
		return -EBUSY;
	addr = inject_scratch(inj, name, sizeof(name));
	if (addr == 0)
		return -EFAULT;
	/* Executable, as in arena_new (a JIT's mprotect). */
	tfd = inject_syscall(inj, SYS_memfd_create, (long)addr,
	    MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC, 0, 0, 0, 0);
	if (tfd == -EINVAL || tfd == -EACCES)
		tfd = inject_syscall(inj, SYS_memfd_create, (long)addr,
		    MFD_CLOEXEC | MFD_ALLOW_SEALING, 0, 0, 0, 0);
	if (tfd < 0)
		return tfd;
	pfd = (int)syscall(SYS_pidfd_open, p->pid, 0);
	if (pfd >= 0) {
		fd = (int)syscall(SYS_pidfd_getfd, pfd, (int)tfd, 0);
		close(pfd);
	}
	if (fd < 0) {
		snprintf(path, sizeof(path), "/proc/%d/fd/%ld", (int)p->pid,
		    tfd);
		fd = open(path, O_RDWR | O_CLOEXEC);
	}
	if (fd < 0 || arena_adopt_fd(rs->arena, fd, NULL) != 0) {
		inject_syscall(inj, SYS_close, tfd, 0, 0, 0, 0, 0);
		return -EACCES;
	}
	return tfd;
}

/* A new descriptor of the arena in the tracee, or -errno. */
static long
fd_open(struct inject *inj, struct proc *p)
{
	long fd = open_in_tracee(inj, p);

	if (fd < 0 && fd != -ESRCH)
		fd = memfd_from_tracee(inj, p);
	return fd;
}

/*
 * Moves the tracee's descriptor fd of the arena to the reserved number,
 * lifting its RLIMIT_NOFILE for the moment (the number is just above it);
 * the program then cannot open, dup2 onto or see a limit change for that
 * number. Where the number cannot be had (a non-root program lowered its
 * hard limit below it), the process goes over to a descriptor for each
 * call (fd_transient), fd serving this one, and whatever an earlier image
 * or its parent left at the number is closed.
 */
static bool
install_fd(struct inject *inj, struct proc *p, long fd)
{
	struct redirect_state *rs = redir(p);
	struct rlimit old, raised;
	bool lifted = false;
	long r = fd;

	if (prlimit(p->pid, RLIMIT_NOFILE, NULL, &old) == 0 &&
	    old.rlim_cur != RLIM_INFINITY &&
	    (rlim_t)reserved_fd >= old.rlim_cur) {
		raised.rlim_cur = (rlim_t)reserved_fd + 1;
		raised.rlim_max = old.rlim_max > raised.rlim_cur ?
		    old.rlim_max : raised.rlim_cur;
		lifted = prlimit(p->pid, RLIMIT_NOFILE, &raised, NULL) == 0;
	}
	if (fd != reserved_fd) {
		r = inject_syscall(inj, SYS_dup3, fd, reserved_fd, O_CLOEXEC,
		    0, 0, 0);
		if (r == reserved_fd)
			inject_syscall(inj, SYS_close, fd, 0, 0, 0, 0, 0);
	}
	if (lifted)
		prlimit(p->pid, RLIMIT_NOFILE, &old, NULL);
	rs->arena_fd_installed = r == reserved_fd;
	if (!rs->arena_fd_installed && r != -ESRCH) {
		rs->fd_transient = true;
		if (!rs->redirect_disabled)
			inject_syscall(inj, SYS_close, reserved_fd, 0, 0, 0,
			    0, 0);
	}
	return rs->arena_fd_installed;
}

/* The arena's descriptor in the tracee for the next call, or -1. */
static long
fd_acquire(struct inject *inj, struct proc *p)
{
	long fd;

	if (!fd_transient(p) && redir(p)->arena_fd_installed)
		return reserved_fd;
	fd = fd_open(inj, p);
	if (fd < 0)
		return -1;
	if (fd_transient(p) || !install_fd(inj, p, fd))
		return fd;
	return reserved_fd;
}

/* Closes a descriptor fd_acquire opened for one call. */
static void
fd_release(struct inject *inj, long fd)
{
	if (fd >= 0 && fd_transient(inj->thread->proc))
		inject_syscall(inj, SYS_close, fd, 0, 0, 0, 0, 0);
}

/* ---------------------------------------------------------------------
 * Syscall handlers (at seccomp stops; registers as the program set them)
 * ------------------------------------------------------------------- */

/* Skips the syscall the thread is stopped at; it returns `result`. */
static void
skip_syscall(struct thread *t, const struct user_regs_struct *regs,
    long result)
{
	struct user_regs_struct r = *regs;

	r.orig_rax = (unsigned long long)-1;
	r.rax = (unsigned long long)result;
	thread_set_regs(t, &r, NULL);
}

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
		    sysinfo(&si) == 0 && len / PAGE_SIZE_BYTES >
		    ((uint64_t)si.totalram + si.totalswap) * si.mem_unit /
		    PAGE_SIZE_BYTES;
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
 * RLIMIT_DATA counts private writable memory (VmData); the kernel does
 * not count redirected memory there, being shared, so the limit is
 * checked here: VmData, plus the writable redirected regions, plus len.
 * Only when the program has such a limit (it costs a read of its maps).
 */
static bool
data_limit_exceeded(struct proc *p, pid_t tid, uint64_t len)
{
	struct redirect_state *rs = redir(p);
	uint64_t total = PAGE_UP(len), kb;
	char path[64], line[128];
	struct rlimit rl;
	struct maps maps;
	struct stat st;
	size_t i;
	FILE *f;

	if (prlimit(p->pid, RLIMIT_DATA, NULL, &rl) != 0 ||
	    rl.rlim_cur == RLIM_INFINITY || rs->arena == NULL ||
	    fstat(arena_fd(rs->arena), &st) != 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	if ((f = fopen(path, "r")) == NULL)
		return false;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmData: %" SCNu64, &kb) == 1)
			total += kb * 1024;
	fclose(f);
	if (maps_read(tid, &maps, NULL) != 0)
		return false;
	for (i = 0; i < maps.count; i++)
		if (maps.regions[i].inode == st.st_ino &&
		    maps.regions[i].perms[1] == 'w' &&
		    maps.regions[i].perms[3] == 's')
			total += maps.regions[i].end - maps.regions[i].start;
	maps_free(&maps);
	return total > rl.rlim_cur;
}

static void
on_mmap(struct thread *t, const struct user_regs_struct *regs)
{
	struct proc *p = t->proc;
	struct redirect_state *rs = redir(p);
	uint64_t addr = regs->rdi, len = regs->rsi, off;
	long prot = (long)regs->rdx, flags = (long)regs->r10, result;
	long shared_flags;
	bool at_stub;
	bool private_anon = (flags & (MAP_TYPE | MAP_ANONYMOUS)) ==
	    (MAP_PRIVATE | MAP_ANONYMOUS);
	struct inject inj;
	long fd;

	/* The program asks for the stub's addresses: they are its own. */
	at_stub = (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) &&
	    stub_in_range(addr, PAGE_UP(len));
	if (at_stub && rs->stub != NULL) {
		give_stub_addresses(t, regs);
		return;
	}
	/* Whatever MAP_FIXED maps replaces what was there. */
	if ((flags & MAP_FIXED) && rs->arena != NULL && len != 0 &&
	    (addr & (PAGE_SIZE_BYTES - 1)) == 0)
		arena_unmap(rs->arena, addr, PAGE_UP(len));
	if (!private_anon || (prot & PROT_EXEC) || len == 0 ||
	    (flags & (MAP_HUGETLB | MAP_GROWSDOWN)) || rs->redirect_disabled ||
	    !ensure_arena(p))
		return;
	/* The memory limits a shared mapping would escape. */
	if ((prot & PROT_WRITE) && data_limit_exceeded(p, t->tid, len)) {
		skip_syscall(t, regs, -ENOMEM);
		return;
	}
	if ((prot & PROT_WRITE) && commit_refused(len, flags))
		return;
	if (arena_extent_count(rs->arena) >= MAX_REDIRECTED_EXTENTS ||
	    arena_alloc(rs->arena, PAGE_UP(len), &off, NULL) != 0)
		return;
	shared_flags = (flags & ~(MAP_TYPE | MAP_ANONYMOUS)) | MAP_SHARED;
	/*
	 * The common case: one stop, the stub does the rest, with the memfd
	 * kept at reserved_fd, or opening it by path (-1).
	 */
	if (stub_ready(p) && (fd_transient(p) || rs->arena_fd_installed)) {
		stub_send(t, regs, PAGE_UP(len), off, shared_flags,
		    fd_transient(p) ? -1 : reserved_fd);
		return;
	}
	if (inject_begin(&inj, t, true) != 0) {
		arena_release(rs->arena, off);
		return;
	}
	fd = fd_acquire(&inj, p);
	if (fd < 0) {
		/* Run the original call; this mapping stays private. */
		arena_release(rs->arena, off);
		result = inject_syscall(&inj, SYS_mmap, (long)addr, (long)len,
		    prot, flags, (long)regs->r8, (long)regs->r9);
		inject_end(&inj, true, result);
		return;
	}
	/* Slow this once: the next ones take the stub. */
	if (!at_stub)
		stub_install(&inj, p, fd);
	result = inject_syscall(&inj, SYS_mmap, (long)addr, (long)len, prot,
	    shared_flags, fd, (long)off);
	fd_release(&inj, fd);
	if (syscall_failed(result)) {
		arena_release(rs->arena, off);
		if (result == -ESRCH)
			return;
		result = inject_syscall(&inj, SYS_mmap, (long)addr, (long)len,
		    prot, flags, (long)regs->r8, (long)regs->r9);
	} else {
		arena_map(rs->arena, (uint64_t)result, PAGE_UP(len), off);
	}
	inject_end(&inj, true, result);
}

void
redirect_sync(struct proc *p)
{
	mm_load(p);
	stub_collect(p);
}

void
redirect_name_regions(struct proc *p, struct maps *maps)
{
	const struct redirect_state *rs = redir_peek(p);
	uint64_t heap_start, heap_end;
	struct region *r;
	size_t i;

	heap_start = rs->brk.start & ~(uint64_t)4095;
	heap_end = (rs->brk.cur + 4095) & ~(uint64_t)4095;
	for (i = 0; i < maps->count; i++) {
		r = &maps->regions[i];
		if (rs->stub != NULL && stub_contains(r->start)) {
			free(r->name);
			r->name = xstrdup("[ptinspect]");
		} else if (rs->brk.mode == BRK_EMULATED &&
		    r->start >= heap_start && r->end <= heap_end &&
		    strstr(r->name, "memfd:") != NULL) {
			free(r->name);
			r->name = xstrdup("[heap]");
		}
	}
}

void
redirect_munmap(struct proc *p, uint64_t addr, uint64_t len)
{
	struct redirect_state *rs = redir(p);

	stub_yield(p, addr, PAGE_UP(len));
	/* Punching while the unmap runs is safe: the range is going away. */
	if (rs->arena != NULL && len != 0 &&
	    (addr & (PAGE_SIZE_BYTES - 1)) == 0)
		arena_unmap(rs->arena, addr, PAGE_UP(len));
}

static void
remember_fork_advice(struct proc *p, uint64_t start, uint64_t len, int adv)
{
	struct redirect_state *rs = redir(p);
	struct fork_advice *fa = xmalloc(sizeof(*fa));

	*fa = (struct fork_advice){ start, len, adv, rs->fork_advice };
	rs->fork_advice = fa;
}

static void
forget_fork_advice(struct proc *p, uint64_t start, uint64_t len, int adv)
{
	struct fork_advice **pp = &redir(p)->fork_advice, *fa;

	while ((fa = *pp) != NULL) {
		if (fa->advice == adv && fa->start < start + len &&
		    start < fa->start + fa->len) {
			*pp = fa->next;
			free(fa);
		} else {
			pp = &fa->next;
		}
	}
}

/*
 * Advice that private anonymous memory takes and shared memory answers
 * differently, over [addr, end) where some pages are redirected: the
 * kernel goes mapping by mapping, stopping at the first error other than
 * ENOMEM (a hole, reported at the end), so the pages that are not
 * redirected get the real call and the redirected ones the emulation:
 * MADV_FREE punches (zeros are one of its outcomes), MADV_WIPEONFORK is
 * remembered for fork, and MADV_REMOVE is refused as on private memory.
 */
static long
advise_by_pieces(struct inject *inj, struct proc *p, uint64_t addr,
    uint64_t end, int advice)
{
	struct redirect_state *rs = redir(p);
	uint64_t at, s, e;
	bool hole = false;
	long r;

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
			arena_zero(rs->arena, s, e - s);
		} else {
			forget_fork_advice(p, s, e - s, MADV_WIPEONFORK);
			remember_fork_advice(p, s, e - s, MADV_WIPEONFORK);
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
	    (addr & (PAGE_SIZE_BYTES - 1)) != 0 || addr + len < addr ||
	    !arena_next(rs->arena, addr, &s, &e) || s >= addr + len)
		return;
	switch (advice) {
	case MADV_DONTNEED:
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
			skip_syscall(t, regs, result);
		break;
	case MADV_KEEPONFORK:
		forget_fork_advice(p, addr, len, MADV_WIPEONFORK);
		break;
	case MADV_DONTFORK:
		forget_fork_advice(p, addr, len, MADV_DONTFORK);
		remember_fork_advice(p, addr, len, MADV_DONTFORK);
		break;
	case MADV_DOFORK:
		forget_fork_advice(p, addr, len, MADV_DONTFORK);
		break;
	}
}

/* PROT_* of a region's "rwxp" permissions. */
static long
region_prot(const struct region *r)
{
	return (r->perms[0] == 'r' ? PROT_READ : 0) |
	    (r->perms[1] == 'w' ? PROT_WRITE : 0) |
	    (r->perms[2] == 'x' ? PROT_EXEC : 0);
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
		prot = region_prot(r);
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
	if ((uint64_t)r != old_addr) {
		inject_syscall(inj, SYS_munmap, (long)old_addr, (long)old_len,
		    0, 0, 0, 0);
		arena_unmap(rs->arena, old_addr, old_len);
	} else {
		arena_unmap(rs->arena, old_addr, new_len);
	}
	arena_map(rs->arena, (uint64_t)r, new_len, off);
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
	fd = fd_acquire(inj, p);
	r = fd < 0 ? -EBADF : inject_syscall(inj, SYS_mmap, (long)old_addr,
	    (long)old_len, prot, MAP_SHARED | MAP_FIXED, fd, (long)off);
	fd_release(inj, fd);
	if (r == (long)old_addr)
		arena_map(rs->arena, old_addr, old_len, off);
	else
		arena_release(rs->arena, off);
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
	if (rs->arena == NULL ||
	    !arena_lookup(rs->arena, old_addr, &off, &avail) || new_len == 0)
		return;
	if (old_len == 0) {
		/* Duplicating works only on shared memory: not natively. */
		skip_syscall(t, regs, -EINVAL);
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
	} else if ((fd = fd_acquire(&inj, p)) < 0) {
		result = -ENOMEM;
	} else {
		result = mremap_by_copy(&inj, p, old_addr, old_len, new_len,
		    flags, new_addr, fd);
		fd_release(&inj, fd);
	}
	inject_end(&inj, true, result);
}

/*
 * Field n of /proc/TID/stat (4 ppid, 45 start_data, 46 end_data, 47
 * start_brk), a number; 0 if unknown.
 */
static uint64_t
read_stat_address(pid_t tid, int n)
{
	char path[64], *stat, *p;
	uint64_t value = 0;
	int field;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)tid);
	stat = read_file_str(path, NULL);
	if (stat == NULL)
		return 0;
	/* Fields are counted after the command name, which may hold spaces. */
	p = strrchr(stat, ')');
	for (field = 2; p != NULL && field < n; field++)
		p = strchr(p + 1, ' ');
	if (p != NULL)
		value = strtoull(p + 1, NULL, 10);
	free(stat);
	return value;
}

/*
 * The first brk of an address space decides: emulate it in the arena when
 * the kernel's heap is still empty, else leave the kernel's heap alone.
 */
static void
decide_brk(struct proc *p, pid_t tid)
{
	struct redirect_state *rs = redir(p);
	struct maps maps;
	bool has_heap;

	rs->brk.mode = BRK_NATIVE;
	if (rs->redirect_disabled || maps_read(tid, &maps, NULL) != 0)
		return;
	has_heap = maps_find_name(&maps, "[heap]") != NULL;
	maps_free(&maps);
	rs->brk.start = read_stat_address(tid, 47);
	if (has_heap || rs->brk.start == 0)
		return;
	rs->brk.cur = rs->brk.start;
	rs->brk.mode = BRK_EMULATED;
}

/*
 * brk as the kernel does it, in shared memory: the break moves within a
 * slot of HEAP_SLOT_BYTES, pages are mapped from the arena as it grows
 * (MAP_FIXED_NOREPLACE: like the kernel, never over another mapping) and
 * unmapped, punched, as it shrinks. It returns the new break, or the old
 * one when it cannot move.
 */
static void
on_brk(struct thread *t, const struct user_regs_struct *regs)
{
	struct proc *p = t->proc;
	struct redirect_state *rs = redir(p);
	struct brk_state *b = &rs->brk;
	uint64_t want = regs->rdi, base, old_top, new_top, off;
	struct inject inj;
	struct rlimit rl;
	long r, fd;

	if (b->mode == BRK_UNDECIDED)
		decide_brk(p, t->tid);
	if (b->mode == BRK_NATIVE && rs->stub != NULL && b->start != 0 &&
	    b->start < STUB_ADDR && want + PAGE_SIZE_BYTES > STUB_ADDR) {
		/* The heap reaches the stub's addresses: they are its own. */
		if (inject_begin(&inj, t, true) != 0)
			return;
		stub_evict(&inj, p);
		r = inject_syscall(&inj, SYS_brk, (long)want, 0, 0, 0, 0, 0);
		inject_end(&inj, true, r);
		return;
	}
	if (b->mode != BRK_EMULATED)
		return;
	base = PAGE_UP(b->start);
	old_top = PAGE_UP(b->cur);
	new_top = PAGE_UP(want);
	/*
	 * RLIMIT_DATA, as the kernel's brk checks it: the heap and the data
	 * segment (check_data_rlimit), then all data memory (may_expand_vm).
	 */
	if (new_top > old_top && want >= b->start &&
	    prlimit(p->pid, RLIMIT_DATA, NULL, &rl) == 0 &&
	    rl.rlim_cur != RLIM_INFINITY && ((want - b->start) +
	    read_stat_address(t->tid, 46) - read_stat_address(t->tid, 45) >
	    rl.rlim_cur || data_limit_exceeded(p, t->tid, new_top - old_top))) {
		skip_syscall(t, regs, (long)b->cur);
		return;
	}
	if (want < b->start || new_top - base > HEAP_SLOT_BYTES ||
	    new_top == old_top) {
		if (want >= b->start && new_top - base <= HEAP_SLOT_BYTES)
			b->cur = want;
		skip_syscall(t, regs, (long)b->cur);
		return;
	}
	if (inject_begin(&inj, t, true) != 0)
		return;
	if (rs->arena == NULL && rs->redirect_disabled) {
		/* A fork child left private (redirect_child): same, privately. */
		r = new_top > old_top ? inject_syscall(&inj, SYS_mmap,
		    (long)old_top, (long)(new_top - old_top),
		    PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) :
		    inject_syscall(&inj, SYS_munmap, (long)new_top,
		    (long)(old_top - new_top), 0, 0, 0, 0);
		if (r == (new_top > old_top ? (long)old_top : 0))
			b->cur = want;
		else if (new_top > old_top && !syscall_failed(r))
			inject_syscall(&inj, SYS_munmap, r,
			    (long)(new_top - old_top), 0, 0, 0, 0);
	} else if (new_top > old_top) {
		if (!b->has_slot && ensure_arena(p) &&
		    arena_alloc(rs->arena, HEAP_SLOT_BYTES, &b->slot,
		    NULL) == 0)
			b->has_slot = true;
		off = b->slot + (old_top - base);
		fd = b->has_slot && !rs->redirect_disabled ?
		    fd_acquire(&inj, p) : -1;
		if (fd < 0 && old_top == base) {
			/*
			 * No arena in this process (the memfd cannot reach
			 * it, e.g. it runs as another user): nothing is
			 * emulated yet, so the kernel's heap serves it.
			 */
			if (b->has_slot)
				arena_release(rs->arena, b->slot);
			b->has_slot = false;
			b->mode = BRK_NATIVE;
			r = inject_syscall(&inj, SYS_brk, (long)want, 0, 0, 0,
			    0, 0);
			inject_end(&inj, true, r);
			return;
		}
		if (rs->stub != NULL &&
		    stub_in_range(old_top, new_top - old_top + PAGE_SIZE_BYTES))
			stub_evict(&inj, p);
		/*
		 * Without the memfd (redirection ended: on_own_filter) the
		 * heap grows with private memory, as the kernel's would.
		 */
		r = inject_syscall(&inj, SYS_mmap, (long)old_top,
		    (long)(new_top - old_top), PROT_READ | PROT_WRITE,
		    fd < 0 ? MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE :
		    MAP_SHARED | MAP_FIXED_NOREPLACE, fd, fd < 0 ? 0 : (long)off);
		fd_release(&inj, fd);
		if (r == (long)old_top) {
			if (fd >= 0)
				arena_map(rs->arena, old_top, new_top - old_top,
				    off);
			b->cur = want;
		} else if (!syscall_failed(r)) {
			/* Placed elsewhere: an old kernel without NOREPLACE. */
			inject_syscall(&inj, SYS_munmap, r,
			    (long)(new_top - old_top), 0, 0, 0, 0);
		}
	} else {
		r = inject_syscall(&inj, SYS_munmap, (long)new_top,
		    (long)(old_top - new_top), 0, 0, 0, 0);
		if (r == 0) {
			arena_unmap(rs->arena, new_top, old_top - new_top);
			b->cur = want;
			/* The slot goes with its last page. */
			if (new_top == base)
				b->has_slot = false;
		}
	}
	inject_end(&inj, true, (long)b->cur);
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

	if (fd_transient(p))
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
 * the emulated heap grows with private memory (on_brk).
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
		on_brk(t, &regs);
		break;
	case RULE_SHMAT:
		if (regs.orig_rax == SYS_shmat)
			on_shmat(t, &regs);
		break;
	case RULE_OWN_FILTER:
		on_own_filter(t, &regs);
		break;
	}
	mm_store(t->proc);
}

/* ---------------------------------------------------------------------
 * Making redirected memory executable
 * ------------------------------------------------------------------- */

bool
redirect_mprotect_needs_copy(struct thread *t)
{
	struct arena *a = redir_peek(t->proc)->arena;
	struct user_regs_struct regs;
	uint64_t start, end;

	if (a == NULL || thread_get_regs(t, &regs, NULL) != 0 ||
	    !(regs.rdx & PROT_EXEC) || regs.rsi == 0 ||
	    (regs.rdi & (PAGE_SIZE_BYTES - 1)) != 0)
		return false;
	return arena_next(a, regs.rdi, &start, &end) &&
	    start < regs.rdi + PAGE_UP(regs.rsi);
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
	static const unsigned char zeros[PAGE_SIZE_BYTES];
	struct iovec local, remote;
	uint64_t done, n, pg;

	for (done = 0; done < len; done += n) {
		n = len - done < sizeof(buf) ? len - done : sizeof(buf);
		if (arena_read(redir(p)->arena, start + done, buf, n) != n)
			return -1;
		for (pg = 0; pg < n; pg += PAGE_SIZE_BYTES) {
			if (memcmp(buf + pg, zeros, PAGE_SIZE_BYTES) == 0)
				continue;
			local = (struct iovec){ buf + pg, PAGE_SIZE_BYTES };
			remote = (struct iovec){
			    (void *)(uintptr_t)(to + done + pg),
			    PAGE_SIZE_BYTES };
			if (process_vm_writev(tid, &local, 1, &remote, 1, 0) !=
			    (ssize_t)PAGE_SIZE_BYTES)
				return -1;
		}
	}
	return 0;
}

/*
 * Replaces the redirected range [start, start + len) by private memory
 * with the same bytes: built aside, then moved over it in one mremap, so
 * nothing in between ever sees the range unmapped or empty.
 */
static int
make_private(struct inject *inj, struct proc *p, uint64_t start,
    uint64_t len)
{
	struct redirect_state *rs = redir(p);
	struct fork_advice *fa;
	uint64_t s, e;
	long tmp, r;

	tmp = inject_syscall(inj, SYS_mmap, 0, (long)len,
	    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (syscall_failed(tmp))
		return -1;
	if (copy_out_of_arena(p, inj->thread->tid, start, len,
	    (uint64_t)tmp) != 0 ||
	    syscall_failed(r = inject_syscall(inj, SYS_mremap, tmp, (long)len,
	    (long)len, MREMAP_MAYMOVE | MREMAP_FIXED, (long)start, 0)) ||
	    r != (long)start) {
		inject_syscall(inj, SYS_munmap, tmp, (long)len, 0, 0, 0, 0);
		return -1;
	}
	arena_unmap(rs->arena, start, len);
	/* What we emulated for fork, the kernel now does itself. */
	for (fa = rs->fork_advice; fa != NULL; fa = fa->next) {
		s = fa->start > start ? fa->start : start;
		e = fa->start + fa->len < start + len ? fa->start + fa->len :
		    start + len;
		if (s < e)
			inject_syscall(inj, SYS_madvise, (long)s, (long)(e - s),
			    fa->advice, 0, 0, 0);
	}
	forget_fork_advice(p, start, len, MADV_DONTFORK);
	forget_fork_advice(p, start, len, MADV_WIPEONFORK);
	return 0;
}

void
redirect_mprotect(struct thread *t)
{
	struct proc *p = t->proc;
	struct user_regs_struct regs;
	uint64_t addr, end, at, s, e;
	struct inject inj;
	long result;

	if (thread_get_regs(t, &regs, NULL) != 0 ||
	    inject_begin(&inj, t, true) != 0)
		return;
	addr = regs.rdi;
	end = addr + PAGE_UP(regs.rsi);
	for (at = addr; at < end && arena_next(redir(p)->arena, at, &s, &e) &&
	    s < end; at = e) {
		s = s > at ? s : at;
		e = e < end ? e : end;
		/* Left shared if it cannot be copied: it still works so. */
		if (make_private(&inj, p, s, e - s) != 0)
			break;
	}
	result = inject_syscall(&inj, (long)regs.orig_rax, (long)regs.rdi,
	    (long)regs.rsi, (long)regs.rdx, (long)regs.r10, (long)regs.r8,
	    (long)regs.r9);
	inject_end(&inj, true, result);
	mm_store(p);
}

/* ---------------------------------------------------------------------
 * fork and exec
 * ------------------------------------------------------------------- */

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
	fd = crs->arena == NULL ? -1 : fd_acquire(inj, cp);
	if (fd < 0) {
		maps_free(&maps);
		return -1;
	}
	holder_add(cp);
	*why = "copying the parent's memfd";
	if (arena_clone(prs->arena, crs->arena, NULL) != 0)
		ok = -1;
	*why = "mapping the child's memfd";
	for (i = 0; ok == 0 && i < maps.count; i++) {
		r = &maps.regions[i];
		if (!maps_arena(r, &st))
			continue;
		res = inject_syscall(inj, SYS_mmap, (long)r->start,
		    (long)(r->end - r->start), region_prot(r),
		    MAP_SHARED | MAP_FIXED,
		    fd, (long)r->offset);
		if (res != (long)r->start)
			ok = -1;
	}
	fd_release(inj, fd);
	maps_free(&maps);
	if (ok != 0)
		return -1;
	stub_inherit(parent, cp);
	for (fa = prs->fork_advice; fa != NULL; fa = fa->next) {
		if (fa->advice == MADV_DONTFORK) {
			arena_unmap(crs->arena, fa->start, fa->len);
		} else {
			arena_zero(crs->arena, fa->start, fa->len);
			remember_fork_advice(cp, fa->start, fa->len,
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
 * The child could not have its own memfd: every range it maps from one
 * (the parent's, or a copy half set up) becomes private memory holding
 * the parent's bytes (built aside, then moved over it), and the child
 * redirects nothing more. Exact: memory is what it would be natively.
 */
static int
child_private(struct proc *parent, struct thread *child, struct inject *inj)
{
	struct redirect_state *prs = redir(parent);
	static unsigned char buf[PAGE_SIZE_BYTES];
	static const unsigned char zeros[PAGE_SIZE_BYTES];
	struct proc *cp = child->proc;
	struct redirect_state *crs = redir(cp);
	struct stat st, cst;
	const struct region *r;
	struct fork_advice *fa;
	struct maps maps;
	uint64_t len, at;
	long tmp, res, prot;
	bool have_cst;
	size_t i;
	int ok = 0;

	if (fstat(arena_fd(prs->arena), &st) != 0 ||
	    maps_read(child->tid, &maps, NULL) != 0)
		return -1;
	have_cst = crs->arena != NULL && fstat(arena_fd(crs->arena), &cst) == 0;
	for (i = 0; ok == 0 && i < maps.count; i++) {
		r = &maps.regions[i];
		if (!maps_arena(r, &st) && !(have_cst && maps_arena(r, &cst)))
			continue;
		len = r->end - r->start;
		prot = region_prot(r);
		tmp = inject_syscall(inj, SYS_mmap, 0, (long)len,
		    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (syscall_failed(tmp)) {
			ok = -1;
			break;
		}
		for (at = 0; ok == 0 && at < len; at += PAGE_SIZE_BYTES) {
			if (wiped_on_fork(parent, r->start + at,
			    PAGE_SIZE_BYTES))
				continue;
			memset(buf, 0, sizeof(buf));
			arena_read(prs->arena, r->start + at, buf,
			    sizeof(buf));
			if (memcmp(buf, zeros, sizeof(buf)) != 0 &&
			    poke_bytes(child->tid, (uint64_t)tmp + at, buf,
			    sizeof(buf)) != 0)
				ok = -1;
		}
		if (ok == 0 && prot != (PROT_READ | PROT_WRITE) &&
		    inject_syscall(inj, SYS_mprotect, tmp, (long)len, prot,
		    0, 0, 0) != 0)
			ok = -1;
		res = ok != 0 ? -1 : inject_syscall(inj, SYS_mremap, tmp,
		    (long)len, (long)len, MREMAP_MAYMOVE | MREMAP_FIXED,
		    (long)r->start, 0);
		if (res != (long)r->start) {
			inject_syscall(inj, SYS_munmap, tmp, (long)len, 0, 0,
			    0, 0);
			ok = -1;
		}
	}
	maps_free(&maps);
	if (ok != 0)
		return -1;
	if (crs->arena_fd_installed)
		inject_syscall(inj, SYS_close, reserved_fd, 0, 0, 0, 0, 0);
	/* Private now: the kernel does WIPEONFORK itself from here on. */
	for (fa = prs->fork_advice; fa != NULL; fa = fa->next)
		if (fa->advice == MADV_WIPEONFORK)
			inject_syscall(inj, SYS_madvise, (long)fa->start,
			    (long)fa->len, MADV_WIPEONFORK, 0, 0, 0);
	holder_remove(cp);
	if (crs->arena != NULL)
		arena_free(crs->arena);
	crs->arena = NULL;
	crs->arena_fd_installed = false;
	crs->redirect_disabled = true;
	return 0;
}

/*
 * Never kills the child: its own copy, or else private memory. A child
 * of a non-dumpable process is made dumpable for the moment (a non-root
 * tracer may not read its /proc files or memory otherwise), and back.
 */
int
redirect_child(struct proc *parent, struct thread *child)
{
	struct redirect_state *prs = redir(parent);
	struct proc *cp = child->proc;
	struct redirect_state *crs = redir(cp);
	const char *why = NULL;
	struct inject inj;
	long dumpable;
	int ok;

	crs->brk = prs->brk;
	crs->redirect_disabled = prs->redirect_disabled;
	crs->fd_transient = prs->fd_transient;
	if (inject_begin(&inj, child, false) != 0)
		return -1;
	dumpable = inject_syscall(&inj, SYS_prctl, PR_GET_DUMPABLE, 0, 0, 0,
	    0, 0);
	if (dumpable == 0)
		inject_syscall(&inj, SYS_prctl, PR_SET_DUMPABLE, 1, 0, 0, 0,
		    0);
	ok = child_own_copy(parent, child, &inj, &why);
	if (ok != 0 && !child->has_deferred) {
		ok = child_private(parent, child, &inj);
		if (ok == 0)
			say_private(cp->pid, why);
	}
	if (dumpable == 0)
		inject_syscall(&inj, SYS_prctl, PR_SET_DUMPABLE, 0, 0, 0, 0,
		    0);
	inject_end(&inj, false, 0);
	return ok;
}

void
redirect_forget(struct proc *p)
{
	struct redirect_state *rs = p->redirect;
	struct fork_advice *fa, *next;
	bool shared;

	if (rs == NULL)
		return;
	shared = mm_detach(p);
	for (fa = shared ? NULL : rs->fork_advice; fa != NULL; fa = next) {
		next = fa->next;
		free(fa);
	}
	rs->fork_advice = NULL;
	stub_forget(p);
	/* Still in use by the processes that share the address space. */
	if (rs->arena != NULL && !shared)
		arena_free(rs->arena);
	rs->arena = NULL;
	rs->arena_fd_installed = false;
	rs->brk = (struct brk_state){ .mode = BRK_UNDECIDED };
}
