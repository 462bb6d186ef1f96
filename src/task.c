/*
 * task.c: the task model (task.h). Processes and threads as the tracer
 * has seen them, found by id through a hash of live threads; register
 * access for held threads (cached until the thread runs again); which
 * thread stands for a process when its /proc files or its memory are read.
 *
 * It calls nothing above it: the tracer creates and deletes tasks here as
 * ptrace events arrive, every other layer only reads and acts on them.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <unistd.h>

#include "task.h"
#include "util.h"

#define TASK_MAX_HOOKS 8

struct hook_list {
	void (*hooks[TASK_MAX_HOOKS])(struct proc *p);
	int n;
};

static bool (*program_view)(struct proc *p, struct user_regs_struct *regs);
static struct hook_list forget_hooks, release_hooks;

static void hook_add(struct hook_list *l, void (*hook)(struct proc *p));
static void hook_call(const struct hook_list *l, struct proc *p);

/* ---------------------------------------------------------------------
 * The table
 * ------------------------------------------------------------------- */

static void
thread_hash_insert(struct task_table *tt, struct thread *t)
{
	struct thread **head = &tt->thread_hash[t->tid % TASK_HASH_SIZE];

	t->hash_next = *head;
	*head = t;
}

static void
thread_hash_remove(struct task_table *tt, struct thread *t)
{
	struct thread **pp = &tt->thread_hash[t->tid % TASK_HASH_SIZE];

	for (; *pp != NULL; pp = &(*pp)->hash_next) {
		if (*pp == t) {
			*pp = t->hash_next;
			return;
		}
	}
}

struct thread *
task_find_thread(const struct task_table *tt, pid_t tid)
{
	struct thread *t;

	for (t = tt->thread_hash[tid % TASK_HASH_SIZE]; t; t = t->hash_next)
		if (t->tid == tid)
			return t;
	return NULL;
}

struct proc *
task_find_proc(const struct task_table *tt, pid_t pid)
{
	struct proc *p;

	for (p = tt->procs; p != NULL; p = p->next)
		if (p->pid == pid && p->state != PROC_GONE)
			return p;
	return NULL;
}

struct proc *
task_proc_new(struct task_table *tt, pid_t pid, pid_t parent_pid)
{
	struct proc *p = xcalloc(1, sizeof(*p));

	p->table = tt;
	p->pid = pid;
	p->parent_pid = parent_pid;
	p->state = PROC_RUNNING;
	/* Gone ones stay listed: a walk to the end grew with every one. */
	if (tt->procs_tail != NULL)
		tt->procs_tail->next = p;
	else
		tt->procs = p;
	tt->procs_tail = p;
	return p;
}

struct thread *
task_thread_new(struct task_table *tt, struct proc *p, pid_t tid)
{
	struct thread *t = xcalloc(1, sizeof(*t));

	t->tid = tid;
	t->proc = p;
	t->next = p->threads;
	p->threads = t;
	p->nthreads++;
	thread_hash_insert(tt, t);
	return t;
}

void
task_thread_delete(struct task_table *tt, struct thread *t)
{
	struct proc *p = t->proc;
	struct thread **pp;

	for (pp = &p->threads; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			p->nthreads--;
			break;
		}
	}
	thread_hash_remove(tt, t);
	free(t);
}

void
task_thread_set_tid(struct task_table *tt, struct thread *t, pid_t tid)
{
	thread_hash_remove(tt, t);
	t->tid = tid;
	thread_hash_insert(tt, t);
}

void
task_table_free(struct task_table *tt)
{
	struct proc *p, *next;
	struct thread *t, *tnext;

	for (p = tt->procs; p != NULL; p = next) {
		next = p->next;
		hook_call(&release_hooks, p);
		for (t = p->threads; t != NULL; t = tnext) {
			tnext = t->next;
			free(t);
		}
		free(p);
	}
	memset(tt, 0, sizeof(*tt));
}

/* ---------------------------------------------------------------------
 * Processes
 * ------------------------------------------------------------------- */

void
proc_read_comm(struct proc *p)
{
	char path[64], *s;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)p->pid);
	s = read_file_str(path, NULL);
	if (s == NULL)
		return;
	s[strcspn(s, "\n")] = '\0';
	snprintf(p->comm, sizeof(p->comm), "%s", s);
	free(s);
}

struct thread *
proc_find_thread(struct proc *p, pid_t tid)
{
	struct thread *t;

	for (t = p->threads; t != NULL; t = t->next)
		if (t->tid == tid)
			return t;
	return NULL;
}

struct thread *
proc_main_thread(struct proc *p)
{
	struct thread *t;

	if (p->paused_tid != 0 && (t = proc_find_thread(p, p->paused_tid)))
		return t;
	if ((t = proc_find_thread(p, p->pid)) != NULL)
		return t;
	return p->threads;
}

pid_t
proc_access_tid(struct proc *p)
{
	struct thread *t;

	/* The leader's /proc entries lose the mm once it has exited. */
	t = proc_find_thread(p, p->pid);
	if (t != NULL && !t->exiting)
		return p->pid;
	for (t = p->threads; t != NULL; t = t->next)
		if (!t->exiting)
			return t->tid;
	/* All exiting (a SIGKILL): the last one, held, still has the mm. */
	if (p->paused_tid != 0 && proc_find_thread(p, p->paused_tid))
		return p->paused_tid;
	return p->pid;
}

bool
proc_not_dumpable(struct proc *p)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof path, "/proc/%d/status", (int)proc_access_tid(p));
	return geteuid() != 0 && stat(path, &st) == 0 && st.st_uid == 0;
}

/* ---------------------------------------------------------------------
 * Registers
 * ------------------------------------------------------------------- */

int
thread_get_regs(struct thread *t, struct user_regs_struct *regs, char **errp)
{
	if (!t->stopped)
		return set_error(errp, "thread %d is running", (int)t->tid);
	if (!t->regs_valid) {
		if (ptrace(PTRACE_GETREGS, t->tid, 0, &t->regs) != 0)
			return set_error(errp, "thread %d: %s", (int)t->tid,
			    strerror(errno));
		t->regs_valid = true;
	}
	*regs = t->regs;
	return 0;
}

int
thread_set_regs(struct thread *t, const struct user_regs_struct *regs,
    char **errp)
{
	if (!t->stopped)
		return set_error(errp, "thread %d is running", (int)t->tid);
	if (ptrace(PTRACE_SETREGS, t->tid, 0, regs) != 0)
		return set_error(errp, "thread %d: %s", (int)t->tid,
		    strerror(errno));
	t->regs = *regs;
	t->regs_valid = true;
	return 0;
}

void
task_set_program_view(bool (*view)(struct proc *p,
    struct user_regs_struct *regs))
{
	program_view = view;
}

bool
proc_program_view(struct proc *p, struct user_regs_struct *regs)
{
	return program_view != NULL && program_view(p, regs);
}

int
thread_program_regs(struct thread *t, struct user_regs_struct *regs,
    char **errp)
{
	if (thread_get_regs(t, regs, errp) < 0)
		return -1;
	proc_program_view(t->proc, regs);
	return 0;
}

/* ---------------------------------------------------------------------
 * Listeners
 * ------------------------------------------------------------------- */

static void
hook_add(struct hook_list *l, void (*hook)(struct proc *p))
{
	int i;

	for (i = 0; i < l->n; i++)
		if (l->hooks[i] == hook)
			return;
	if (l->n == TASK_MAX_HOOKS)
		fatalx("task: too many hooks");
	l->hooks[l->n++] = hook;
}

static void
hook_call(const struct hook_list *l, struct proc *p)
{
	int i;

	for (i = 0; i < l->n; i++)
		l->hooks[i](p);
}

void
task_add_forget_hook(void (*hook)(struct proc *p))
{
	hook_add(&forget_hooks, hook);
}

void
task_add_release_hook(void (*hook)(struct proc *p))
{
	hook_add(&release_hooks, hook);
}

void
task_forget(struct proc *p)
{
	hook_call(&forget_hooks, p);
}
