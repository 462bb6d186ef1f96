/*
 * redirect-int.h: what the redirection layer keeps per process, behind
 * the task model's p->redirect, and what its files share. Private to
 * redirect*.c and stub.c; every other layer asks through redirect.h
 * (redirect_arena, ...).
 *
 *   redirect.c        the model; mmap, munmap, madvise, mremap, shmat, the
 *                     reserved fd, the program's own filter, mprotect
 *   redirect-brk.c    the brk heap, emulated in the arena
 *   redirect-fork.c   a fork child's own copy, or private memory
 *   redirect-fd.c     getting the memfd into the tracee
 *   redirect-state.c  the state below, shared address spaces, helpers
 *   stub.c            the in-tracee mmap stub (stub.h)
 *
 * Calls go down that list (redirect.c may call every file below it),
 * never up.
 */
#ifndef PTI_REDIRECT_INT_H
#define PTI_REDIRECT_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

#include "task.h"
#include "util.h"

struct arena;
struct inject;
struct region;
struct stub;

/* Rounded up to whole pages. */
#define PAGE_UP(x) (((x) + PTI_PAGE_SIZE - 1) & ~(PTI_PAGE_SIZE - 1))

/* The brk heap, emulated in the arena. */
enum brk_mode {
	BRK_UNDECIDED,		/* no brk call seen since exec */
	BRK_NATIVE,		/* the kernel's (redirection is off) */
	BRK_EMULATED,		/* [start, cur) lives in the arena */
};

struct brk_state {
	enum brk_mode mode;
	uint64_t start;		/* the kernel's start_brk, page aligned */
	uint64_t cur;		/* the program's break */
	uint64_t slot;		/* file offset of the heap's slot */
	bool has_slot;
};

/*
 * Made on first use (redir), reset when the address space goes
 * (redirect_forget) except for what outlives an exec (redirect_disabled,
 * fd_transient, writes: filters outlive it), freed with the process (a
 * release hook).
 */
struct redirect_state {
	struct arena *arena;	/* shared-memory fast path, NULL if none */
	/* the tracee holds it at the reserved fd */
	bool arena_fd_installed;
	bool fd_transient;	/* no reserved fd here: opened for each call */
	bool redirect_disabled;	/* no new redirections (see redirect.c) */
	/* Stop its mprotect calls making memory writable? (redirect-brk.c) */
	enum {
		WRITES_UNWATCHED,	/* the filter lets them run */
		WRITES_WATCHED,		/* a filter of ours stops them */
		WRITES_UNWATCHABLE,	/* such a filter could not be added */
	} writes;
	bool writes_due;	/* unwatched under a finite limit */
	struct stub *stub;	/* the mmap stub (stub.c); NULL if none */
	/* where the stub's code is (0: none), with or without the stub */
	uint64_t stub_base;
	uint8_t stub_code_pages;	/* bit i: its page i is written */
	bool stub_failed;	/* it could not be placed: no retry till exec */
	/* the end of exec's strings on the stack (/proc/PID/stat's env_end) */
	uint64_t env_end;
	/* mlock, mlockall or MAP_LOCKED seen: memory may be locked */
	bool may_lock;
	struct brk_state brk;
};

/*
 * p's redirection state, made (all zero: nothing redirected) if need be:
 * redirect.c's handlers call it first, so stub.c, which they call, finds
 * p->redirect made.
 */
struct redirect_state *redir(struct proc *p);

/* To read: an all-zero state when p has none yet. */
static inline const struct redirect_state *
redir_peek(const struct proc *p)
{
	static const struct redirect_state none;

	return p->redirect != NULL ? p->redirect : &none;
}

/* A raw syscall result that is an error (-4095..-1), not an address. */
static inline bool
syscall_failed(long r)
{
	return r < 0 && r > -4096;
}

/* redirect-state.c */

/* An arena for p (its own, or its CLONE_VM parent's); false: none. */
bool redirect_ensure_arena(struct proc *p);
/* p holds an arena / no longer does (where CLONE_VM children look). */
void redirect_holder_add(struct proc *p);
void redirect_holder_remove(struct proc *p);
/* Does another process (CLONE_VM) share p's address space? */
bool redirect_mm_shared(const struct proc *p);
/* p's copy of a shared address space's heap. */
void redirect_mm_load(struct proc *p);
void redirect_mm_store(struct proc *p);
/* "memory stays private", once per run. */
void redirect_say_private(pid_t pid, const char *why);
/*
 * MADV_WIPEONFORK injected on the runs of [start, end) the arena marks:
 * memory that is private again gets the kernel's own wiping.
 */
void redirect_wipe_natively(struct inject *inj, const struct arena *a,
    uint64_t start, uint64_t end);
/* Field n of /proc/TID/stat as a number (0 if unreadable). */
uint64_t redirect_stat_address(pid_t tid, int n);
/* Its fields first..first + n - 1 into out[0..n), in one read. */
void redirect_stat_fields(pid_t tid, int first, uint64_t *out, int n);
/* Skips the syscall the thread is stopped at; it returns `result`. */
void redirect_skip_syscall(struct thread *t,
    const struct user_regs_struct *regs, long result);
/* PROT_* of a region's "rwxp" permissions. */
long redirect_region_prot(const struct region *r);

/* redirect-fd.c */

/* Does p get the memfd for each call only (no reserved number)? */
bool redirect_fd_transient(const struct proc *p);
/* The arena's descriptor in the tracee for the next call, or -1. */
long redirect_fd_acquire(struct inject *inj, struct proc *p);
/*
 * As redirect_fd_acquire, with the stub put into the address space first
 * where it is not yet (stub.h): the first redirected call of a process,
 * which asks for [want, want + want_len) if want_len is not 0 (the stub
 * goes elsewhere).
 */
long redirect_stub_install(struct inject *inj, struct proc *p, uint64_t want,
    uint64_t want_len);
/* Closes a descriptor redirect_fd_acquire opened for one call. */
void redirect_fd_release(struct inject *inj, long fd);

/* redirect-brk.c */

/* brk, at its seccomp stop. */
void redirect_brk(struct thread *t, const struct user_regs_struct *regs);
/*
 * Would len more bytes of private writable memory pass RLIMIT_DATA: new
 * memory (grows 0), or the mapping at `grows` growing (mremap)?
 */
bool redirect_data_limit_exceeded(struct proc *p, pid_t tid, uint64_t grows,
    uint64_t len);
/* Would RLIMIT_DATA refuse a private writable mmap (MAP_FIXED counted)? */
bool redirect_data_limit_refuses_map(struct proc *p, pid_t tid, uint64_t addr,
    uint64_t len, long flags);

#endif
