/*
 * redirect-int.h: what the redirection layer keeps per process, behind
 * the task model's p->redirect. Private to redirect*.c and stub.c; every
 * other layer asks through redirect.h (redirect_arena, ...).
 */
#ifndef PTI_REDIRECT_INT_H
#define PTI_REDIRECT_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "task.h"

struct arena;
struct stub;

/* The brk heap, emulated in the arena. */
enum brk_mode {
	BRK_UNDECIDED,		/* no brk call seen since exec */
	BRK_NATIVE,		/* the kernel's (a heap existed already) */
	BRK_EMULATED,		/* [start, cur) lives in the arena */
};

struct brk_state {
	enum brk_mode mode;
	uint64_t start;		/* the kernel's start_brk, page aligned */
	uint64_t cur;		/* the program's break */
	uint64_t slot;		/* file offset of the heap's slot */
	bool has_slot;
};

/* MADV_DONTFORK and MADV_WIPEONFORK ranges of redirected memory. */
struct fork_advice {
	uint64_t start;
	uint64_t len;
	int advice;
	struct fork_advice *next;
};

/*
 * Made on first use (redir), reset when the address space goes
 * (redirect_forget) except for what outlives an exec (redirect_disabled,
 * fd_transient), freed with the process (a release hook).
 */
struct redirect_state {
	struct arena *arena;	/* shared-memory fast path, NULL if none */
	bool arena_fd_installed;	/* the tracee holds it at the reserved fd */
	bool fd_transient;	/* no reserved fd here: opened for each call */
	bool redirect_disabled;	/* no new redirections (see redirect.c) */
	struct fork_advice *fork_advice;
	struct stub *stub;	/* the mmap stub (stub.c); NULL if none */
	bool stub_failed;	/* it could not be placed: no retry till exec */
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

#endif
