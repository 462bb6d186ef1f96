/*
 * tracer.h: the process lifecycle. Spawns the program under ptrace with a
 * seccomp filter, follows every thread and child process, and holds a
 * process at exit_group, at the exit of its last thread, or just before a
 * fatal signal kills it ("paused"). It never stops a process otherwise.
 *
 * The tracer creates and drives the tasks of the task model (task.h, which
 * this header brings in); other layers read them and act through task.h
 * and the functions below. It knows nothing of terminals.
 */
#ifndef PTI_TRACER_H
#define PTI_TRACER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

#include "task.h"

/* Which events hold a process (--pause-on); a mask. */
enum {
	PAUSE_ON_EXIT = 1 << 0,		/* every exit and fatal signal */
	PAUSE_ON_FAILURE = 1 << 1,	/* non-zero exit code, fatal signal */
	PAUSE_ON_CRASH = 1 << 2,	/* fatal signal only */
	PAUSE_ON_EXEC = 1 << 3,		/* after each successful execve */
};

struct tracer_opts {
	bool pause_on_exit;	/* pause the root process at its exit */
	bool follow_forks;	/* ... and every child process too */
	unsigned pause_on;	/* PAUSE_ON_* (0: PAUSE_ON_EXIT) */
	/* --only: globs of comm or executable path; none: every process */
	char *const *only;
	size_t nonly;
	bool no_seccomp;	/* force the PTRACE_SYSCALL fallback */
	bool no_redirect;	/* keep memory private (copy path only) */
	/*
	 * Once the root has ended, hand what it left running to a keeper
	 * process and return (tracer-keeper.c); else wait for it.
	 */
	bool keeper;
	/* Run in the child just before exec (pty set-up); may be NULL. */
	void (*child_setup)(void *arg);
	void *child_setup_arg;
};

struct tracer;

/*
 * Starts argv[0] (looked up in PATH as execvp does) under the tracer. On
 * failure returns NULL, prints "ptinspect: PROG: not found" or similar and
 * sets *exit_code to 127 (not found), 126 (not executable) or 125.
 */
struct tracer *tracer_spawn(const struct tracer_opts *opts,
    char *const argv[], int *exit_code);

/*
 * Handles tracee events for at most timeout_ms (-1: until something
 * happens; 0: only what is pending). Returns the number of events handled,
 * or -1 when no traced process is left.
 */
int tracer_poll(struct tracer *tr, int timeout_ms);

/* A descriptor that becomes readable when tracee events are pending. */
int tracer_event_fd(struct tracer *tr);

/* The first process in PROC_PAUSED state not yet handed out, or NULL. */
struct proc *tracer_next_paused(struct tracer *tr);

struct proc *tracer_root(struct tracer *tr);
struct proc *tracer_procs(struct tracer *tr);	/* list via ->next */
struct proc *tracer_find_proc(struct tracer *tr, pid_t pid);

/*
 * Lets a paused process go on: its exit or death happens with its own
 * status; after a pause at exec or by tracer_pause it runs on (and may
 * pause again).
 */
int tracer_continue(struct tracer *tr, struct proc *p, char **errp);
/*
 * Pauses a running process now (why: PAUSE_TIMEOUT or PAUSE_REQUEST):
 * every thread is interrupted; it shows up in tracer_next_paused once all
 * are held. 0, or -1 with *errp.
 */
int tracer_pause(struct tracer *tr, struct proc *p, enum pause_reason why,
    char **errp);
/* No more pauses for p (a process being ended: --timeout). */
void tracer_forgo_pauses(struct proc *p);
/* Kills a process (paused or not) with SIGKILL. */
int tracer_kill(struct tracer *tr, struct proc *p, char **errp);
/*
 * Says once, on stderr, why ptinspect goes on after the program has ended:
 * the processes it left running need their tracer. tracer_poll says it
 * itself when it would block half a second after the program ended, or
 * at once when it could not hand them to a keeper (opts.keeper).
 */
void tracer_say_waiting(struct tracer *tr);
/*
 * Once the root is gone: what it left running goes on under a keeper,
 * a background process of ptinspect's that traces it (tracer-keeper.c),
 * said on stderr; true when it does, and then tracer_poll returns -1.
 * False, said, where it cannot (ptrace_scope, a paused or non-dumpable
 * process): ptinspect goes on tracing them. drop_fd, if not -1, is a
 * descriptor of the caller's that the keeper closes.
 */
bool tracer_hand_over(struct tracer *tr, int drop_fd);
/*
 * Ends p's job-control stop (p->job_stopped) as a shell's fg would:
 * SIGCONT to its process group.
 */
void tracer_continue_job(struct proc *p);

/*
 * Runs until every traced process is gone, then returns ptinspect's exit
 * status: the root's exit code, or 128+N if it died of signal N.
 */
int tracer_finish(struct tracer *tr);
/* Kills every tracee and frees the tracer. */
void tracer_destroy(struct tracer *tr);

#endif
