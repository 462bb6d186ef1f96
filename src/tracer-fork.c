/*
 * tracer-fork.c: forks and clones under the tracer, below tracer.c's
 * event handling (which calls in here; nothing here calls up).
 *
 * A fork of a process with redirected memory: the child would share the
 * parent's memfd pages, so it must get its own copy before it runs, and
 * the parent's other threads must not write while the copy is taken. The
 * other threads are stopped, the fork is run to its exit stop, the child
 * is set up at its first stop, then everyone goes on. Stops the other
 * threads make meanwhile are kept and handled afterwards.
 *
 * Borrowing and untraced clones are explained where they are handled,
 * and so is which rule of the filter made a seccomp stop (a borrowing
 * child's stop asks it too; tracer.c's handler calls in for it).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "inject.h"
#include "redirect.h"
#include "seccomp.h"
#include "task.h"
#include "tracer.h"
#include "tracer-int.h"
#include "util.h"


/*
 * Runs t's fork to its syscall-exit stop; the child's pid, or 0. A vfork
 * (clone with CLONE_VFORK but not CLONE_VM) stops at its event instead:
 * the caller waits there until the child, stopped for its copy, is gone.
 */
pid_t
tracer_run_fork(struct thread *t)
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

/* The flags of the struct clone_args at args in tid's memory: 0 or -1. */
static int
read_clone3_flags(pid_t tid, uint64_t args, uint64_t *flags)
{
	struct iovec local = { flags, sizeof(*flags) };
	struct iovec remote = { (void *)(uintptr_t)args, sizeof(*flags) };

	return process_vm_readv(tid, &local, 1, &remote, 1, 0) ==
	    (ssize_t)sizeof(*flags) ? 0 : -1;
}

/*
 * The same for t, stopped at clone3's seccomp stop in a process that
 * made itself non-dumpable (the kernel refuses a non-root tracer its
 * memory): prctl calls in clone3's place make it dumpable for the read
 * and not after, as redirect-fork.c does for a fork child. clone3 is set
 * to run again, and its next seccomp stop takes the flags from
 * t->clone3_flags. 0, or -1 (t->has_deferred: t died meanwhile). Where
 * even that fails (dumpable 2, which prctl cannot set back; the program's
 * own filter refusing prctl), clone3 is taken for CLONE_VM, said once:
 * glibc's clone3 calls (threads, posix_spawn) all are, and a thread taken
 * for a fork would be given a copy of the memory it shares.
 */
static int
read_clone3_flags_undumped(struct thread *t, uint64_t *flags)
{
	static bool said_unread;
	struct user_regs_struct saved;
	struct inject inj;
	int rc = -1;

	if (thread_get_regs(t, &saved, NULL) != 0 ||
	    inject_begin(&inj, t, true) != 0)
		return -1;
	if (inject_swap_dumpable(&inj, 0, 1) == 0) {
		rc = read_clone3_flags(t->tid, saved.rdi, flags);
		inject_syscall(&inj, SYS_prctl, PR_SET_DUMPABLE, 0, 0, 0, 0,
		    0);
	}
	inject_end(&inj, false, 0);
	if (t->has_deferred)
		return -1;
	saved.rax = saved.orig_rax;
	saved.rip -= 2;
	thread_set_regs(t, &saved, NULL);
	t->clone3_args = saved.rdi;
	t->clone3_flags = rc == 0 ? *flags : CLONE_VM;
	if (rc != 0 && !said_unread) {
		said_unread = true;
		warnx_msg("pid %d: clone3's flags cannot be read (the process "
		    "is not dumpable): taken for a thread or posix_spawn "
		    "(said once)", (int)t->proc->pid);
	}
	return 0;
}

bool
tracer_clone3_shares_vm(struct thread *t)
{
	struct user_regs_struct regs;
	uint64_t flags = 0;

	if (thread_get_regs(t, &regs, NULL) != 0 || regs.orig_rax != SYS_clone3)
		return false;
	if (t->clone3_args != 0 && t->clone3_args == regs.rdi) {
		t->clone3_args = 0;
		return t->clone3_flags & CLONE_VM;
	}
	t->clone3_args = 0;
	if (read_clone3_flags(t->tid, regs.rdi, &flags) == 0)
		return flags & CLONE_VM;
	/* Run again, or t is gone: nothing to copy at this stop. */
	if ((errno == EPERM || errno == EACCES) &&
	    proc_not_dumpable(t->proc))
		return read_clone3_flags_undumped(t, &flags) == 0 ||
		    t->has_deferred;
	return false;
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
void
tracer_lend(struct tracer *tr, struct proc *p, struct thread *t,
    struct thread *c)
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

/*
 * An interrupted syscall that the kernel would restart, had no signal
 * handler run: what the kernel does, since nothing will do it once the
 * thread has left the stop it was interrupted at. The kernel's own
 * errnos: ERESTARTSYS, ERESTARTNOINTR, ERESTARTNOHAND (512-514: the call
 * again) and ERESTART_RESTARTBLOCK (516: restart_syscall); 515 is
 * ENOIOCTLCMD, no restart.
 */
static void
restart_interrupted(struct user_regs_struct *regs)
{
	long rax = (long)regs->rax;

	if ((long long)regs->orig_rax < 0 || rax < -516 || rax > -512 ||
	    rax == -515)
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
void
tracer_materialize_in(struct proc *p, struct thread *t, bool at_entry)
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

/* The process's state letter in /proc/PID/stat ('R', 'S', 'D', ...). */
char
tracer_proc_state_letter(pid_t pid)
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

/* Milliseconds until the first borrow ends, or -1 for none. */
int
tracer_next_borrow_ms(struct tracer *tr)
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
bool
tracer_borrow_survives(struct tracer *tr, struct thread *t, int event, int sig)
{
	struct proc *p = t->proc;
	struct user_regs_struct regs;

	switch (event) {
	case PTRACE_EVENT_STOP:
		return false;
	case PTRACE_EVENT_SECCOMP:
		return tracer_stop_rule(tr, t) == RULE_EXIT_GROUP &&
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
 * The data of the filter that made t's seccomp stop: our filter's rule,
 * or another filter's. Where two filters return SECCOMP_RET_TRACE, the
 * kernel gives the data of the one installed last. So unless the process
 * has asked for a filter of its own since ours (own_filter), a stop for
 * which ours returns a rule is that rule: read off the registers, one
 * ptrace call less a stop. A stop ours would let run is another filter's
 * (one ptinspect itself runs under, installed before ours, or the one it
 * adds to watch mprotect's writes: redirect-brk.c): the kernel's word,
 * as everywhere own_filter is set.
 */
unsigned long
tracer_stop_rule(struct tracer *tr, struct thread *t)
{
	struct user_regs_struct regs;
	unsigned long rule = RULE_NONE;

	if (tr->filter != NULL && !t->proc->own_filter &&
	    thread_get_regs(t, &regs, NULL) == 0)
		rule = (unsigned long)seccomp_program_rule(tr->filter, &regs);
	if (rule == RULE_NONE)
		ptrace(PTRACE_GETEVENTMSG, t->tid, 0, &rule);
	/* From here on, its stops may be its own filter's. */
	if (rule == RULE_OWN_FILTER)
		t->proc->own_filter = true;
	return rule;
}

/*
 * Does our filter's `rule` stop system call `nr`? A stop that fails this
 * test comes from the program's own filter (SECCOMP_RET_TRACE with its
 * own data), which must not be taken for ours.
 */
bool
tracer_rule_covers(unsigned long rule, unsigned long long nr)
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
	case RULE_MSEAL:
		return nr == __NR_mseal;
	case RULE_MLOCK:
		return nr == SYS_mlock || nr == SYS_mlock2 ||
		    nr == SYS_mlockall;
	case RULE_RLIMIT:
		return nr == SYS_setrlimit || nr == SYS_prlimit64;
	case RULE_CREDS:
		return nr == SYS_setuid || nr == SYS_setreuid ||
		    nr == SYS_setresuid || nr == SYS_capset;
	default:
		return false;
	}
}

/*
 * The program's own filter asked for a tracer it does not have: natively
 * the kernel fails such a call with ENOSYS, so it fails here too.
 */
void
tracer_refuse_foreign_trace(struct tracer *tr, struct thread *t,
    struct user_regs_struct *regs)
{
	regs->orig_rax = (unsigned long long)-1;
	regs->rax = (unsigned long long)-ENOSYS;
	thread_set_regs(t, regs, NULL);
	tracer_hold_or_resume(tr, t);
}

/*
 * rdi as the program passed it (see above), in the caller at its
 * syscall-exit stop or in the child at its first stop, if it holds the
 * flags we rewrote (a child guessed wrongly by untraced_caller does not).
 */
void
tracer_restore_clone_flags(struct thread *t)
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
void
tracer_untraced_child(const struct thread *caller, struct thread *c)
{
	if (caller == NULL || !caller->restore_clone_flags)
		return;
	c->restore_clone_flags = true;
	c->clone_flags = caller->clone_flags;
	if (c->stopped)
		tracer_restore_clone_flags(c);
}

/*
 * Adds to *found the threads of p other than c still in an untraced
 * clone; false once there is more than one in all.
 */
static bool
untraced_in(const struct proc *p, const struct thread *c,
    const struct thread **found)
{
	const struct thread *o;

	for (o = p != NULL ? p->threads : NULL; o != NULL; o = o->next) {
		if (!o->restore_clone_flags || o == c)
			continue;
		if (*found != NULL && *found != o)
			return false;
		*found = o;
	}
	return true;
}

/*
 * The thread whose untraced clone made new task c, when c's first stop
 * overtook the clone event: the one in c's parent process (or, for a
 * thread, its own) still in such a clone; else, for a CLONE_PARENT child
 * (whose parent is its caller's parent), the one in any process. NULL
 * when there is none or more than one. A wrong guess is harmless:
 * tracer_restore_clone_flags changes only the rdi it would have made.
 */
const struct thread *
tracer_untraced_caller(struct tracer *tr, const struct thread *c)
{
	const struct thread *found = NULL;
	const struct proc *p;

	if (!untraced_in(tracer_find_proc(tr, c->proc->parent_pid), c,
	    &found) || !untraced_in(c->proc, c, &found))
		return NULL;
	if (found != NULL)
		return found;
	for (p = tr->tasks.procs; p != NULL; p = p->next)
		if (!untraced_in(p, c, &found))
			return NULL;
	return found;
}
