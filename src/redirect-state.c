/*
 * redirect-state.c: what the redirection layer keeps per process and per
 * address space (redirect-int.h), and the helpers its handlers share.
 *
 * p->redirect is made on first use (redir), reset when the address space
 * goes (redirect_forget, a forget hook of the task model) and freed with
 * the process (redirect_release, a release hook). Processes that CLONE_VM
 * made without CLONE_THREAD (vfork, posix_spawn) share one arena and heap:
 * struct mm_share below, kept in step by redirect_mm_load at their stops
 * and redirect_mm_store after each handler.
 *
 * It calls the stub (stub_forget), the arena, inject.c and the task
 * model; nothing else of the layer.
 */
#include "config.h"

#include <linux/kcmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "arena.h"
#include "inject.h"
#include "maps.h"
#include "redirect.h"
#include "redirect-int.h"
#include "stub.h"
#include "task.h"
#include "util.h"

/*
 * An address space shared by processes that CLONE_VM made without
 * CLONE_THREAD (vfork, posix_spawn, clone): one arena and one heap for
 * all of them (MADV_WIPEONFORK marks are the arena's). Each such proc
 * points at the same arena; its brk is a copy, loaded from here when it
 * stops (redirect_sync) and stored back after each handler.
 */
struct mm_share {
	struct arena *arena;
	int refs;		/* procs using the arena */
	struct brk_state brk;
	struct mm_share *next;
};

static struct mm_share *mm_shares;
/* Every proc holding an arena: where a CLONE_VM child finds its peer. */
static struct proc **holders;
static size_t nholders, holders_cap;
static bool said_private;

static void redirect_release(struct proc *p);
static struct mm_share *mm_share_of(const struct arena *a);
static bool mm_attach(struct proc *p);
static bool mm_detach(struct proc *p);

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

bool
redirect_ensure_arena(struct proc *p)
{
	struct redirect_state *rs = redir(p);
	char *err = NULL;

	if (rs->arena != NULL || mm_attach(p))
		return true;
	rs->arena = arena_new(&err);
	if (rs->arena == NULL) {
		redirect_say_private(p->pid, err);
		free(err);
		rs->redirect_disabled = true;
		return false;
	}
	rs->arena_fd_installed = false;
	redirect_holder_add(p);
	return true;
}

void
redirect_holder_add(struct proc *p)
{
	if (nholders == holders_cap) {
		holders_cap = holders_cap ? 2 * holders_cap : 16;
		holders = xreallocarray(holders, holders_cap,
		    sizeof(*holders));
	}
	holders[nholders++] = p;
}

void
redirect_holder_remove(struct proc *p)
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
 * it takes the parent's arena and heap. The parent's mmap
 * stub stays the parent's (its lanes are per process): p maps the slow
 * way. True when p now shares an arena.
 */
static bool
mm_attach(struct proc *p)
{
	struct redirect_state *rs, *qrs;
	struct mm_share *sh;
	struct proc *q = NULL;
	pid_t parent = p->parent_pid;
	size_t i;

	if (p->is_root || redir_peek(p)->redirect_disabled || nholders == 0)
		return false;
	/* Its first stop may have come before the clone event: ask. */
	if (parent == 0)
		parent = (pid_t)redirect_stat_address(p->pid, 4);
	for (i = 0; i < nholders && q == NULL; i++)
		if (holders[i]->pid == parent && holders[i] != p)
			q = holders[i];
	if (q == NULL || (qrs = redir(q))->arena == NULL ||
	    syscall(SYS_kcmp, p->pid, q->pid, KCMP_VM, 0, 0) != 0)
		return false;
	rs = redir(p);
	sh = mm_share_of(qrs->arena);
	if (sh == NULL) {
		sh = xcalloc(1, sizeof(*sh));
		*sh = (struct mm_share){ qrs->arena, 1, qrs->brk, mm_shares };
		mm_shares = sh;
	}
	sh->refs++;
	rs->arena = qrs->arena;
	rs->arena_fd_installed = false;
	rs->redirect_disabled = qrs->redirect_disabled;
	rs->brk = sh->brk;
	stub_forget(p);
	rs->stub_failed = true;
	redirect_holder_add(p);
	return true;
}

/*
 * Brings p's copies of the shared state up to date (at its stops, and
 * before reads): makes p's state only when p joins a shared arena.
 */
void
redirect_mm_load(struct proc *p)
{
	struct redirect_state *rs;
	struct mm_share *sh;

	if (redir_peek(p)->arena == NULL && !mm_attach(p))
		return;
	rs = redir(p);
	if ((sh = mm_share_of(rs->arena)) == NULL)
		return;
	rs->brk = sh->brk;
}

bool
redirect_mm_shared(const struct proc *p)
{
	const struct mm_share *sh = mm_share_of(redir_peek(p)->arena);

	return sh != NULL && sh->refs > 1;
}

/* After a handler changed p's heap. */
void
redirect_mm_store(struct proc *p)
{
	struct redirect_state *rs = p->redirect;
	struct mm_share *sh;

	if (rs == NULL || (sh = mm_share_of(rs->arena)) == NULL)
		return;
	sh->brk = rs->brk;
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

	redirect_holder_remove(p);
	for (pp = &mm_shares; (sh = *pp) != NULL; pp = &sh->next)
		if (sh->arena == rs->arena && rs->arena != NULL)
			break;
	/*
	 * p's copies are not stored back: every handler stored what it
	 * changed, and since then another process of the address space may
	 * have moved the heap (a vfork parent runs again before its child's
	 * exec is seen here).
	 */
	if (sh == NULL)
		return false;
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
void
redirect_say_private(pid_t pid, const char *why)
{
	if (said_private)
		return;
	said_private = true;
	warnx_msg("pid %d: memory stays private (read the slow way; said "
	    "once): %s", (int)pid, why);
}

void
redirect_wipe_natively(struct inject *inj, const struct arena *a,
    uint64_t start, uint64_t end)
{
	uint64_t at, s, e;

	for (at = start; at < end && arena_next_wipe(a, at, &s, &e) &&
	    s < end; at = e) {
		s = s > start ? s : start;
		e = e < end ? e : end;
		inject_syscall(inj, SYS_madvise, (long)s, (long)(e - s),
		    MADV_WIPEONFORK, 0, 0, 0);
	}
}

/*
 * Fields first..first + n - 1 of /proc/TID/stat (4 ppid, 45 start_data,
 * 46 end_data, 47 start_brk, 51 env_end) into out, numbers; 0 where
 * unknown.
 */
void
redirect_stat_fields(pid_t tid, int first, uint64_t *out, int n)
{
	char path[64], *stat, *p;
	int field, k;

	memset(out, 0, (size_t)n * sizeof(*out));
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)tid);
	stat = read_file_str(path, NULL);
	if (stat == NULL)
		return;
	/* Fields are counted after the command name, which may hold spaces. */
	p = strrchr(stat, ')');
	for (field = 2; p != NULL && field < first; field++)
		p = strchr(p + 1, ' ');
	for (k = 0; p != NULL && k < n; k++) {
		out[k] = strtoull(p + 1, NULL, 10);
		p = strchr(p + 1, ' ');
	}
	free(stat);
}

uint64_t
redirect_stat_address(pid_t tid, int n)
{
	uint64_t value;

	redirect_stat_fields(tid, n, &value, 1);
	return value;
}

void
redirect_forget(struct proc *p)
{
	struct redirect_state *rs = p->redirect;
	bool shared;

	if (rs == NULL)
		return;
	shared = mm_detach(p);
	stub_forget(p);
	/* Still in use by the processes that share the address space. */
	if (rs->arena != NULL && !shared)
		arena_free(rs->arena);
	rs->arena = NULL;
	rs->arena_fd_installed = false;
	rs->brk = (struct brk_state){ .mode = BRK_UNDECIDED };
	rs->env_end = 0;
}

/* Skips the syscall the thread is stopped at; it returns `result`. */
void
redirect_skip_syscall(struct thread *t,
    const struct user_regs_struct *regs, long result)
{
	struct user_regs_struct r = *regs;

	r.orig_rax = (unsigned long long)-1;
	r.rax = (unsigned long long)result;
	thread_set_regs(t, &r, NULL);
}

/* PROT_* of a region's "rwxp" permissions. */
long
redirect_region_prot(const struct region *r)
{
	return (r->perms[0] == 'r' ? PROT_READ : 0) |
	    (r->perms[1] == 'w' ? PROT_WRITE : 0) |
	    (r->perms[2] == 'x' ? PROT_EXEC : 0);
}
