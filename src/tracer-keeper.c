/*
 * tracer-keeper.c: letting ptinspect go when the program it started has
 * ended but processes it left running (a daemon, `cmd &`) still run.
 *
 * DESIGN. Every traced process carries ptinspect's seccomp filter, whose
 * SECCOMP_RET_TRACE rules (mmap, munmap, brk, ...) fail with ENOSYS when
 * no tracer is there, and its memory lives in memfds ptinspect maps: it
 * cannot be detached. So in batch mode without -f (tracer_opts.keeper),
 * KEEPER_GRACE_MS after the root's end, ptinspect (the old tracer) forks
 * a keeper that inherits the whole tracer state (tables, arenas, views,
 * descriptors: fork keeps the descriptor numbers the tracees' stubs and
 * injected opens name) and becomes their tracer, and ptinspect exits with
 * the program's status at once. The ptrace relation is moved thread by
 * thread:
 *
 *   1. Quiesce (old tracer). SIGSTOP to every process; its
 *      signal-delivery-stop is let through by the normal handlers, so
 *      every thread reaches the group-stop, whose PTRACE_EVENT_STOP the
 *      hook in on_stop_event holds (thread->keeper_held) instead of
 *      PTRACE_LISTEN. Events meanwhile (mmap, forks, new tasks) go
 *      through tracer_poll as ever, so nothing is cut in the middle of
 *      an injection or a fork's copy; a process born meanwhile gets its
 *      SIGSTOP too. Done when every thread of every live process is held
 *      and no fork child borrows its parent's memory; QUIESCE_MAX_MS is
 *      the bound (a vfork parent whose child neither execs nor ends, or
 *      a zombie leader, never stops). A vfork child is sent its SIGSTOP
 *      only once it has exec'd or ended: stopped before, it would keep
 *      its parent from ever stopping.
 *   2. PTRACE_DETACH every thread (old tracer): a thread detached during
 *      a group-stop stays in it (TASK_STOPPED), so nothing runs without
 *      a tracer. Only then the fork: the keeper's copy of the tables is
 *      the state at the detach.
 *   3. The keeper PTRACE_SEIZEs every thread with the same options (so
 *      PTRACE_O_EXITKILL: killing the keeper kills them), takes each one's
 *      PTRACE_EVENT_STOP, points its stubs' lanes at its own
 *      /proc/PID/fd, then sends SIGCONT to each process, lets each thread
 *      go (PTRACE_CONT) and drops that SIGCONT at its
 *      signal-delivery-stop (on_signal_stop's hook), so a SIGCONT handler
 *      never runs. Only then does it tell the old tracer, through a pipe,
 *      which exits: its exit (or its parent's, as timeout(1)'s) can leave
 *      their process group orphaned, and the kernel sends SIGHUP to every
 *      member of an orphaned group that has one stopped, which would kill
 *      them for a stop of ours. Then it is tracer_finish's loop, and it exits
 *      when no tracee is left. It leads a session of its own (setsid: no
 *      terminal signal reaches it), ignores SIGHUP, SIGINT, SIGQUIT and
 *      SIGPIPE, and has /dev/null on 0 and 1, and on 2 unless that is a
 *      terminal or a regular file, where its messages go, named
 *      "ptinspect (keeper)": so `$(ptinspect ...)`, even with 2>&1,
 *      waits on nothing of it.
 *   4. If a seize fails, the keeper detaches what it seized (still
 *      stopped) and says why; the old tracer seizes them back, continues
 *      them as in 3 and waits as before. If the quiesce times out, it
 *      continues what it stopped and waits. Either way said once.
 *
 * tracer.c steps all this (tracer_keeper_step) between batches of
 * events, and runs the keeper's loop; this file never calls up into it.
 *
 * Only where the keeper may attach, checked before anything is detached
 * (the old tracer, no ancestor of theirs either once the root is gone,
 * could not always take them back): not where Yama's ptrace_scope forbids
 * a non-ancestor unless ptinspect is root, and not to a process that
 * open(/proc/PID/mem) says no other may trace, checked again once all are
 * stopped; nor to one paused or stopped by job control. ptinspect then
 * waits. A process made non-dumpable (PR_SET_DUMPABLE 0, as ssh-agent
 * does) refuses a non-root keeper only for that: once it is stopped, the
 * old tracer runs prctl(PR_SET_DUMPABLE, 1) in it, from its stub's
 * syscall instruction, and the keeper, once it has seized it, sets 0
 * again (undump, redump), as fork children are set up (redirect-fork.c).
 * Its registers are put back as they were, so the call it was stopped in
 * restarts, or ends, as the kernel would have it. Where that cannot be
 * done (no stub, or dumpable 2, which prctl cannot set back) it waits.
 * Neither with -f (which waits, and holds each at its exit with -p),
 * --timeout (which governs them) or --summary (which reports each end).
 * The TUI, once closed, hands them over too (tracer_hand_over), their
 * pty's master closed in the keeper (drop_fd): tui/relay.c relays it.
 *
 * What a process can see of the hand-over: a stop and a continue, as job
 * control makes them: its parent, if it is a traced process too, gets
 * SIGCHLD with CLD_STOPPED then CLD_CONTINUED and sees them in waitpid
 * with WUNTRACED/WCONTINUED (not dropped: SIGCHLD does not queue, and a
 * real exit's could merge into them); the few calls signal(7) says a
 * stop interrupts (epoll_wait, semop, sigtimedwait, ...) return EINTR; a
 * SIGCONT of its own sent in the few milliseconds the hand-over lasts is
 * dropped with ours; its getppid() is the same.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "inject.h"
#include "redirect.h"
#include "stub.h"
#include "task.h"
#include "tracer.h"
#include "tracer-int.h"
#include "util.h"

/* How long every thread may take to reach the hand-over's stop. */
#define QUIESCE_MAX_MS 1000

/* What the keeper tells the old tracer: 0, or why and for which pid. */
struct keeper_report {
	int err;
	pid_t pid;
};

static bool
live(const struct proc *p)
{
	return p->state != PROC_GONE && p->threads != NULL;
}

/* Yama's ptrace_scope (0 without Yama). */
static int
yama_scope(void)
{
	char *s = read_file_str("/proc/sys/kernel/yama/ptrace_scope", NULL);
	int scope = s != NULL ? atoi(s) : 0;

	free(s);
	return scope;
}

/*
 * May another process of ours PTRACE_SEIZE p? Opening /proc/PID/mem
 * makes the same check (PTRACE_MODE_ATTACH: credentials, dumpable, Yama,
 * the LSMs): 0 or its errno.
 */
static int
attach_allowed(const struct proc *p)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/mem", (int)p->pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return errno;
	close(fd);
	return 0;
}

/*
 * inject_swap_dumpable(from, to) in p, stopped for the hand-over: from the
 * stub's syscall instruction, in its first thread, whose registers are
 * then put back. Its result, or -ENOSYS where p has no stub to run it
 * from, -ESRCH where the thread is gone.
 * A signal the injection kept (inject.h: a fault sent by another process)
 * is sent again to the thread, its siginfo lost, as the thread may be
 * detached next, which would drop it.
 */
static long
swap_dumpable(struct proc *p, long from, long to)
{
	struct user_regs_struct saved, regs;
	struct thread *t = p->threads;
	uint64_t rip = stub_syscall_rip(p);
	struct inject inj;
	long was;

	if (rip == 0 || t == NULL)
		return -ENOSYS;
	if (thread_get_regs(t, &saved, NULL) != 0)
		return -ESRCH;
	regs = saved;
	regs.rip = rip;
	if (thread_set_regs(t, &regs, NULL) != 0 ||
	    inject_begin(&inj, t, false) != 0)
		return -ESRCH;
	was = inject_swap_dumpable(&inj, from, to);
	inject_end(&inj, false, 0);
	if (t->has_deferred)
		return -ESRCH;
	thread_set_regs(t, &saved, NULL);
	if (t->resume_sig != 0) {
		syscall(SYS_tgkill, p->pid, t->tid, t->resume_sig);
		t->resume_sig = 0;
	}
	return was;
}

/*
 * Each stopped process that refuses the keeper only for being
 * non-dumpable is made dumpable (keeper_undumped). See DESIGN.
 */
static void
undump_all(struct tracer *tr)
{
	struct proc *p;

	for (p = tr->tasks.procs; p != NULL; p = p->next)
		if (live(p) && !p->keeper_undumped && proc_not_dumpable(p) &&
		    attach_allowed(p) != 0 && swap_dumpable(p, 0, 1) == 0)
			p->keeper_undumped = true;
}

/* ... and non-dumpable again, by whichever process now traces it. */
static void
redump_all(struct tracer *tr)
{
	struct proc *p;

	for (p = tr->tasks.procs; p != NULL; p = p->next) {
		if (!p->keeper_undumped)
			continue;
		p->keeper_undumped = false;
		if (live(p))
			swap_dumpable(p, 1, 0);
	}
}

/*
 * Can a keeper take every process over, and is it time? NULL if so, else
 * why not, with *who the process; "" for "not yet". Before every process
 * is stopped, one that is only non-dumpable passes (undump_all, later).
 */
static const char *
why_not(struct tracer *tr, struct proc **who, bool stopped)
{
	struct proc *p;
	int scope = yama_scope(), err;

	for (p = tr->tasks.procs; p != NULL; p = p->next) {
		if (!live(p))
			continue;
		*who = p;
		if (tracer_proc_holding(p))
			return "it is paused";
		if (p->job_stopped)
			return "it is stopped (job control)";
		/* The keeper is no ancestor of theirs. */
		if (scope >= 3 || (scope >= 1 && geteuid() != 0))
			return "Yama's ptrace_scope lets only an ancestor "
			    "trace it";
		if ((err = attach_allowed(p)) != EPERM && err != EACCES)
			continue;
		if (!proc_not_dumpable(p))
			return "no other process may trace it";
		if (stub_syscall_rip(p) == 0)
			return "it made itself non-dumpable, and ptinspect "
			    "has no code in it to undo that for the moment";
		if (stopped)
			return "it made itself non-dumpable in a way "
			    "PR_SET_DUMPABLE cannot undo";
	}
	return tr->borrows > 0 ? "" : NULL;
}

/* Every thread of every live process is held in the hand-over's stop. */
static bool
settled(const struct tracer *tr)
{
	const struct proc *p;
	const struct thread *t;

	if (tr->borrows > 0)
		return false;
	for (p = tr->tasks.procs; p != NULL; p = p->next) {
		if (!live(p))
			continue;
		if (tracer_proc_holding(p))
			return false;
		for (t = p->threads; t != NULL; t = t->next)
			if (!t->keeper_held || !t->stopped || t->exiting)
				return false;
	}
	return true;
}

/* Step 1 of DESIGN: SIGSTOP to each process not yet sent one. */
static void
stop_all(struct tracer *tr)
{
	struct proc *p;

	for (p = tr->tasks.procs; p != NULL; p = p->next) {
		if (!live(p) || p->keeper_stopped ||
		    tracer_holds_vfork_parent(tr, p))
			continue;
		p->keeper_stopped = true;
		kill(p->pid, SIGSTOP);
	}
}

/* A thread that died while no one traced it: forgotten. */
static void
drop_thread(struct tracer *tr, struct thread *t)
{
	struct proc *p = t->proc;

	task_thread_delete(&tr->tasks, t);
	if (p->threads == NULL) {
		p->state = PROC_GONE;
		task_forget(p);
	}
}

/* p could not be seized: what was is let go, and p forgotten, stopped. */
static void
give_up(struct proc *p)
{
	struct thread *t;

	for (t = p->threads; t != NULL; t = t->next)
		if (t->stopped && ptrace(PTRACE_DETACH, t->tid, 0, 0) == 0)
			t->stopped = false;
	p->keeper_stopped = false;
	p->state = PROC_GONE;
}

/*
 * Seizes every thread left in the hand-over's stop and takes its
 * PTRACE_EVENT_STOP. 0, or the errno of the first process that could
 * not be (*bad), given up (give_up).
 */
static int
seize_all(struct tracer *tr, pid_t *bad)
{
	struct thread *t, *next;
	struct proc *p;
	int status, err = 0;
	pid_t w;

	for (p = tr->tasks.procs; p != NULL; p = p->next) {
		for (t = live(p) ? p->threads : NULL; t != NULL; t = next) {
			next = t->next;
			if (ptrace(PTRACE_SEIZE, t->tid, 0,
			    TRACER_SEIZE_OPTIONS) != 0 && errno != ESRCH) {
				if (err == 0) {
					err = errno;
					*bad = p->pid;
				}
				give_up(p);
				break;
			}
			while ((w = waitpid(t->tid, &status, __WALL)) < 0 &&
			    errno == EINTR)
				;
			if (w != t->tid || !WIFSTOPPED(status)) {
				drop_thread(tr, t);
				continue;
			}
			t->stopped = true;
			t->regs_valid = false;
			t->resume_sig = 0;
			t->in_group_stop = false;
		}
	}
	return err;
}

/* Lets go every thread held for the hand-over: they stay stopped. */
static void
detach_all(struct tracer *tr)
{
	struct proc *p;
	struct thread *t;

	for (p = tr->tasks.procs; p != NULL; p = p->next)
		for (t = live(p) ? p->threads : NULL; t != NULL; t = t->next)
			if (t->stopped &&
			    ptrace(PTRACE_DETACH, t->tid, 0, 0) == 0)
				t->stopped = false;
}

/* Ends the hand-over's stop: SIGCONT (dropped when it comes), resume. */
static void
continue_all(struct tracer *tr)
{
	struct proc *p;
	struct thread *t;

	for (p = tr->tasks.procs; p != NULL; p = p->next) {
		if (!live(p) || !p->keeper_stopped)
			continue;
		p->keeper_stopped = false;
		p->keeper_cont = true;
		p->job_stopped = false;
		kill(p->pid, SIGCONT);
	}
	for (p = tr->tasks.procs; p != NULL; p = p->next) {
		for (t = live(p) ? p->threads : NULL; t != NULL; t = t->next) {
			if (!t->keeper_held)
				continue;
			t->keeper_held = false;
			t->in_group_stop = false;
			tracer_resume_thread(tr, t);
		}
	}
	tr->quiescing = false;
}

/*
 * The stub's lanes open the memfd by /proc/<tracer>/fd/<n> where it
 * cannot stay in the tracee: the keeper's now.
 */
static void
retarget_stubs(struct tracer *tr)
{
	struct proc *p;

	for (p = tr->tasks.procs; p != NULL; p = p->next)
		if (live(p))
			redirect_retarget(p);
}

/* Does the keeper keep ptinspect's standard error (see DESIGN, 3)? */
static bool
stderr_kept(void)
{
	struct stat st;

	return isatty(2) || (fstat(2, &st) == 0 && S_ISREG(st.st_mode));
}

/* Step 3 of DESIGN: the keeper, the forked child, up to its loop. */
static void
keeper_main(struct tracer *tr, int report_fd)
{
	struct sigaction ignore = { .sa_handler = SIG_IGN };
	struct keeper_report r = { 0, 0 };
	int fd;

	setsid();
	sigaction(SIGHUP, &ignore, NULL);
	sigaction(SIGINT, &ignore, NULL);
	sigaction(SIGQUIT, &ignore, NULL);
	sigaction(SIGPIPE, &ignore, NULL);
	prctl(PR_SET_NAME, "ptinspect-keep");
	if (tr->keeper_drop_fd >= 0)
		close(tr->keeper_drop_fd);
	progname = "ptinspect (keeper)";
	if ((fd = open("/dev/null", O_RDWR)) >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		if (!stderr_kept())
			dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	r.err = seize_all(tr, &r.pid);
	if (r.err != 0) {
		detach_all(tr);
		/* Told or not (the pipe's end), the old tracer takes back. */
		if (write(report_fd, &r, sizeof(r)) != (ssize_t)sizeof(r))
			warn_msg("cannot tell ptinspect why");
		_exit(1);
	}
	retarget_stubs(tr);
	redump_all(tr);
	continue_all(tr);
	/*
	 * Only now, with every process sent its SIGCONT, may the old tracer
	 * exit: see DESIGN, 3 (the orphaned process group). If it has died
	 * meanwhile, the keeper goes on all the same.
	 */
	if (write(report_fd, &r, sizeof(r)) < 0)
		warn_msg("cannot tell ptinspect the keeper has them");
	close(report_fd);
	tr->said_waiting = true;
}

/* "N process(es) it left running (pid P, comm[, ...]) go(es)" */
static char *
describe_left(struct tracer *tr)
{
	struct proc *p, *first = NULL;
	int n = 0;

	for (p = tr->tasks.procs; p != NULL; p = p->next)
		if (live(p) && n++ == 0)
			first = p;
	if (first == NULL)
		return xstrfmt("processes it left running go");
	proc_read_comm(first);
	if (n == 1)
		return xstrfmt("process it left running (pid %d, %s) goes",
		    (int)first->pid, first->comm);
	return xstrfmt("%d processes it left running (pid %d, %s, ...) go", n,
	    (int)first->pid, first->comm);
}

/* why: from why_not, or an errno's text. */
static void
say_cannot(struct proc *p, const char *why)
{
	proc_read_comm(p);
	warnx_msg("pid %d (%s) cannot go on under a keeper: %s", (int)p->pid,
	    p->comm, *why != '\0' ? why :
	    "it still borrows its parent's memory");
}

/* Step 4 of DESIGN: the old tracer takes them back and waits. */
static void
take_back(struct tracer *tr, pid_t keeper, const struct keeper_report *r)
{
	struct proc *p;
	pid_t bad = 0;
	int err;

	/* It has let go what it seized; they are stopped still. */
	while (waitpid(keeper, NULL, 0) < 0 && errno == EINTR)
		;
	if ((err = seize_all(tr, &bad)) != 0)
		warnx_msg("cannot trace pid %d again (%s): it stays stopped "
		    "(kill -CONT %d lets it run without a tracer, where its "
		    "memory calls fail)", (int)bad, strerror(err), (int)bad);
	redump_all(tr);
	continue_all(tr);
	p = r->err > 0 ? task_find_proc(&tr->tasks, r->pid) : NULL;
	if (p != NULL)
		say_cannot(p, strerror(r->err));
	else
		warnx_msg("the keeper, pid %d, failed: ptinspect goes on "
		    "tracing", (int)keeper);
}

/* Steps 2 and 3 of DESIGN, and the old tracer's end of them. */
static enum keeper_step
move_tracees(struct tracer *tr)
{
	struct keeper_report r = { 0, 0 };
	int pipefd[2] = { -1, -1 };
	struct proc *p;
	pid_t keeper;
	char *left;

	detach_all(tr);
	fflush(NULL);
	if (pipe2(pipefd, O_CLOEXEC) != 0 || (keeper = fork()) < 0) {
		warn_msg("cannot start a keeper");
		if (pipefd[0] >= 0) {
			close(pipefd[0]);
			close(pipefd[1]);
		}
		seize_all(tr, &r.pid);
		redump_all(tr);
		continue_all(tr);
		return KEEPER_FAILED;
	}
	if (keeper == 0) {
		close(pipefd[0]);
		keeper_main(tr, pipefd[1]);
		return KEEPER_CHILD;
	}
	close(pipefd[1]);
	if (tracer_read_full(pipefd[0], &r, sizeof(r)) != (ssize_t)sizeof(r))
		r.err = -1;
	close(pipefd[0]);
	if (r.err != 0) {
		take_back(tr, keeper, &r);
		return KEEPER_FAILED;
	}
	left = describe_left(tr);
	warnx_msg("pid %d has ended; the %s on under a keeper, pid %d, that "
	    "traces them in the background (each has ptinspect's seccomp "
	    "filter and needs a tracer); killing the keeper kills them",
	    (int)tr->root->pid, left, (int)keeper);
	free(left);
	/* The keeper has them: nothing here is to be waited for or killed. */
	for (p = tr->tasks.procs; p != NULL; p = p->next)
		if (p->state != PROC_GONE)
			p->state = PROC_GONE;
	tr->handed_over = true;
	return KEEPER_DONE;
}

enum keeper_step
tracer_keeper_step(struct tracer *tr)
{
	struct proc *who = NULL;
	const char *why;

	if (tr->keeper_deadline_ms == 0)
		tr->keeper_deadline_ms = monotonic_ms() + QUIESCE_MAX_MS;
	if (!tr->quiescing) {
		why = why_not(tr, &who, false);
		/* A fork child borrowing its parent's memory is done soon. */
		if (why != NULL && *why == '\0' &&
		    monotonic_ms() < tr->keeper_deadline_ms)
			return KEEPER_WAIT;
		if (why != NULL) {
			say_cannot(who, why);
			return KEEPER_FAILED;
		}
		tr->quiescing = true;
		tr->keeper_deadline_ms = monotonic_ms() + QUIESCE_MAX_MS;
	}
	stop_all(tr);
	if (!settled(tr)) {
		if (monotonic_ms() < tr->keeper_deadline_ms)
			return KEEPER_WAIT;
		continue_all(tr);
		warnx_msg("processes left running did not stop within %d ms "
		    "for a keeper to take them over", QUIESCE_MAX_MS);
		return KEEPER_FAILED;
	}
	/* Again now that nothing runs (ssh-agent's prctl comes late). */
	undump_all(tr);
	if ((why = why_not(tr, &who, true)) != NULL) {
		redump_all(tr);
		continue_all(tr);
		say_cannot(who, why);
		return KEEPER_FAILED;
	}
	return move_tracees(tr);
}

bool
tracer_keeper_holds(struct tracer *tr, struct thread *t)
{
	if (!tr->quiescing || !t->proc->keeper_stopped)
		return false;
	t->keeper_held = true;
	t->proc->job_stopped = false;	/* ours, not the user's */
	return true;
}

bool
tracer_keeper_swallows(struct proc *p, int sig)
{
	if (sig != SIGCONT || !p->keeper_cont)
		return false;
	p->keeper_cont = false;
	return true;
}
