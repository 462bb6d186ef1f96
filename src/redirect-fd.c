/*
 * redirect-fd.c: getting the arena's memfd into a tracee. The reserved
 * descriptor number above the program's RLIMIT_NOFILE, an openat of
 * /proc/<ptinspect>/fd/<n> run inside the tracee or, where it may not
 * open that path, a memfd it makes itself that ptinspect adopts
 * (pidfd_getfd), and the descriptor for each call only where no reserved
 * number can be had (see redirect.c for the model).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "arena.h"
#include "inject.h"
#include "redirect.h"
#include "redirect-int.h"
#include "stub.h"
#include "task.h"

/*
 * Without a number above the program's limit, the filter watches one no
 * program can open, and each call that needs the memfd opens and closes
 * it around itself (see redirect_fd_acquire).
 */
#define TRANSIENT_FILTER_FD 0x7fffffff

#ifndef MFD_EXEC		/* linux/memfd.h, Linux 6.3 */
#define MFD_EXEC 0x0010U
#endif

static int reserved_fd = -1;

static bool can_lift_hard_limit(const struct rlimit *rl);
static long open_in_tracee(struct inject *inj, struct proc *p);
static long memfd_from_tracee(struct inject *inj, struct proc *p);
static long fd_open(struct inject *inj, struct proc *p);
static long acquire(struct inject *inj, struct proc *p, bool path_refused);
static long keep_fd(struct inject *inj, struct proc *p, long fd);
static bool install_fd(struct inject *inj, struct proc *p, long fd);

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

/* Does p get the memfd for each call only (no reserved number)? */
bool
redirect_fd_transient(const struct proc *p)
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

	arena_fd_path(redir(p)->arena, path, sizeof(path));
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
long
redirect_fd_acquire(struct inject *inj, struct proc *p)
{
	return acquire(inj, p, false);
}

/*
 * redirect_fd_acquire, where path_refused says the tracee was just refused
 * the memfd's path (the stub's set-up tried it): its own memfd at once.
 */
static long
acquire(struct inject *inj, struct proc *p, bool path_refused)
{
	long fd;

	if (!redirect_fd_transient(p) && redir(p)->arena_fd_installed)
		return reserved_fd;
	fd = path_refused ? memfd_from_tracee(inj, p) : fd_open(inj, p);
	return fd < 0 ? -1 : keep_fd(inj, p, fd);
}

/* fd, new in the tracee, at the reserved number where p keeps it there. */
static long
keep_fd(struct inject *inj, struct proc *p, long fd)
{
	if (redirect_fd_transient(p) || !install_fd(inj, p, fd))
		return fd;
	return reserved_fd;
}

/*
 * The stub's set-up opens the memfd itself, in the stop that maps the
 * lanes' data: with the code's mapping 2 stops, where injecting the open
 * and both mappings took 7. Where the tracee cannot open it by its path
 * (another user, a chroot), the descriptor is the tracee's own memfd,
 * adopted (which may be only while the arena has no extent, so before
 * the lanes' data has one); an injected open of the same path, as
 * redirect_fd_acquire tries first, would be refused too (2 stops).
 */
long
redirect_stub_install(struct inject *inj, struct proc *p, uint64_t want,
    uint64_t want_len)
{
	struct redirect_state *rs = redir(p);
	bool kept = !redirect_fd_transient(p) && rs->arena_fd_installed;
	long fd;

	/* The stub goes above the stack (decide_brk may have read this). */
	if (rs->env_end == 0)
		rs->env_end = redirect_stat_address(inj->thread->tid, 51);
	if (stub_place_code(inj, p, want, want_len) != 0)
		return redirect_fd_acquire(inj, p);
	fd = stub_map_data(inj, p, kept ? reserved_fd : -1);
	if (fd >= 0)
		return kept ? fd : keep_fd(inj, p, fd);
	if (fd == -ESRCH)
		return -1;
	/* -EFAULT: the code did not run to its end, the open not tried. */
	fd = acquire(inj, p, fd != -EFAULT);
	if (fd >= 0)
		return stub_map_data(inj, p, fd);
	stub_unplace_code(inj, p);
	return fd;
}

/* Closes a descriptor redirect_fd_acquire opened for one call. */
void
redirect_fd_release(struct inject *inj, long fd)
{
	if (fd >= 0 && redirect_fd_transient(inj->thread->proc))
		inject_syscall(inj, SYS_close, fd, 0, 0, 0, 0, 0);
}
