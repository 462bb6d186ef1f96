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

struct tracer {
	struct tracer_opts opts;
	bool use_seccomp;
	struct task_table tasks;
	struct proc *root;
	int sigchld_fd;
	sigset_t saved_mask;
	struct sigaction saved_sigint;
	struct sigaction saved_sigquit;
	bool in_burst;		/* the last event came within BURST_US */
	int borrows;		/* fork children borrowing (see below) */
	bool said_waiting;	/* tracer_say_waiting has been said */
	pid_t job_session;	/* the session the child set-up made, or 0 */
};

/*
 * How long a blocking wait polls before it sleeps, and how soon after the
 * wait began an event must come for the next wait to poll (wait_event).
 */
#define SPIN_US 50
#define BURST_US 200

/*
 * How a fork child borrowing its parent's memory (redirect-fork.c) is
 * watched while the parent is held: every BORROW_CHECK_MS, a child that
 * sleeps (it may be waiting on its parent) gets memory of its own, and
 * so does any child after BORROW_MAX_MS (it may spin on its parent).
 */
#define BORROW_CHECK_MS 5
#define BORROW_MAX_MS 200

static void handle_status(struct tracer *tr, pid_t tid, int status);
static void resume_thread(struct tracer *tr, struct thread *t);
static void check_paused(struct proc *p);
static void end_lending(struct tracer *tr, struct proc *p);
static void restore_clone_flags(struct thread *t);
static void untraced_child(const struct thread *caller, struct thread *c);

/* ---------------------------------------------------------------------
 * Processes and threads (task.c keeps them)
 * ------------------------------------------------------------------- */

/* A new process, with what the tracer's options say of it. */
static struct proc *
proc_new(struct tracer *tr, pid_t pid, pid_t parent_pid)
{
	struct proc *p = task_proc_new(&tr->tasks, pid, parent_pid);

	/* Children run the user's program too (they fork from it). */
	p->execed = true;
	p->pause_wanted = tr->opts.pause_on_exit && tr->opts.follow_forks;
	proc_read_comm(p);
	return p;
}

/* A "Key:" number of /proc/TID/status (Tgid, PPid); 0 if unknown. */
static pid_t
read_status_pid(pid_t tid, const char *key)
{
	char path[64], *s, *line;
	pid_t v = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	s = read_file_str(path, NULL);
	if (s == NULL)
		return 0;
	line = strstr(s, key);
	if (line != NULL)
		v = (pid_t)strtol(line + strlen(key), NULL, 10);
	free(s);
	return v;
}

/*
 * A task we have not seen yet: a new thread or process whose first stop
 * overtook its parent's clone/fork event, or one announced by that event.
 */
static struct thread *
adopt_task(struct tracer *tr, pid_t tid, pid_t parent_tid, bool is_thread)
{
	struct thread *parent = task_find_thread(&tr->tasks, parent_tid);
	struct proc *p;
	pid_t tgid;

	if (parent_tid == 0) {
		tgid = read_status_pid(tid, "\nTgid:");
		is_thread = tgid != 0 && tgid != tid;
	} else {
		tgid = is_thread && parent != NULL ? parent->proc->pid : tid;
	}
	if (is_thread) {
		p = tracer_find_proc(tr, tgid);
		if (p == NULL)
			p = proc_new(tr, tgid, 0);
	} else {
		/* Its first stop overtook the fork event: /proc knows. */
		p = proc_new(tr, tid, parent != NULL ? parent->proc->pid :
		    read_status_pid(tid, "\nPPid:"));
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
 * Spawning
 * ------------------------------------------------------------------- */

static const long seize_options = PTRACE_O_TRACESYSGOOD |
    PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK |
    PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT |
    PTRACE_O_EXITKILL;

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
	struct sigaction ignore = { .sa_handler = SIG_IGN };
	sigset_t chld;
	ssize_t n;
	pid_t pid;

	tr->opts = *opts;
	if (tr->opts.pause_on == 0)
		tr->opts.pause_on = PAUSE_ON_EXIT;
	tr->sigchld_fd = -1;
	reserved_fd = opts->no_redirect ? -1 : redirect_reserved_fd();
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
		    &tr->saved_mask, reserved_fd);
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

	if (ptrace(PTRACE_SEIZE, pid, 0, seize_options) != 0) {
		warn_msg("ptrace(PTRACE_SEIZE, %d)", (int)pid);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		*exit_code = 125;
		tracer_destroy(tr);
		return NULL;
	}
	tr->root = proc_new(tr, pid, 0);
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
 * Resuming and pausing
 * ------------------------------------------------------------------- */

static void
resume_thread(struct tracer *tr, struct thread *t)
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

static bool
proc_holding(const struct proc *p)
{
	return p->state == PROC_PAUSING || p->state == PROC_PAUSED;
}

/* Holds the thread if its process is being paused, else resumes it. */
static void
hold_or_resume(struct tracer *tr, struct thread *t)
{
	if (proc_holding(t->proc))
		check_paused(t->proc);
	else
		resume_thread(tr, t);
}

static void
check_paused(struct proc *p)
{
	struct thread *t;

	if (p->state != PROC_PAUSING)
		return;
	for (t = p->threads; t != NULL; t = t->next)
		if (!t->stopped && !t->exiting)
			return;
	p->state = PROC_PAUSED;
	proc_read_comm(p);
}

static void
start_pause(struct proc *p, struct thread *trigger, enum pause_reason reason)
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
	check_paused(p);
}

struct proc *
tracer_next_paused(struct tracer *tr)
{
	struct proc *p;

	for (p = tr->tasks.procs; p != NULL; p = p->next) {
		if (p->state == PROC_PAUSED && !p->pause_reported) {
			p->pause_reported = true;
			return p;
		}
	}
	return NULL;
}

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
		resume_thread(tr, t);
	return 0;
}

int
tracer_pause(struct tracer *tr, struct proc *p, enum pause_reason why,
    char **errp)
{
	(void)tr;
	if (p->state != PROC_RUNNING || !p->execed || p->threads == NULL)
		return set_error(errp, "process %d is not running",
		    (int)p->pid);
	start_pause(p, proc_main_thread(p), why);
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
		resume_thread(tr, t);
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
 * is orphaned natively too, and left alone.
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

	if (session_hangup(tr, t->tid, sig)) {
		t->resume_sig = 0;
		hold_or_resume(tr, t);
		return;
	}
	t->resume_sig = job_stop_discarded(tr, t->tid, sig) ? SIGSTOP : sig;
	if (tracer_pause_chosen(&tr->opts, p, PAUSE_SIGNAL, 0) &&
	    tracer_signal_is_fatal(t->tid, sig)) {
		p->signal = sig;
		record_fault_addr(p, t->tid, sig);
		start_pause(p, t, PAUSE_SIGNAL);
		return;
	}
	hold_or_resume(tr, t);
}

static void
on_exit_group(struct tracer *tr, struct thread *t, int status)
{
	struct proc *p = t->proc;

	if (tracer_pause_chosen(&tr->opts, p, PAUSE_EXIT, status & 0xff)) {
		p->exit_code = status & 0xff;
		p->last_thread_exit = false;
		start_pause(p, t, PAUSE_EXIT);
		return;
	}
	hold_or_resume(tr, t);
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

/*
 * A fork of a process with redirected memory: the child would share the
 * parent's memfd pages, so it must get its own copy before it runs, and
 * the parent's other threads must not write while the copy is taken. The
 * other threads are stopped, the fork is run to its exit stop, the child
 * is set up at its first stop, then everyone goes on. Stops the other
 * threads make meanwhile are kept and handled afterwards.
 */
static void
stop_other_threads(struct proc *p, struct thread *self)
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
			hold_or_resume(tr, o);
	}
}

/*
 * Runs t's fork to its syscall-exit stop; the child's pid, or 0. A vfork
 * (clone with CLONE_VFORK but not CLONE_VM) stops at its event instead:
 * the caller waits there until the child, stopped for its copy, is gone.
 */
static pid_t
run_fork(struct thread *t)
{
	struct __ptrace_syscall_info info;
	unsigned long msg;
	pid_t child = 0;
	int status, event;

	for (;;) {
		t->stopped = false;
		t->regs_valid = false;
		if (ptrace(PTRACE_SYSCALL, t->tid, 0, 0) != 0)
			return child;
		while (waitpid(t->tid, &status, __WALL) < 0 && errno == EINTR)
			;
		if (!WIFSTOPPED(status) ||
		    (status >> 16) == PTRACE_EVENT_EXIT) {
			t->has_deferred = true;
			t->deferred_status = status;
			return child;
		}
		t->stopped = true;
		event = status >> 16;
		if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK ||
		    event == PTRACE_EVENT_CLONE) {
			if (ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &msg) == 0)
				child = (pid_t)msg;
			if (event == PTRACE_EVENT_VFORK)
				return child;
		} else if (WSTOPSIG(status) == (SIGTRAP | 0x80) &&
		    ptrace(PTRACE_GET_SYSCALL_INFO, t->tid, sizeof(info),
		    &info) > 0 && info.op == PTRACE_SYSCALL_INFO_EXIT) {
			return child;
		} else if (event == 0 && WSTOPSIG(status) != (SIGTRAP | 0x80)) {
			t->resume_sig = WSTOPSIG(status);
		}
	}
}

/* clone3 with CLONE_VM makes a thread or a vfork: nothing to copy. */
static bool
clone3_shares_vm(struct thread *t)
{
	struct user_regs_struct regs;
	uint64_t flags = 0;
	struct iovec local = { &flags, sizeof(flags) }, remote;

	if (thread_get_regs(t, &regs, NULL) != 0 || regs.orig_rax != SYS_clone3)
		return false;
	remote = (struct iovec){ (void *)(uintptr_t)regs.rdi, sizeof(flags) };
	if (process_vm_readv(t->tid, &local, 1, &remote, 1, 0) !=
	    (ssize_t)sizeof(flags))
		return false;
	return flags & CLONE_VM;
}

/*
 * Borrowing. A fork child of a process with redirected memory starts out
 * mapping its parent's memfd copy-on-write (redirect_child_borrow), and
 * the parent stays held, every thread, so that memfd does not change
 * under the child. It ends (end_borrow lets the parent go) when the
 * child execs or dies, or when the child must have memory of its own
 * (materialize): at any stop of it that is not one of those (the stops
 * where it could change its mappings, pause, or that ptinspect could
 * show), after BORROW_MS, or before the parent is let go by anything
 * else (death, continue, kill).
 */
static void
lend(struct tracer *tr, struct proc *p, struct thread *t, struct thread *c)
{
	struct proc *cp = c->proc;
	struct user_regs_struct regs;

	if (thread_get_regs(c, &regs, NULL) == 0)
		cp->borrow_rip = regs.rip;
	cp->lender = p->pid;
	cp->borrow_start_ms = monotonic_ms();
	cp->borrow_deadline_ms = cp->borrow_start_ms + BORROW_CHECK_MS;
	p->borrower = cp->pid;
	p->held_tid = t->tid;
	tr->borrows++;
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
		hold_or_resume(tr, t);
}

/*
 * An interrupted syscall that the kernel would restart, had no signal
 * handler run: what the kernel does, since nothing will do it once the
 * thread has left the stop it was interrupted at.
 */
static void
restart_interrupted(struct user_regs_struct *regs)
{
	long rax = (long)regs->rax;

	if ((long long)regs->orig_rax < 0 || rax < -516 || rax > -512 ||
	    rax == -514)
		return;
	regs->rax = rax == -516 ? SYS_restart_syscall : regs->orig_rax;
	regs->rip -= 2;
}

/*
 * The copy, in t, stopped at a seccomp stop (at_entry) or anywhere else:
 * then the injected calls run from the syscall instruction the child
 * forked with. t's registers are put back after; a syscall it was
 * stopped at the entry of is set to run again (rip back on its syscall
 * instruction), as the copy has ended that stop.
 */
static void
materialize_in(struct proc *p, struct thread *t, bool at_entry)
{
	struct user_regs_struct saved, regs;

	if (thread_get_regs(t, &saved, NULL) != 0)
		return;
	regs = saved;
	regs.rip = t->proc->borrow_rip;
	if (!at_entry && thread_set_regs(t, &regs, NULL) != 0)
		return;
	redirect_child_materialize(p, t, at_entry);
	if (at_entry) {
		saved.rax = saved.orig_rax;
		saved.rip -= 2;
	} else {
		restart_interrupted(&saved);
	}
	if (!t->has_deferred)
		thread_set_regs(t, &saved, NULL);
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
	stop_other_threads(cp, self);
	for (t = self != NULL ? self : cp->threads; t != NULL &&
	    (!t->stopped || t->has_deferred || t->exiting); t = t->next)
		;
	if (t != NULL) {
		materialize_in(p, t, self != NULL && at_entry);
		end_borrow(tr, cp);
	} else {
		/* None where a call can run: at its next stop, then. */
		cp->borrow_deadline_ms = monotonic_ms() + BORROW_MAX_MS;
	}
	restart_other_threads(tr, cp);
}

/* The process's state letter in /proc/PID/stat ('R', 'S', 'D', ...). */
static char
proc_state_letter(pid_t pid)
{
	char path[64], *s, *paren, state = '?';

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	s = read_file_str(path, NULL);
	if (s == NULL)
		return state;
	paren = strrchr(s, ')');
	if (paren != NULL && paren[1] == ' ')
		state = paren[2];
	free(s);
	return state;
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
		state = proc_state_letter(cp->pid);
		if (state == 'D' || (state == 'R' &&
		    now < cp->borrow_start_ms + BORROW_MAX_MS))
			cp->borrow_deadline_ms = now + BORROW_CHECK_MS;
		else
			materialize(tr, cp, NULL, false);
	}
}

/* Milliseconds until the first borrow ends, or -1 for none. */
static int
next_borrow_ms(struct tracer *tr)
{
	uint64_t now = monotonic_ms(), first = UINT64_MAX;
	struct proc *cp;

	if (tr->borrows == 0)
		return -1;
	for (cp = tr->tasks.procs; cp != NULL; cp = cp->next)
		if (cp->lender != 0 && cp->borrow_deadline_ms < first)
			first = cp->borrow_deadline_ms;
	if (first == UINT64_MAX)
		return -1;
	return first <= now ? 0 : (int)(first - now);
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
	    proc_state_letter(cp->pid) != 'D')
		materialize(tr, cp, NULL, false);
	/* Gone or not materialized: the parent goes all the same. */
	if (p->borrower != 0 && cp != NULL && cp->lender == p->pid)
		end_borrow(tr, cp);
	p->borrower = 0;
}

/*
 * Does this stop of a borrowing thread let the borrow go on? Exec, death
 * and signals that do not pause it do; an exit that does not pause it
 * runs on borrowing until it is reaped. So do the event stops inside a
 * system call, where no call can be injected: vfork and clone (the new
 * task shares the memory; a new thread's first stop ends the borrow),
 * and PTRACE_EVENT_EXIT, even where it pauses: the pause then shows the
 * borrowed memory, read through the non-redirected path, and the parent
 * stays held until the child is let go.
 */
static bool
borrow_survives(struct tracer *tr, struct thread *t, int event, int sig)
{
	struct proc *p = t->proc;
	struct user_regs_struct regs;
	unsigned long rule = 0;

	switch (event) {
	case PTRACE_EVENT_STOP:
		return false;
	case PTRACE_EVENT_SECCOMP:
		ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &rule);
		return rule == RULE_EXIT_GROUP &&
		    thread_get_regs(t, &regs, NULL) == 0 &&
		    regs.orig_rax == SYS_exit_group &&
		    !tracer_pause_chosen(&tr->opts, p, PAUSE_EXIT,
		    (int)regs.rdi & 0xff);
	case 0:
		return sig == (SIGTRAP | 0x80) ||
		    !tracer_pause_chosen(&tr->opts, p, PAUSE_SIGNAL, 0) ||
		    !tracer_signal_is_fatal(t->tid, sig);
	default:
		return true;
	}
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
	resume_thread(tr, t);
	return true;
}

static void
on_fork_stop(struct tracer *tr, struct thread *t)
{
	struct proc *p = t->proc;
	struct thread *c;
	int status;
	pid_t child;

	if (!redirect_fork_needs_copy(p) || clone3_shares_vm(t)) {
		hold_or_resume(tr, t);
		return;
	}
	stop_other_threads(p, t);
	child = run_fork(t);
	if (child > 0) {
		while (waitpid(child, &status, __WALL) < 0 && errno == EINTR)
			;
		if (WIFSTOPPED(status)) {
			c = task_find_thread(&tr->tasks, child);
			if (c == NULL)
				c = adopt_task(tr, child, t->tid, false);
			c->stopped = true;
			untraced_child(t, c);
			if (!t->has_deferred && redirect_child_borrow(p, c)) {
				/* p stays held until the borrow ends. */
				lend(tr, p, t, c);
				if (!handle_deferred(tr, c))
					hold_or_resume(tr, c);
				return;
			}
			redirect_child(p, c);
			if (!handle_deferred(tr, c))
				hold_or_resume(tr, c);
		} else {
			handle_status(tr, child, status);
		}
	}
	restart_other_threads(tr, p);
	if (t->stopped)		/* at its syscall-exit or vfork stop */
		restore_clone_flags(t);
	if (!handle_deferred(tr, t) && t->stopped)
		hold_or_resume(tr, t);
}

/*
 * Does our filter's `rule` stop system call `nr`? A stop that fails this
 * test comes from the program's own filter (SECCOMP_RET_TRACE with its
 * own data), which must not be taken for ours.
 */
static bool
rule_covers(unsigned long rule, unsigned long long nr)
{
	switch (rule) {
	case RULE_EXIT_GROUP:
		return nr == SYS_exit_group;
	case RULE_MMAP:
		return nr == SYS_mmap;
	case RULE_MUNMAP:
		return nr == SYS_munmap;
	case RULE_MREMAP:
		return nr == SYS_mremap;
	case RULE_MADVISE:
		return nr == SYS_madvise;
	case RULE_FORK:
		return nr == SYS_fork || nr == SYS_clone || nr == SYS_clone3;
	case RULE_RESERVED_FD:
		return nr == SYS_close || nr == SYS_dup2 || nr == SYS_dup3 ||
		    nr == SYS_close_range;
	case RULE_BRK:
		return nr == SYS_brk;
	case RULE_MPROTECT:
		return nr == SYS_mprotect || nr == SYS_pkey_mprotect;
	case RULE_SHMAT:
		return nr == SYS_shmat;
	case RULE_UNTRACED:
		return nr == SYS_clone;
	case RULE_OWN_FILTER:
		return nr == SYS_seccomp || nr == SYS_prctl;
	default:
		return false;
	}
}

/*
 * The program's own filter asked for a tracer it does not have: natively
 * the kernel fails such a call with ENOSYS, so it fails here too.
 */
static void
refuse_foreign_trace(struct tracer *tr, struct thread *t,
    struct user_regs_struct *regs)
{
	regs->orig_rax = (unsigned long long)-1;
	regs->rax = (unsigned long long)-ENOSYS;
	thread_set_regs(t, regs, NULL);
	hold_or_resume(tr, t);
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
		hold_or_resume(tr, t);
		return;
	}
	flags = regs.rdi;
	regs.rdi &= ~(unsigned long long)CLONE_UNTRACED;
	if (thread_set_regs(t, &regs, NULL) != 0) {
		hold_or_resume(tr, t);
		return;
	}
	t->restore_clone_flags = true;
	t->clone_flags = flags;
	if (flags & CLONE_VM)
		hold_or_resume(tr, t);
	else
		on_fork_stop(tr, t);
}

/*
 * rdi as the program passed it (see above), in the caller at its
 * syscall-exit stop or in the child at its first stop, if it holds the
 * flags we rewrote (a child guessed wrongly by untraced_caller does not).
 */
static void
restore_clone_flags(struct thread *t)
{
	struct user_regs_struct regs;

	if (!t->restore_clone_flags)
		return;
	t->restore_clone_flags = false;
	if (thread_get_regs(t, &regs, NULL) == 0 && regs.rdi ==
	    (t->clone_flags & ~(unsigned long long)CLONE_UNTRACED)) {
		regs.rdi = t->clone_flags;
		thread_set_regs(t, &regs, NULL);
	}
}

/*
 * c is a new task made by `caller`: if that was an untraced clone, c's rdi
 * gets the program's flags back, now if it is stopped, else at its first
 * stop.
 */
static void
untraced_child(const struct thread *caller, struct thread *c)
{
	if (caller == NULL || !caller->restore_clone_flags)
		return;
	c->restore_clone_flags = true;
	c->clone_flags = caller->clone_flags;
	if (c->stopped)
		restore_clone_flags(c);
}

/*
 * The thread whose untraced clone made new task c, when c's first stop
 * overtook the clone event: the one in c's parent process (or, for a
 * thread, its own) still in such a clone. NULL when there is none or
 * more than one.
 */
static const struct thread *
untraced_caller(struct tracer *tr, const struct thread *c)
{
	const struct thread *o, *found = NULL;
	struct proc *in[2] = {
		tracer_find_proc(tr, c->proc->parent_pid), c->proc,
	};

	for (int i = 0; i < 2; i++)
		for (o = in[i] != NULL ? in[i]->threads : NULL; o != NULL;
		    o = o->next) {
			if (!o->restore_clone_flags || o == c)
				continue;
			if (found != NULL)
				return NULL;
			found = o;
		}
	return found;
}

static void
on_seccomp_stop(struct tracer *tr, struct thread *t)
{
	unsigned long rule = 0;
	struct user_regs_struct regs;

	/* A process being paused runs nothing more of its own. */
	if (proc_holding(t->proc)) {
		check_paused(t->proc);
		return;
	}
	redirect_sync(t->proc);
	ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &rule);
	if (thread_get_regs(t, &regs, NULL) == 0 &&
	    !rule_covers(rule, regs.orig_rax)) {
		refuse_foreign_trace(tr, t, &regs);
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
		if (!redirect_mprotect_needs_copy(t))
			break;
		stop_other_threads(t->proc, t);
		redirect_mprotect(t);
		restart_other_threads(tr, t->proc);
		if (handle_deferred(tr, t))
			return;
		break;
	case RULE_MUNMAP:
		if (thread_get_regs(t, &regs, NULL) == 0) {
			hold_or_resume(tr, t);
			redirect_munmap(t->proc, regs.rdi, regs.rsi);
			return;
		}
		break;
	default:
		redirect_syscall(t, (int)rule);
		if (handle_deferred(tr, t))
			return;
		break;
	}
	hold_or_resume(tr, t);
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
		restore_clone_flags(t);
	hold_or_resume(tr, t);
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
		if (!tracer_pause_chosen(&tr->opts, p, WIFSIGNALED((int)status) ?
		    PAUSE_SIGNAL : PAUSE_EXIT, WEXITSTATUS((int)status))) {
			hold_or_resume(tr, t);
			return;
		}
		if (WIFSIGNALED((int)status)) {
			p->signal = WTERMSIG((int)status);
			p->has_fault_addr = false;
			start_pause(p, t, PAUSE_SIGNAL);
		} else {
			p->exit_code = WEXITSTATUS((int)status);
			p->last_thread_exit = true;
			start_pause(p, t, PAUSE_EXIT);
		}
		return;
	}
	hold_or_resume(tr, t);
}

static void
on_new_task_event(struct tracer *tr, struct thread *t, int event)
{
	unsigned long msg = 0;
	pid_t child;

	ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &msg);
	child = (pid_t)msg;
	if (child > 0 && task_find_thread(&tr->tasks, child) == NULL)
		untraced_child(t, adopt_task(tr, child, t->tid,
		    event == PTRACE_EVENT_CLONE &&
		    read_status_pid(child, "\nTgid:") == t->proc->pid));
	hold_or_resume(tr, t);
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
	if (p->lender != 0)
		end_borrow(tr, p);
	task_forget(p);
	proc_read_comm(p);
	warn_unprivileged_setid(p);
	if (tracer_pause_chosen(&tr->opts, p, PAUSE_EXEC, 0)) {
		start_pause(p, t, PAUSE_EXEC);
		return;
	}
	hold_or_resume(tr, t);
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
	restore_clone_flags(t);	/* a new task's first stop */
	/* Job control: leave the group-stop alone, without holding it. */
	if (job_stop_signal(sig)) {
		t->in_group_stop = true;
		hold_or_resume(tr, t);
		return;
	}
	/* PTRACE_INTERRUPT, or a new task's first stop. */
	hold_or_resume(tr, t);
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
		check_paused(p);
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
		t = adopt_task(tr, tid, 0, false);
		untraced_child(untraced_caller(tr, t), t);
	}
	t->stopped = true;
	t->regs_valid = false;
	sig = WSTOPSIG(status);
	event = (unsigned)status >> 16;
	t->proc->job_stopped = event == PTRACE_EVENT_STOP &&
	    job_stop_signal(sig);
	if (t->proc->lender != 0 && !borrow_survives(tr, t, event, sig) &&
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
		hold_or_resume(tr, t);
		break;
	}
}

/* ---------------------------------------------------------------------
 * The event loop
 * ------------------------------------------------------------------- */

/* Handles every pending wait status; -1 when no tracee is left. */
static int
drain_events(struct tracer *tr)
{
	struct signalfd_siginfo info;
	int status, handled = 0;
	pid_t tid;

	while (read(tr->sigchld_fd, &info, sizeof(info)) > 0)
		;
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
 * During a burst of stops (an mmap loop, say) it first polls for SPIN_US:
 * sleeping costs a wake-up of this CPU and, after the resume, one of the
 * tracee's, each 15-20 us on a VM whose idle CPUs halt, more than the
 * next stop takes to come. A burst is a previous event that came within
 * BURST_US (the sleep's own wake-ups included), so a tracee that stops
 * rarely never makes us spin, and one that stops every BURST_US costs us
 * at most a quarter of a CPU.
 */
static int
wait_event(struct tracer *tr)
{
	long start = (long)(monotonic_ns() / 1000), spin_until = tr->in_burst ? start + SPIN_US : 0;
	int status;
	pid_t tid;

	for (;;) {
		tid = waitpid(-1, &status,
		    __WALL | ((long)(monotonic_ns() / 1000) < spin_until ? WNOHANG : 0));
		if (tid == 0)
			continue;
		if (tid > 0) {
			tr->in_burst = (long)(monotonic_ns() / 1000) - start < BURST_US;
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
 * that outlives the program cannot be let go, so ptinspect waits for it.
 * Said once, when one still runs half a second after the program ended
 * (tracer_poll, or the TUI's relay).
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
	int n, wait_ms, borrow_ms;

	if (timeout_ms < 0 && !tr->said_waiting &&
	    tr->root->state == PROC_GONE) {
		if ((n = tracer_poll(tr, 500)) != 0)
			return n;
		tracer_say_waiting(tr);
	}
	for (;;) {
		n = drain_events(tr);
		expire_borrows(tr);
		if (n != 0 || timeout_ms == 0)
			return n;
		borrow_ms = next_borrow_ms(tr);
		if (timeout_ms < 0 && borrow_ms < 0)
			return wait_event(tr);
		wait_ms = timeout_ms < 0 ? borrow_ms :
		    (int)(deadline - (long)monotonic_ms());
		if (timeout_ms >= 0 && wait_ms <= 0)
			return 0;
		if (borrow_ms >= 0 && borrow_ms < wait_ms)
			wait_ms = borrow_ms;
		if (poll(&pfd, 1, wait_ms) < 0 && errno != EINTR)
			fatal("poll");
	}
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
	if (tr->sigchld_fd >= 0)
		close(tr->sigchld_fd);
	sigaction(SIGINT, &tr->saved_sigint, NULL);
	sigaction(SIGQUIT, &tr->saved_sigquit, NULL);
	sigprocmask(SIG_SETMASK, &tr->saved_mask, NULL);
	free(tr);
}
