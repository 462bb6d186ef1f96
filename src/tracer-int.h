/*
 * tracer-int.h: what tracer.c, tracer-task.c, tracer-fork.c, tracer-child.c
 * and tracer-policy.c share, private to them. Each function's comment is
 * at its definition where none is here.
 */
#ifndef PTI_TRACER_INT_H
#define PTI_TRACER_INT_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "task.h"
#include "tracer.h"
#include "util.h"

/* The tracer: what tracer.c, tracer-task.c and tracer-fork.c share. */
struct tracer {
	struct tracer_opts opts;
	bool use_seccomp;
	/*
	 * The filter the tracees run, to read which rule made a seccomp
	 * stop from its registers (tracer_stop_rule); NULL without one or
	 * where it has no memory rules (--no-redirect: a program's own
	 * filter then goes unseen).
	 */
	struct seccomp_program *filter;
	struct task_table tasks;
	struct proc *root;
	int sigchld_fd;
	sigset_t saved_mask;
	struct sigaction saved_sigint;
	struct sigaction saved_sigquit;
	int borrows;		/* fork children borrowing (see below) */
	/* When the punches munmaps left are due (redirect_munmap), or 0. */
	uint64_t punch_due_ms;
	bool said_waiting;	/* tracer_say_waiting has been said */
	uint64_t root_gone_ms;	/* when tracer_poll first saw it gone, or 0 */
	pid_t job_session;	/* the session the child set-up made, or 0 */
	bool quiescing;		/* stopping everything for a keeper */
	uint64_t keeper_deadline_ms;	/* ... until then (tracer-keeper.c) */
	bool handed_over;	/* a keeper traces what was left */
	int keeper_drop_fd;	/* the caller's, closed in the keeper */
};

/*
 * How long after the root's end tracer_poll waits before it hands what is
 * left to a keeper: a child that ends on its own just after its parent
 * (killed by it, or reaping nothing) is not worth one. Counted from the
 * end, not as a quiet spell: what is left may make events all the time
 * (a shell loop forking `sleep 0.05`).
 */
#define KEEPER_GRACE_MS 100

/* The options every tracee is seized with. */
#define TRACER_SEIZE_OPTIONS (PTRACE_O_TRACESYSGOOD | \
    PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | \
    PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT | \
    PTRACE_O_EXITKILL)

/*
 * How a fork child borrowing its parent's memory (redirect-fork.c) is
 * watched while the parent is held: every BORROW_CHECK_MS, a child that
 * sleeps (it may be waiting on its parent) gets memory of its own, and
 * so does any child after BORROW_MAX_MS (it may spin on its parent).
 */
#define BORROW_CHECK_MS 5
#define BORROW_MAX_MS 200

/* tracer-task.c */
struct proc *tracer_proc_new(struct tracer *tr, pid_t pid, pid_t parent_pid);
struct thread *tracer_adopt_task(struct tracer *tr, pid_t tid,
    pid_t parent_tid, bool is_thread);
void tracer_resume_thread(struct tracer *tr, struct thread *t);
bool tracer_proc_holding(const struct proc *p);
bool tracer_holds_vfork_parent(struct tracer *tr, const struct proc *p);
void tracer_hold_or_resume(struct tracer *tr, struct thread *t);
void tracer_check_paused(struct proc *p);
void tracer_start_pause(struct proc *p, struct thread *trigger,
    enum pause_reason reason);
void tracer_stop_other_threads(struct proc *p, struct thread *self);

/* tracer-fork.c */
pid_t tracer_run_fork(struct thread *t);
/*
 * t at clone3's seccomp stop: does it make a thread or a vfork (CLONE_VM:
 * nothing to copy)? True also where clone3 was set to run again (its
 * flags read for its next stop) or t died (has_deferred) meanwhile.
 */
bool tracer_clone3_shares_vm(struct thread *t);
void tracer_lend(struct tracer *tr, struct proc *p, struct thread *t,
    struct thread *c);
void tracer_materialize_in(struct proc *p, struct thread *t, bool at_entry);
char tracer_proc_state_letter(pid_t pid);
int tracer_next_borrow_ms(struct tracer *tr);
bool tracer_borrow_survives(struct tracer *tr, struct thread *t, int event,
    int sig);
unsigned long tracer_stop_rule(struct tracer *tr, struct thread *t);
bool tracer_rule_covers(unsigned long rule, unsigned long long nr);
void tracer_refuse_foreign_trace(struct tracer *tr, struct thread *t,
    struct user_regs_struct *regs);
void tracer_restore_clone_flags(struct thread *t);
void tracer_untraced_child(const struct thread *caller, struct thread *c);
const struct thread *tracer_untraced_caller(struct tracer *tr,
    const struct thread *c);

/*
 * tracer-keeper.c. Once the root has ended, hands what is left to a keeper
 * process, one step after each batch of events: KEEPER_WAIT for more
 * events; KEEPER_FAILED (said, and all runs on as before); KEEPER_DONE
 * (this process traces nothing more); KEEPER_CHILD: this is the keeper,
 * tracing them all, to run until they are gone.
 */
enum keeper_step { KEEPER_WAIT, KEEPER_FAILED, KEEPER_DONE, KEEPER_CHILD };
enum keeper_step tracer_keeper_step(struct tracer *tr);
/* A group-stop of t: held for the hand-over (true) or not ours. */
bool tracer_keeper_holds(struct tracer *tr, struct thread *t);
/* The SIGCONT that ended the hand-over's stop: dropped (true). */
bool tracer_keeper_swallows(struct proc *p, int sig);

/*
 * The forked child: waits for a byte on go_fd (the parent has seized
 * it), restores the signal mask, runs opts->child_setup, installs the
 * filter (watching reserved_fd, -1: exit rules only; mprotect's writes
 * too where watch_writes: seccomp_install), writes to report_fd
 * the filter's errno (0: installed, -1: not asked) and execs argv; if exec
 * fails, writes its errno too and exits 127 (not found) or 126.
 */
void tracer_child_main(const struct tracer_opts *opts, char *const argv[],
    int go_fd, int report_fd, const sigset_t *mask, int reserved_fd,
    bool watch_writes) PTI_NORETURN;

/* Reads len bytes unless EOF comes first: how many, or -1. */
ssize_t tracer_read_full(int fd, void *buf, size_t len);

/* "PROG: not found" (127) or "PROG: why" (126) into *exit_code. */
void tracer_report_exec_failure(const char *prog, int err, int *exit_code);

/* tracer-policy.c. Is p one that may pause (wanted, past exec, running)? */
bool tracer_should_pause(const struct proc *p);
/*
 * --pause-on and --only: is p to be held at this event? exit_code is the
 * exit status for PAUSE_EXIT.
 */
bool tracer_pause_chosen(const struct tracer_opts *opts, struct proc *p,
    enum pause_reason why, int exit_code);
/* Does delivering sig kill the process (default action, not caught)? */
bool tracer_signal_is_fatal(pid_t tid, int sig);
/* Does sig take its default action in tid (neither caught nor ignored)? */
bool tracer_signal_is_default(pid_t tid, int sig);
/* Is a SIGCONT pending for tid (the thread's or its process's)? */
bool tracer_sigcont_pending(pid_t tid);

#endif
