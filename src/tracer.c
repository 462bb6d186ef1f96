/*
 * tracer.c: the process lifecycle under ptrace.
 *
 * Model. ptinspect forks, the child waits on a pipe until the parent has
 * PTRACE_SEIZEd it, installs the seccomp filter (seccomp.c) and execs. From
 * then on every thread and every child process is traced (TRACEFORK/VFORK/
 * CLONE): the filter is inherited, and a SECCOMP_RET_TRACE without a tracer
 * would fail the syscall. A tracee is only ever stopped for one of:
 *
 *   - a seccomp stop (exit_group): the pause point for a normal exit;
 *   - a seccomp stop of a memory rule (mmap, munmap, mremap, madvise, brk,
 *     the reserved fd): handed to redirect.c, which keeps the program's
 *     private memory in the shared arena; fork of a process with an arena
 *     stops its other threads until the child has its own copy;
 *   - a signal-delivery-stop: a fatal one (default action kills, neither
 *     caught nor ignored) is the pause point for a crash; others are
 *     re-injected at once;
 *   - PTRACE_EVENT_EXIT: the backstop pause point when the last thread
 *     exits without exit_group (SYS_exit of the last thread);
 *   - fork/clone/exec events and the initial stop of new tasks;
 *   - group-stops (job control), which are left alone with PTRACE_LISTEN;
 *   - PTRACE_INTERRUPT, which we send to the other threads when pausing.
 *
 * Pausing a process (state RUNNING -> PAUSING -> PAUSED) holds the thread
 * that triggered it and interrupts all others; once each has reported a
 * stop, the process is PAUSED and nothing in it runs. tracer_continue lets
 * every thread go with the signal it was stopped with, so the exit or the
 * death happens exactly as it would have (same status, same core dump).
 *
 * Without seccomp (or with --no-seccomp) every thread is resumed with
 * PTRACE_SYSCALL and exit_group is spotted at syscall-entry instead.
 *
 * Events arrive through waitpid(-1, __WALL); SIGCHLD is blocked and read
 * from a signalfd so that callers (the TUI) can poll on it.
 *
 * This file spawns, takes the events and dispatches them, continues and
 * kills. Below it, called and never calling back: tracer-task.c (adopting,
 * resuming and pausing tasks), tracer-fork.c (forks, borrowing, untraced
 * clones), tracer-policy.c (which events pause) and tracer-child.c (the
 * child up to exec).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/signalfd.h>
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


static void handle_status(struct tracer *tr, pid_t tid, int status);
static void end_lending(struct tracer *tr, struct proc *p);
static bool handle_deferred(struct tracer *tr, struct thread *t);
static bool job_stop_signal(int sig);


/* ---------------------------------------------------------------------
 * Spawning
 * ------------------------------------------------------------------- */

/* Lets the failed child finish, answering whatever stops it makes. */
static void
reap_failed_child(struct tracer *tr, pid_t pid)
{
	int status;
	pid_t w;

	for (;;) {
		w = waitpid(-1, &status, __WALL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return;
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			if (w == pid)
				return;
			continue;
		}
		handle_status(tr, w, status);
	}
}

struct tracer *
tracer_spawn(const struct tracer_opts *opts, char *const argv[],
    int *exit_code)
{
	struct tracer *tr = xcalloc(1, sizeof(*tr));
	int go_pipe[2], report_pipe[2], seccomp_errno = 0, exec_errno = 0;
	int reserved_fd;
	bool watch_writes;
	struct sigaction ignore = { .sa_handler = SIG_IGN };
	sigset_t chld;
	ssize_t n;
	pid_t pid;

	tr->opts = *opts;
	if (tr->opts.pause_on == 0)
		tr->opts.pause_on = PAUSE_ON_EXIT;
	tr->sigchld_fd = -1;
	reserved_fd = opts->no_redirect ? -1 : redirect_reserved_fd();
	/* Made here and in the child alike: the tracer models the filter. */
	watch_writes = seccomp_data_limited();
	redirect_set_writes_watched(watch_writes);
	if (!opts->no_seccomp && reserved_fd >= 0)
		tr->filter = seccomp_program_new(reserved_fd, watch_writes);
	if (pipe2(go_pipe, O_CLOEXEC) != 0 ||
	    pipe2(report_pipe, O_CLOEXEC) != 0) {
		warn_msg("pipe");
		*exit_code = 125;
		free(tr);
		return NULL;
	}
	sigprocmask(SIG_SETMASK, NULL, &tr->saved_mask);
	pid = fork();
	if (pid < 0) {
		warn_msg("fork");
		*exit_code = 125;
		free(tr);
		return NULL;
	}
	if (pid == 0) {
		close(go_pipe[1]);
		close(report_pipe[0]);
		tracer_child_main(opts, argv, go_pipe[0], report_pipe[1],
		    &tr->saved_mask, reserved_fd, watch_writes);
	}
	close(go_pipe[0]);
	close(report_pipe[1]);

	/*
	 * SIGCHLD is read from a signalfd; terminal SIGINT/SIGQUIT are for
	 * the tracee (which then pauses before dying of them), as system(3)
	 * does.
	 */
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	tr->sigchld_fd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
	sigaction(SIGINT, &ignore, &tr->saved_sigint);
	sigaction(SIGQUIT, &ignore, &tr->saved_sigquit);

	if (ptrace(PTRACE_SEIZE, pid, 0, TRACER_SEIZE_OPTIONS) != 0) {
		warn_msg("ptrace(PTRACE_SEIZE, %d)", (int)pid);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		*exit_code = 125;
		tracer_destroy(tr);
		return NULL;
	}
	tr->root = tracer_proc_new(tr, pid, 0);
	tr->root->is_root = true;
	tr->root->execed = false;
	tr->root->pause_wanted = opts->pause_on_exit;
	task_thread_new(&tr->tasks, tr->root, pid);
	close(go_pipe[1]);

	n = tracer_read_full(report_pipe[0], &seccomp_errno,
	    sizeof(seccomp_errno));
	if (n == sizeof(seccomp_errno))
		n = tracer_read_full(report_pipe[0], &exec_errno,
		    sizeof(exec_errno));
	close(report_pipe[0]);
	/* Held at its exec event: only our set-up has run (a pty's setsid). */
	tr->job_session = getsid(pid) == pid ? pid : 0;
	tr->use_seccomp = seccomp_errno == 0;
	if (seccomp_errno > 0)
		warnx_msg("seccomp unavailable (%s): tracing every syscall, "
		    "expect a slowdown", strerror(seccomp_errno));
	if (exec_errno != 0) {
		tracer_report_exec_failure(argv[0], exec_errno, exit_code);
		reap_failed_child(tr, pid);
		tracer_destroy(tr);
		return NULL;
	}
	return tr;
}

/* ---------------------------------------------------------------------
 * Continuing and killing
 * ------------------------------------------------------------------- */

int
tracer_continue(struct tracer *tr, struct proc *p, char **errp)
{
	struct thread *t;

	if (p->state != PROC_PAUSED)
		return set_error(errp, "process %d is not paused", (int)p->pid);
	end_lending(tr, p);
	/* Held at its end, it goes; held on the way, it runs on. */
	p->state = p->reason == PAUSE_EXIT || p->reason == PAUSE_SIGNAL ?
	    PROC_RELEASED : PROC_RUNNING;
	for (t = p->threads; t != NULL; t = t->next)
		tracer_resume_thread(tr, t);
	return 0;
}

int
tracer_kill(struct tracer *tr, struct proc *p, char **errp)
{
	struct thread *t;

	if (p->state == PROC_GONE)
		return set_error(errp, "process %d is gone", (int)p->pid);
	end_lending(tr, p);
	if (kill(p->pid, SIGKILL) != 0)
		return set_error(errp, "kill %d: %s", (int)p->pid,
		    strerror(errno));
	/*
	 * A thread held at PTRACE_EVENT_EXIT (a last-thread exit, or the
	 * stop that follows a SIGKILL) is not woken by another SIGKILL: let
	 * every held thread go, with no signal of its own, so it dies.
	 */
	for (t = p->threads; t != NULL; t = t->next) {
		t->resume_sig = 0;
		tracer_resume_thread(tr, t);
	}
	p->state = PROC_RELEASED;
	return 0;
}

/* ---------------------------------------------------------------------
 * Stops
 * ------------------------------------------------------------------- */

static void
record_fault_addr(struct proc *p, pid_t tid, int sig)
{
	siginfo_t si;

	p->has_fault_addr = false;
	if (sig != SIGSEGV && sig != SIGBUS && sig != SIGFPE && sig != SIGILL)
		return;
	if (ptrace(PTRACE_GETSIGINFO, tid, 0, &si) != 0 || si.si_code <= 0)
		return;
	p->has_fault_addr = true;
	p->fault_addr = (uint64_t)(uintptr_t)si.si_addr;
}

/*
 * Under the TUI the program leads a session of its own on ptinspect's pty
 * (tui/pty.c), so its process group is orphaned and the kernel discards a
 * SIGTSTP, SIGTTIN or SIGTTOU that takes its default action: Ctrl-Z typed
 * to it would do nothing. Run from a shell it would stop, so to a process
 * of that group (the session's first: not a job of a shell inside it) such
 * a signal goes as SIGSTOP, which the kernel never discards. Its parent's
 * wait then says SIGSTOP. A program that makes a session itself (setsid)
 * is orphaned natively too, and left alone. A vfork child not yet exec'd
 * gets its SIGSTOP at its exec instead (tracer_holds_vfork_parent).
 */
static bool
job_stop_discarded(const struct tracer *tr, pid_t tid, int sig)
{
	pid_t sid;

	if (sig != SIGTSTP && sig != SIGTTIN && sig != SIGTTOU)
		return false;
	sid = getsid(tid);
	return tr->job_session != 0 && sid == tr->job_session &&
	    getpgid(tid) == sid && tracer_signal_is_default(tid, sig);
}

/*
 * When the program, leading the session ptinspect's set-up made, exits,
 * the kernel hangs up its pty's foreground process group: a SIGHUP (from
 * the kernel, SI_KERNEL) that a program run from a shell never gets, the
 * shell leading its session. It is dropped, so what the program left
 * running (sh -c 'cmd &') lives on as it would natively.
 */
static bool
session_hangup(const struct tracer *tr, pid_t tid, int sig)
{
	const struct thread *o;
	siginfo_t si;

	if (sig != SIGHUP || tr->job_session == 0 ||
	    getsid(tid) != tr->job_session)
		return false;
	for (o = tr->root->threads; o != NULL; o = o->next)
		if (!o->exiting)
			return false;
	return ptrace(PTRACE_GETSIGINFO, tid, 0, &si) == 0 &&
	    si.si_code == SI_KERNEL;
}

static void
on_signal_stop(struct tracer *tr, struct thread *t, int sig)
{
	struct proc *p = t->proc;

	if (!redirect_signal_stop(t, &sig)) {
		handle_deferred(tr, t);
		return;
	}
	/* sig 0: held until the thread is out of the stub. */
	if (sig == 0 || session_hangup(tr, t->tid, sig) ||
	    tracer_keeper_swallows(p, sig)) {
		t->resume_sig = 0;
		tracer_hold_or_resume(tr, t);
		return;
	}
	t->resume_sig = sig;
	if (sig == SIGCONT)
		p->job_stop_after_exec = false;
	/*
	 * A stop signal that came while the thread was in a stub lane was
	 * held (redirect_signal_stop) and is delivered only now, at a later
	 * stop: a SIGCONT sent since cancels it, as it cancels a stop
	 * signal still pending natively. Sent on, it would stop the process
	 * after fg's SIGCONT, for good. (At a stop signal's own delivery
	 * stop the kernel cancels it itself: JOBCTL_STOP_DEQUEUED.) Not a
	 * caught one: natively its handler ran before the SIGCONT came.
	 */
	if (job_stop_signal(sig) && tracer_sigcont_pending(p->pid) &&
	    (sig == SIGSTOP || tracer_signal_is_default(t->tid, sig))) {
		t->resume_sig = 0;
		tracer_hold_or_resume(tr, t);
		return;
	}
	if (job_stop_discarded(tr, t->tid, sig)) {
		/* Stopped now, it would keep its parent from stopping. */
		p->job_stop_after_exec = tracer_holds_vfork_parent(tr, p);
		t->resume_sig = p->job_stop_after_exec ? 0 : SIGSTOP;
	}
	if (tracer_pause_chosen(&tr->opts, p, PAUSE_SIGNAL, 0) &&
	    tracer_signal_is_fatal(t->tid, sig)) {
		p->signal = sig;
		record_fault_addr(p, t->tid, sig);
		tracer_start_pause(p, t, PAUSE_SIGNAL);
		return;
	}
	tracer_hold_or_resume(tr, t);
}

static void
on_exit_group(struct tracer *tr, struct thread *t, int status)
{
	struct proc *p = t->proc;

	if (tracer_pause_chosen(&tr->opts, p, PAUSE_EXIT, status & 0xff)) {
		p->exit_code = status & 0xff;
		p->last_thread_exit = false;
		tracer_start_pause(p, t, PAUSE_EXIT);
		return;
	}
	tracer_hold_or_resume(tr, t);
}

/*
 * A wait status for t that was taken by a synchronous wait (an injected
 * syscall, a fork being run) but not handled: handle it now. True if there
 * was one (t may then be gone).
 */
static bool
handle_deferred(struct tracer *tr, struct thread *t)
{
	int status;

	if (!t->has_deferred)
		return false;
	t->has_deferred = false;
	t->stopped = false;
	status = t->deferred_status;
	handle_status(tr, t->tid, status);
	return true;
}

static void
restart_other_threads(struct tracer *tr, struct proc *p)
{
	struct thread *o, *next;

	for (o = p->threads; o != NULL; o = next) {
		next = o->next;
		if (!o->world_stopped)
			continue;
		o->world_stopped = false;
		if (!handle_deferred(tr, o))
			tracer_hold_or_resume(tr, o);
	}
}

/* The child no longer borrows: the parent goes on as after any fork. */
static void
end_borrow(struct tracer *tr, struct proc *cp)
{
	struct proc *p = task_find_proc(&tr->tasks, cp->lender);
	struct thread *t;

	cp->lender = 0;
	tr->borrows--;
	if (p == NULL || p->borrower != cp->pid)
		return;
	p->borrower = 0;
	t = proc_find_thread(p, p->held_tid);
	restart_other_threads(tr, p);
	if (t != NULL && !handle_deferred(tr, t) && t->stopped)
		tracer_hold_or_resume(tr, t);
}

/*
 * cp gets memory of its own and its parent goes: every thread of cp is
 * stopped (self is, at a stop being handled, at a seccomp stop if
 * at_entry; NULL: none) while the copy is made in one of them.
 */
static void
materialize(struct tracer *tr, struct proc *cp, struct thread *self,
    bool at_entry)
{
	struct proc *p = task_find_proc(&tr->tasks, cp->lender);
	struct thread *t;

	if (p == NULL) {
		end_borrow(tr, cp);
		return;
	}
	tracer_stop_other_threads(cp, self);
	for (t = self != NULL ? self : cp->threads; t != NULL &&
	    (!t->stopped || t->has_deferred || t->exiting); t = t->next)
		;
	if (t != NULL) {
		tracer_materialize_in(p, t, self != NULL && at_entry);
		end_borrow(tr, cp);
	} else {
		/* None where a call can run: at its next stop, then. */
		cp->borrow_deadline_ms = monotonic_ms() + BORROW_MAX_MS;
	}
	restart_other_threads(tr, cp);
}

/*
 * Borrowing children that sleep, or borrowed too long, are done; not one
 * in an uninterruptible wait ('D': a vfork waiting for its child, whose
 * first stop only this loop lets go), which cannot be stopped.
 */
static void
expire_borrows(struct tracer *tr)
{
	uint64_t now;
	struct proc *cp;
	char state;

	if (tr->borrows == 0)
		return;
	now = monotonic_ms();
	for (cp = tr->tasks.procs; cp != NULL; cp = cp->next) {
		if (cp->lender == 0 || cp->state == PROC_GONE ||
		    now < cp->borrow_deadline_ms)
			continue;
		state = tracer_proc_state_letter(cp->pid);
		if (state == 'D' || (state == 'R' &&
		    now < cp->borrow_start_ms + BORROW_MAX_MS))
			cp->borrow_deadline_ms = now + BORROW_CHECK_MS;
		else
			materialize(tr, cp, NULL, false);
	}
}

/* Before anything lets p's held threads go: its borrower stops borrowing. */
static void
end_lending(struct tracer *tr, struct proc *p)
{
	struct proc *cp;

	if (p->borrower == 0)
		return;
	cp = task_find_proc(&tr->tasks, p->borrower);
	/* Not in a vfork's wait, which cannot be stopped (expire_borrows). */
	if (cp != NULL && cp->lender == p->pid &&
	    tracer_proc_state_letter(cp->pid) != 'D')
		materialize(tr, cp, NULL, false);
	/* Gone or not materialized: the parent goes all the same. */
	if (p->borrower != 0 && cp != NULL && cp->lender == p->pid)
		end_borrow(tr, cp);
	p->borrower = 0;
}

/*
 * A stop of a borrowing child that needs memory of its own: it gets it
 * now. True when the stop is over: the thread died meanwhile, or it was
 * a seccomp or signal-delivery-stop, which the copy ends.
 * A seccomp stop's syscall runs again (materialize_in), to stop anew
 * with the borrow over; so does a signal-delivery-stop's signal, which
 * the copy passes: a fault by re-running the instruction, others sent
 * anew.
 */
static bool
stop_ends_borrow(struct tracer *tr, struct thread *t, int event, int sig)
{
	bool refire = event == 0 && sig != (SIGTRAP | 0x80);
	siginfo_t si;

	if (refire && ptrace(PTRACE_GETSIGINFO, t->tid, 0, &si) != 0)
		si.si_code = 0;
	materialize(tr, t->proc, t, event == PTRACE_EVENT_SECCOMP);
	if (handle_deferred(tr, t))
		return true;
	if (event != PTRACE_EVENT_SECCOMP && !refire)
		return false;
	if (refire && (si.si_code <= 0 || (sig != SIGSEGV && sig != SIGBUS &&
	    sig != SIGFPE && sig != SIGILL && sig != SIGTRAP)))
		syscall(SYS_tgkill, t->proc->pid, t->tid, sig);
	if (refire)
		t->resume_sig = 0;
	tracer_resume_thread(tr, t);
	return true;
}

static void
on_fork_stop(struct tracer *tr, struct thread *t)
{
	struct proc *p = t->proc;
	struct thread *c;
	int status;
	pid_t child;

	if (!redirect_fork_needs_copy(p) || tracer_clone3_shares_vm(t)) {
		if (!handle_deferred(tr, t))
			tracer_hold_or_resume(tr, t);
		return;
	}
	tracer_stop_other_threads(p, t);
	child = tracer_run_fork(t);
	if (child > 0) {
		while (waitpid(child, &status, __WALL) < 0 && errno == EINTR)
			;
		if (WIFSTOPPED(status)) {
			c = task_find_thread(&tr->tasks, child);
			if (c == NULL)
				c = tracer_adopt_task(tr, child, t->tid, false);
			c->stopped = true;
			tracer_untraced_child(t, c);
			if (!t->has_deferred && redirect_child_borrow(p, c)) {
				/* p stays held until the borrow ends. */
				if (t->stopped)
					tracer_restore_clone_flags(t);
				tracer_lend(tr, p, t, c);
				if (!handle_deferred(tr, c))
					tracer_hold_or_resume(tr, c);
				return;
			}
			redirect_child(p, c);
			if (!handle_deferred(tr, c))
				tracer_hold_or_resume(tr, c);
		} else {
			handle_status(tr, child, status);
		}
	}
	restart_other_threads(tr, p);
	if (t->stopped)		/* at its syscall-exit or vfork stop */
		tracer_restore_clone_flags(t);
	if (!handle_deferred(tr, t) && t->stopped)
		tracer_hold_or_resume(tr, t);
}

/*
 * clone(CLONE_UNTRACED): the child keeps the seccomp filter, so it must
 * keep a tracer too. The flag is taken out of the call and the child is
 * followed like any other. rdi gets the program's flags back where the
 * program could see it: the caller's at the call's syscall-exit stop
 * (it is resumed with PTRACE_SYSCALL until then), whether the call made
 * a child or failed, and the child's, a copy of the caller's rewritten
 * one, at its first stop. A child that wants to ptrace its siblings
 * (LeakSanitizer's stop-the-world task) finds them traced, as under gdb
 * or strace, and says so.
 */
static void
on_untraced_clone(struct tracer *tr, struct thread *t)
{
	struct user_regs_struct regs;
	unsigned long long flags;

	if (thread_get_regs(t, &regs, NULL) != 0 ||
	    regs.orig_rax != SYS_clone || !(regs.rdi & CLONE_UNTRACED)) {
		tracer_hold_or_resume(tr, t);
		return;
	}
	flags = regs.rdi;
	regs.rdi &= ~(unsigned long long)CLONE_UNTRACED;
	if (thread_set_regs(t, &regs, NULL) != 0) {
		tracer_hold_or_resume(tr, t);
		return;
	}
	t->restore_clone_flags = true;
	t->clone_flags = flags;
	if (flags & CLONE_VM)
		tracer_hold_or_resume(tr, t);
	else
		on_fork_stop(tr, t);
}

/*
 * redirect_make_private with t's process's other threads stopped, so that
 * none writes while its pages are copied: true when t's stop turned out
 * to be something else, now handled (handle_deferred).
 */
static bool
make_private_others_stopped(struct tracer *tr, struct thread *t)
{
	tracer_stop_other_threads(t->proc, t);
	redirect_make_private(t);
	restart_other_threads(tr, t->proc);
	return handle_deferred(tr, t);
}

static void
on_seccomp_stop(struct tracer *tr, struct thread *t)
{
	unsigned long rule;
	struct user_regs_struct regs;
	bool taken;

	/* A process being paused runs nothing more of its own. */
	if (tracer_proc_holding(t->proc)) {
		tracer_check_paused(t->proc);
		return;
	}
	redirect_sync(t->proc);
	rule = tracer_stop_rule(tr, t);
	if (thread_get_regs(t, &regs, NULL) == 0 &&
	    !tracer_rule_covers(rule, regs.orig_rax)) {
		tracer_refuse_foreign_trace(tr, t, &regs);
		return;
	}
	if (rule < RULE_COUNT)
		t->proc->stops[rule]++;
	/* Its data limit is finite now: the call again, watched. */
	if (redirect_watch_writes(t, (int)rule)) {
		if (!handle_deferred(tr, t))
			tracer_hold_or_resume(tr, t);
		return;
	}
	switch (rule) {
	case RULE_EXIT_GROUP:
		if (thread_get_regs(t, &regs, NULL) == 0) {
			on_exit_group(tr, t, (int)regs.rdi);
			return;
		}
		break;
	case RULE_FORK:
		on_fork_stop(tr, t);
		return;
	case RULE_UNTRACED:
		on_untraced_clone(tr, t);
		return;
	case RULE_MPROTECT:
		if (redirect_mprotect_refused(t)) {
			if (handle_deferred(tr, t))
				return;
			break;
		}
		if (redirect_mprotect_needs_copy(t) &&
		    make_private_others_stopped(tr, t))
			return;
		break;
	case RULE_MSEAL:
		if (redirect_mseal_needs_copy(t) &&
		    make_private_others_stopped(tr, t))
			return;
		break;
	case RULE_MUNMAP:
		if (thread_get_regs(t, &regs, NULL) == 0) {
			/*
			 * The stub's lane, or the munmap run here (a hole),
			 * before t runs on.
			 */
			taken = redirect_munmap_by_stub(t, &regs) ||
			    redirect_munmap_hole(t, &regs);
			if (handle_deferred(tr, t))
				return;
			tracer_hold_or_resume(tr, t);
			if (!taken &&
			    redirect_munmap(t->proc, regs.rdi, regs.rsi) &&
			    tr->punch_due_ms == 0)
				tr->punch_due_ms = monotonic_ms() +
				    REDIRECT_PUNCH_DELAY_MS;
			return;
		}
		break;
	default:
		redirect_syscall(t, (int)rule);
		if (handle_deferred(tr, t))
			return;
		break;
	}
	tracer_hold_or_resume(tr, t);
}

/* PTRACE_SYSCALL fallback: syscall-entry and -exit stops. */
static void
on_syscall_stop(struct tracer *tr, struct thread *t)
{
	/* Zeroed: valgrind does not know the kernel fills it. */
	struct __ptrace_syscall_info info = { 0 };

	if (ptrace(PTRACE_GET_SYSCALL_INFO, t->tid, sizeof(info), &info) > 0 &&
	    info.op == PTRACE_SYSCALL_INFO_ENTRY &&
	    info.entry.nr == __NR_exit_group) {
		on_exit_group(tr, t, (int)info.entry.args[0]);
		return;
	}
	if (info.op == PTRACE_SYSCALL_INFO_EXIT)
		tracer_restore_clone_flags(t);
	tracer_hold_or_resume(tr, t);
}

/* Is t the last thread of its process that has not started exiting? */
static bool
last_live_thread(const struct thread *t)
{
	const struct thread *o;

	for (o = t->proc->threads; o != NULL; o = o->next)
		if (o != t && !o->exiting)
			return false;
	return true;
}

static void
on_exit_event(struct tracer *tr, struct thread *t)
{
	struct proc *p = t->proc;
	unsigned long status = 0;

	t->exiting = true;
	if (tracer_should_pause(p) && last_live_thread(t)) {
		ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &status);
		if (!tracer_pause_chosen(&tr->opts, p,
		    WIFSIGNALED((int)status) ? PAUSE_SIGNAL : PAUSE_EXIT,
		    WEXITSTATUS((int)status))) {
			tracer_hold_or_resume(tr, t);
			return;
		}
		if (WIFSIGNALED((int)status)) {
			p->signal = WTERMSIG((int)status);
			p->has_fault_addr = false;
			tracer_start_pause(p, t, PAUSE_SIGNAL);
		} else {
			p->exit_code = WEXITSTATUS((int)status);
			p->last_thread_exit = true;
			tracer_start_pause(p, t, PAUSE_EXIT);
		}
		return;
	}
	tracer_hold_or_resume(tr, t);
}

static void
on_new_task_event(struct tracer *tr, struct thread *t, int event)
{
	unsigned long msg = 0;
	struct thread *c = NULL;
	pid_t child;

	ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &msg);
	child = (pid_t)msg;
	if (child > 0 && (c = task_find_thread(&tr->tasks, child)) == NULL) {
		c = tracer_adopt_task(tr, child, t->tid,
		    event == PTRACE_EVENT_CLONE &&
		    proc_status_number(child, "\nTgid:") == t->proc->pid);
		tracer_untraced_child(t, c);
	}
	/* Its creator's filters (a child seen first took its PPid's). */
	if (c != NULL && t->proc->own_filter)
		c->proc->own_filter = true;
	if (c != NULL && event == PTRACE_EVENT_VFORK)
		c->proc->vfork_parent_waits = true;
	tracer_hold_or_resume(tr, t);
}

/*
 * exec replaces the address space; when a non-leader thread execs, it
 * takes over the leader's tid and every other thread is gone.
 */
/*
 * A set-user-ID or set-group-ID program that ptinspect traces without
 * privilege runs with the user's own IDs (ptrace, and no_new_privs set by
 * the child, suppress the change): say so once, since it may then fail
 * in ways it never would natively.
 */
static void
warn_unprivileged_setid(const struct proc *p)
{
	static bool warned;
	char path[64];
	struct stat st;
	bool setuid_other, setgid_other;

	if (warned || geteuid() == 0)
		return;
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)p->pid);
	if (stat(path, &st) != 0)
		return;
	setuid_other = (st.st_mode & S_ISUID) && st.st_uid != geteuid();
	setgid_other = (st.st_mode & S_ISGID) && (st.st_mode & S_IXGRP) &&
	    st.st_gid != getegid();
	if (!setuid_other && !setgid_other)
		return;
	warned = true;
	warnx_msg("%s is set-%s-ID: under ptrace it runs with your "
	    "privileges, not its owner's", p->comm,
	    setuid_other ? "user" : "group");
}

static void
on_exec_event(struct tracer *tr, struct thread *t)
{
	struct proc *p = t->proc;
	struct thread *o, *next;
	unsigned long former = 0;

	ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &former);
	for (o = p->threads; o != NULL; o = next) {
		next = o->next;
		if (o != t)
			task_thread_delete(&tr->tasks, o);
	}
	if (t->tid != p->pid) {
		task_thread_set_tid(&tr->tasks, t, p->pid);
	}
	p->execed = true;
	p->vfork_parent_waits = false;
	if (p->job_stop_after_exec) {
		p->job_stop_after_exec = false;
		/*
		 * A SIGCONT since (fg, ptinspect stopped while this exec
		 * waited) cancels it, as it cancels a stop signal still
		 * pending natively: sent after it, the SIGSTOP would discard
		 * that SIGCONT and stop the child for good.
		 */
		if (!tracer_sigcont_pending(p->pid))
			kill(p->pid, SIGSTOP);
	}
	if (p->lender != 0)
		end_borrow(tr, p);
	task_forget(p);
	proc_read_comm(p);
	warn_unprivileged_setid(p);
	if (tracer_pause_chosen(&tr->opts, p, PAUSE_EXEC, 0)) {
		tracer_start_pause(p, t, PAUSE_EXEC);
		return;
	}
	tracer_hold_or_resume(tr, t);
}

static bool
job_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
	    sig == SIGTTOU;
}

static void
on_stop_event(struct tracer *tr, struct thread *t, int sig)
{
	tracer_restore_clone_flags(t);	/* a new task's first stop */
	/* Job control: leave the group-stop alone, without holding it. */
	if (job_stop_signal(sig)) {
		if (tracer_keeper_holds(tr, t))
			return;
		t->in_group_stop = true;
		tracer_hold_or_resume(tr, t);
		return;
	}
	/* PTRACE_INTERRUPT, or a new task's first stop. */
	tracer_hold_or_resume(tr, t);
}

static void
on_death(struct tracer *tr, pid_t tid, int status)
{
	struct thread *t = task_find_thread(&tr->tasks, tid);
	struct proc *p;

	if (t == NULL)
		return;
	p = t->proc;
	task_thread_delete(&tr->tasks, t);
	if (tid == p->pid) {
		struct thread *o, *next;

		/* The leader is reported last: the whole group is gone. */
		for (o = p->threads; o != NULL; o = next) {
			next = o->next;
			task_thread_delete(&tr->tasks, o);
		}
		/* Its memfd goes with it: the borrower copies it first. */
		end_lending(tr, p);
		if (p->lender != 0)
			end_borrow(tr, p);
		p->wait_status = status;
		p->state = PROC_GONE;
		task_forget(p);
	} else {
		tracer_check_paused(p);
	}
}

static void
handle_status(struct tracer *tr, pid_t tid, int status)
{
	struct thread *t;
	int sig, event;

	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		on_death(tr, tid, status);
		return;
	}
	if (!WIFSTOPPED(status))
		return;
	t = task_find_thread(&tr->tasks, tid);
	if (t == NULL) {
		t = tracer_adopt_task(tr, tid, 0, false);
		tracer_untraced_child(tracer_untraced_caller(tr, t), t);
	}
	t->stopped = true;
	t->regs_valid = false;
	sig = WSTOPSIG(status);
	event = (unsigned)status >> 16;
	t->proc->job_stopped = event == PTRACE_EVENT_STOP &&
	    job_stop_signal(sig);
	if (t->proc->lender != 0 &&
	    !tracer_borrow_survives(tr, t, event, sig) &&
	    stop_ends_borrow(tr, t, event, sig))
		return;

	switch (event) {
	case PTRACE_EVENT_SECCOMP:
		on_seccomp_stop(tr, t);
		break;
	case PTRACE_EVENT_STOP:
		on_stop_event(tr, t, sig);
		break;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		on_new_task_event(tr, t, event);
		break;
	case PTRACE_EVENT_EXEC:
		on_exec_event(tr, t);
		break;
	case PTRACE_EVENT_EXIT:
		on_exit_event(tr, t);
		break;
	case 0:
		if (sig == (SIGTRAP | 0x80))
			on_syscall_stop(tr, t);
		else
			on_signal_stop(tr, t, sig);
		break;
	default:
		tracer_hold_or_resume(tr, t);
		break;
	}
}

/* ---------------------------------------------------------------------
 * The event loop
 * ------------------------------------------------------------------- */

/*
 * The punches munmaps left (redirect_munmap), once due: by then the
 * munmaps have run, unless a process's next stop did them first.
 */
static void
punch_when_due(struct tracer *tr)
{
	struct proc *p;

	if (tr->punch_due_ms == 0 || monotonic_ms() < tr->punch_due_ms)
		return;
	tr->punch_due_ms = 0;
	for (p = tr->tasks.procs; p != NULL; p = p->next)
		redirect_punch_pending(p);
}

/* Milliseconds until punch_when_due has work, or -1. */
static int
punch_due_in_ms(const struct tracer *tr)
{
	uint64_t now = monotonic_ms();

	if (tr->punch_due_ms == 0)
		return -1;
	return tr->punch_due_ms <= now ? 0 : (int)(tr->punch_due_ms - now);
}

/* In how many ms the first of a borrow's check and the punches is due. */
static int
next_due_ms(struct tracer *tr)
{
	int due_ms = tracer_next_borrow_ms(tr), punch_ms = punch_due_in_ms(tr);

	if (punch_ms >= 0 && (due_ms < 0 || punch_ms < due_ms))
		due_ms = punch_ms;
	return due_ms;
}

/*
 * Handles every pending wait status; -1 when no tracee is left. The
 * signalfd is read first, so that a SIGCHLD of a status that comes after
 * the last waitpid wakes the poll that follows: one read, as SIGCHLD, a
 * standard signal, is pending once at most.
 */
static int
drain_events(struct tracer *tr)
{
	struct signalfd_siginfo info;
	int status, handled = 0;
	pid_t tid;

	if (read(tr->sigchld_fd, &info, sizeof(info)) < 0 && errno != EAGAIN &&
	    errno != EINTR)
		fatal("reading SIGCHLD's signalfd");
	for (;;) {
		tid = waitpid(-1, &status, __WALL | WNOHANG);
		if (tid > 0) {
			handle_status(tr, tid, status);
			handled++;
			continue;
		}
		if (tid < 0 && errno == EINTR)
			continue;
		if (tid < 0 && errno == ECHILD && handled == 0)
			return -1;
		return handled;
	}
}

/*
 * Blocks in waitpid for the next event: cheaper than poll + signalfd.
 * It sleeps at once. Polling for 50 us first, during a burst of stops,
 * was meant to spare a wake-up of each side per stop, but on 2 CPUs the
 * tracer's polling competes with its tracees: measured against sleeping
 * (docs/BENCHMARKS.md, "Per-process cost"), it lost wall time on an mmap
 * loop (3.76 s against 3.18 s) and cost 1.6x the CPU there, up to 25
 * points of native CPU time on the real workloads (git), and won on none
 * by more than 1.
 */
static int
wait_event(struct tracer *tr)
{
	int status;
	pid_t tid;

	for (;;) {
		tid = waitpid(-1, &status, __WALL);
		if (tid > 0) {
			handle_status(tr, tid, status);
			return 1;
		}
		if (errno != EINTR)
			return -1;
	}
}

/*
 * Every process ptinspect traces has its seccomp filter, which needs a
 * tracer (without one, the calls it stops fail with ENOSYS): a descendant
 * that outlives the program cannot be let go, so ptinspect waits for it
 * where it does not hand it to a keeper (tracer-keeper.c). Said once, when
 * one still runs half a second after the program ended (tracer_poll, or
 * the TUI's relay), or when the hand-over could not be.
 */
void
tracer_say_waiting(struct tracer *tr)
{
	struct proc *p, *first = NULL;
	int n = 0;

	if (tr->said_waiting)
		return;
	tr->said_waiting = true;
	for (p = tr->tasks.procs; p != NULL; p = p->next)
		if (p->state != PROC_GONE && n++ == 0)
			first = p;
	if (first == NULL)
		return;
	proc_read_comm(first);
	warnx_msg("pid %d has ended; waiting for %d process%s it left running "
	    "(pid %d, %s%s): each has ptinspect's seccomp filter and needs "
	    "ptinspect as its tracer (killing ptinspect kills them)",
	    (int)tr->root->pid, n, n == 1 ? "" : "es", (int)first->pid,
	    first->comm, n == 1 ? "" : ", ...");
}

int
tracer_poll(struct tracer *tr, int timeout_ms)
{
	struct pollfd pfd = { .fd = tr->sigchld_fd, .events = POLLIN };
	long deadline = timeout_ms < 0 ? -1 : (long)monotonic_ms() + timeout_ms;
	int n, wait_ms, due_ms;

	if (tr->handed_over)
		return -1;
	if (timeout_ms < 0 && !tr->said_waiting &&
	    tr->root->state == PROC_GONE) {
		if (tr->root_gone_ms == 0)
			tr->root_gone_ms = monotonic_ms();
		wait_ms = (int)((int64_t)tr->root_gone_ms - (int64_t)
		    monotonic_ms() + (tr->opts.keeper ? KEEPER_GRACE_MS :
		    500));
		if (wait_ms > 0 && (n = tracer_poll(tr, wait_ms)) != 0)
			return n;
		if (tr->opts.keeper && tracer_hand_over(tr, -1))
			return -1;
		tracer_say_waiting(tr);
	}
	for (;;) {
		due_ms = next_due_ms(tr);
		/*
		 * Nothing due and no deadline: straight to sleep in waitpid,
		 * one system call an event, where draining first took four
		 * (the signalfd's two reads and a waitpid that found none):
		 * the signalfd matters only to a poll, whose drain reads it.
		 */
		n = timeout_ms < 0 && due_ms < 0 ? wait_event(tr) :
		    drain_events(tr);
		expire_borrows(tr);
		punch_when_due(tr);
		if (n != 0 || timeout_ms == 0)
			return n;
		due_ms = next_due_ms(tr);
		wait_ms = timeout_ms < 0 ? due_ms :
		    (int)(deadline - (long)monotonic_ms());
		if (timeout_ms >= 0 && wait_ms <= 0)
			return 0;
		if (due_ms >= 0 && due_ms < wait_ms)
			wait_ms = due_ms;
		if (poll(&pfd, 1, wait_ms) < 0 && errno != EINTR)
			fatal("poll");
	}
}

/*
 * Stepped between events; the keeper itself traces them here until they
 * are gone, and exits.
 */
bool
tracer_hand_over(struct tracer *tr, int drop_fd)
{
	enum keeper_step step;

	tr->keeper_drop_fd = drop_fd;

	while ((step = tracer_keeper_step(tr)) == KEEPER_WAIT)
		if (tracer_poll(tr, 10) < 0)
			return false;
	if (step == KEEPER_CHILD) {
		tracer_finish(tr);
		_exit(0);
	}
	return step == KEEPER_DONE;
}

int
tracer_finish(struct tracer *tr)
{
	struct proc *p;
	int status;

	for (;;) {
		while ((p = tracer_next_paused(tr)) != NULL)
			tracer_continue(tr, p, NULL);
		if (tracer_poll(tr, -1) < 0)
			break;
	}
	status = tr->root->wait_status;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

void
tracer_destroy(struct tracer *tr)
{
	struct proc *p;

	if (tr == NULL)
		return;
	for (p = tr->tasks.procs; p != NULL; p = p->next)
		if (p->state != PROC_GONE)
			kill(p->pid, SIGKILL);
	for (p = tr->tasks.procs; p != NULL; p = p->next)
		task_forget(p);
	task_table_free(&tr->tasks);
	seccomp_program_free(tr->filter);
	if (tr->sigchld_fd >= 0)
		close(tr->sigchld_fd);
	sigaction(SIGINT, &tr->saved_sigint, NULL);
	sigaction(SIGQUIT, &tr->saved_sigquit, NULL);
	sigprocmask(SIG_SETMASK, &tr->saved_mask, NULL);
	free(tr);
}
