/*
 * tracer-task.c: the tracer's processes and threads, and holding them:
 * adopting a task the kernel announced, resuming a thread, pausing a
 * process (RUNNING -> PAUSING -> PAUSED) and handing paused processes
 * out. It sits below tracer.c (the events) and tracer-fork.c, and calls
 * neither.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "redirect.h"
#include "seccomp.h"
#include "task.h"
#include "tracer.h"
#include "tracer-int.h"
#include "util.h"

/* ---------------------------------------------------------------------
 * Processes and threads (task.c keeps them)
 * ------------------------------------------------------------------- */

/* A new process, with what the tracer's options say of it. */
struct proc *
tracer_proc_new(struct tracer *tr, pid_t pid, pid_t parent_pid)
{
	struct proc *parent = parent_pid != 0 ?
	    tracer_find_proc(tr, parent_pid) : NULL;
	struct proc *p = task_proc_new(&tr->tasks, pid, parent_pid);

	/* A child has its parent's filters; one of a parent unknown, maybe. */
	p->own_filter = parent != NULL ? parent->own_filter : parent_pid != 0;
	if (parent != NULL)
		redirect_inherit_filters(p, parent);
	/* Children run the user's program too (they fork from it). */
	p->execed = true;
	p->pause_wanted = tr->opts.pause_on_exit && tr->opts.follow_forks;
	proc_read_comm(p);
	return p;
}

/*
 * A task we have not seen yet: a new thread or process whose first stop
 * overtook its parent's clone/fork event, or one announced by that event.
 */
struct thread *
tracer_adopt_task(struct tracer *tr, pid_t tid, pid_t parent_tid,
    bool is_thread)
{
	struct thread *parent = task_find_thread(&tr->tasks, parent_tid);
	struct proc *p;
	pid_t tgid;

	if (parent_tid == 0) {
		tgid = (pid_t)proc_status_number(tid, "\nTgid:");
		is_thread = tgid != 0 && tgid != tid;
	} else {
		tgid = is_thread && parent != NULL ? parent->proc->pid : tid;
	}
	if (is_thread) {
		p = tracer_find_proc(tr, tgid);
		if (p == NULL) {
			p = tracer_proc_new(tr, tgid, 0);
			p->own_filter = true;	/* nothing is known of it */
		}
	} else {
		/* Its first stop overtook the fork event: /proc knows. */
		p = tracer_proc_new(tr, tid, parent != NULL ?
		    parent->proc->pid : (pid_t)proc_status_number(tid,
		    "\nPPid:"));
	}
	return task_thread_new(&tr->tasks, p, tid);
}

struct proc *
tracer_find_proc(struct tracer *tr, pid_t pid)
{
	return task_find_proc(&tr->tasks, pid);
}

struct proc *
tracer_root(struct tracer *tr)
{
	return tr->root;
}

struct proc *
tracer_procs(struct tracer *tr)
{
	return tr->tasks.procs;
}

int
tracer_event_fd(struct tracer *tr)
{
	return tr->sigchld_fd;
}

/* ---------------------------------------------------------------------
 * Resuming and pausing
 * ------------------------------------------------------------------- */

void
tracer_resume_thread(struct tracer *tr, struct thread *t)
{
	int req, sig = t->resume_sig;

	if (!t->stopped)
		return;
	if (t->in_group_stop)
		req = PTRACE_LISTEN;
	else if (tr->use_seccomp && !t->restore_clone_flags)
		req = PTRACE_CONT;
	else
		req = PTRACE_SYSCALL;
	t->stopped = false;
	t->regs_valid = false;
	t->resume_sig = 0;
	t->in_group_stop = false;
	/* ESRCH: it died meanwhile (SIGKILL); its exit report follows. */
	ptrace(req, t->tid, 0, (long)sig);
}

/* Is p being paused, or paused (its stopped threads stay stopped)? */
bool
tracer_proc_holding(const struct proc *p)
{
	return p->state == PROC_PAUSING || p->state == PROC_PAUSED;
}

/* Holds the thread if its process is being paused, else resumes it. */
void
tracer_hold_or_resume(struct tracer *tr, struct thread *t)
{
	if (tracer_proc_holding(t->proc))
		tracer_check_paused(t->proc);
	else
		tracer_resume_thread(tr, t);
}

/* PAUSING becomes PAUSED once every live thread of p is stopped. */
void
tracer_check_paused(struct proc *p)
{
	struct thread *t;

	if (p->state != PROC_PAUSING)
		return;
	for (t = p->threads; t != NULL; t = t->next)
		if (!t->stopped && !t->exiting)
			return;
	p->state = PROC_PAUSED;
	/* Nothing will map them while it is held: memory goes back now. */
	redirect_drop_kept(p);
	if (!p->pause_reported && p->table != NULL)
		p->table->unreported_pauses++;
	proc_read_comm(p);
}

void
tracer_start_pause(struct proc *p, struct thread *trigger,
    enum pause_reason reason)
{
	struct thread *t;

	p->state = PROC_PAUSING;
	p->reason = reason;
	p->paused_tid = trigger->tid;
	p->pause_reported = false;
	for (t = p->threads; t != NULL; t = t->next) {
		if (t->stopped || t->exiting)
			continue;
		if (ptrace(PTRACE_INTERRUPT, t->tid, 0, 0) != 0 &&
		    errno == ESRCH)
			t->exiting = true;
	}
	tracer_check_paused(p);
}

struct proc *
tracer_next_paused(struct tracer *tr)
{
	struct proc *p;

	/* Called after every event: the list holds every process seen. */
	if (tr->tasks.unreported_pauses == 0)
		return NULL;
	for (p = tr->tasks.procs; p != NULL; p = p->next) {
		if (p->state == PROC_PAUSED && !p->pause_reported) {
			p->pause_reported = true;
			tr->tasks.unreported_pauses--;
			return p;
		}
	}
	/* Those counted left PROC_PAUSED unreported (killed, gone). */
	tr->tasks.unreported_pauses = 0;
	return NULL;
}

int
tracer_pause(struct tracer *tr, struct proc *p, enum pause_reason why,
    char **errp)
{
	(void)tr;
	if (p->state != PROC_RUNNING || !p->execed || p->threads == NULL)
		return set_error(errp, "process %d is not running",
		    (int)p->pid);
	tracer_start_pause(p, proc_main_thread(p), why);
	return 0;
}

void
tracer_forgo_pauses(struct proc *p)
{
	p->pause_wanted = false;
}

void
tracer_continue_job(struct proc *p)
{
	pid_t pgid = getpgid(p->pid);

	p->job_stopped = false;
	kill(pgid > 0 ? -pgid : p->pid, SIGCONT);
}

/*
 * Is thread tid in vfork, or clone or clone3 with CLONE_VFORK (whose
 * flags are in memory: taken as such)? /proc/TID/syscall says, for a
 * thread stopped or blocked.
 */
static bool
in_vfork_call(pid_t tid)
{
	char path[64], *s;
	long nr = -1;
	unsigned long flags = 0;

	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)tid);
	if ((s = read_file_str(path, NULL)) == NULL)
		return false;
	if (sscanf(s, "%ld %lx", &nr, &flags) < 1)
		nr = -1;
	free(s);
	return nr == SYS_vfork || nr == SYS_clone3 ||
	    (nr == SYS_clone && (flags & CLONE_VFORK));
}

/*
 * p is a vfork child not yet exec'd: it runs in its parent's memory while
 * the parent's thread waits for it (uninterruptibly: no stop signal ends
 * that wait), or is about to, at its vfork event. Stopped now, p would
 * hold its parent out of any stop until p is continued. Natively that
 * window is microseconds; under ptrace, p's first stops widen it to
 * milliseconds, long enough for a Ctrl-Z or a hand-over to hit it (dash
 * runs each command by vfork).
 *
 * Once the parent's vfork event named p, that says so. Before it (p's
 * first stops can overtake it), /proc/TID/syscall of the parent's
 * threads does: one stopped at its vfork event, or blocked in the wait,
 * shows the call. It cannot tell for a parent just resumed from its
 * event and not yet blocked, which it shows as "running": read then, it
 * once let a Ctrl-Z stop such a child and never the job (1 round in 72
 * of a Ctrl-Z loop).
 */
bool
tracer_holds_vfork_parent(struct tracer *tr, const struct proc *p)
{
	struct proc *parent = p->parent_pid > 0 ?
	    task_find_proc(&tr->tasks, p->parent_pid) : NULL;
	struct thread *t;

	if (parent == NULL || parent->state == PROC_GONE)
		return false;
	if (p->vfork_parent_waits)
		return true;
	if (syscall(SYS_kcmp, p->pid, parent->pid, KCMP_VM, 0, 0) != 0)
		return false;
	for (t = parent->threads; t != NULL; t = t->next)
		if (in_vfork_call(t->tid))
			return true;
	return false;
}

/* Stops every thread of p but self, for a fork's copy (tracer-fork.c). */
void
tracer_stop_other_threads(struct proc *p, struct thread *self)
{
	struct thread *o;
	int status;

	for (o = p->threads; o != NULL; o = o->next) {
		if (o == self || o->stopped || o->exiting)
			continue;
		if (ptrace(PTRACE_INTERRUPT, o->tid, 0, 0) != 0)
			continue;
		while (waitpid(o->tid, &status, __WALL) < 0 && errno == EINTR)
			;
		o->world_stopped = true;
		o->stopped = WIFSTOPPED(status);
		if (!WIFSTOPPED(status) ||
		    (status >> 16) != PTRACE_EVENT_STOP) {
			o->has_deferred = true;
			o->deferred_status = status;
		}
	}
}
