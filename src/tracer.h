/*
 * tracer.h: the process lifecycle. Spawns the program under ptrace with a
 * seccomp filter, follows every thread and child process, and holds a
 * process at exit_group, at the exit of its last thread, or just before a
 * fatal signal kills it ("paused"). It never stops a process otherwise.
 *
 * The tracer owns struct proc and struct thread; other layers read them and
 * act through the functions below. It knows nothing of terminals.
 */
#ifndef PTI_TRACER_H
#define PTI_TRACER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

struct arena;

/* The brk heap, emulated in the arena by redirect.c. */
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

enum proc_state {
	PROC_RUNNING,		/* running (or stopped by job control) */
	PROC_PAUSING,		/* pause decided, waiting for threads to stop */
	PROC_PAUSED,		/* every thread held; memory and maps intact */
	PROC_RELEASED,		/* continue/kill given; exit under way */
	PROC_GONE,		/* reaped */
};

enum pause_reason {
	PAUSE_NONE,
	PAUSE_EXIT,		/* exit_group(exit_code), or last thread exit */
	PAUSE_SIGNAL,		/* about to die of `signal` */
	PAUSE_EXEC,		/* just after execve, before its first instruction */
	PAUSE_TIMEOUT,		/* --timeout ran out (tracer_pause) */
	PAUSE_REQUEST,		/* the user asked (tracer_pause) */
};

/* Which events hold a process (--pause-on); a mask. */
enum {
	PAUSE_ON_EXIT = 1 << 0,		/* every exit and fatal signal */
	PAUSE_ON_FAILURE = 1 << 1,	/* non-zero exit code, fatal signal */
	PAUSE_ON_CRASH = 1 << 2,	/* fatal signal only */
	PAUSE_ON_EXEC = 1 << 3,		/* after each successful execve */
};

struct thread {
	pid_t tid;
	struct proc *proc;
	bool stopped;		/* in a ptrace-stop that we hold */
	bool regs_valid;	/* regs below are current (thread stopped) */
	struct user_regs_struct regs;
	int resume_sig;		/* signal to deliver when resumed */
	bool in_group_stop;	/* job-control stop, resumed with LISTEN */
	bool exiting;		/* seen PTRACE_EVENT_EXIT */
	bool world_stopped;	/* stopped for a fork's copy (tracer.c) */
	bool has_deferred;	/* ... and deferred_status still to handle */
	int deferred_status;
	/* clone's flags, CLONE_UNTRACED included, to put back in rdi */
	bool restore_clone_flags;
	unsigned long long clone_flags;
	struct thread *next;	/* in proc->threads */
	struct thread *hash_next;	/* in the tracer's tid table */
};

struct proc {
	pid_t pid;		/* thread group id */
	pid_t parent_pid;	/* 0 for the root */
	bool is_root;		/* the process ptinspect started */
	bool execed;		/* has run exec (the pre-exec ptinspect child no) */
	bool pause_wanted;	/* --pause-on-exit applies to this process */
	enum proc_state state;
	enum pause_reason reason;
	int exit_code;		/* PAUSE_EXIT: the exit status (0-255) */
	bool last_thread_exit;	/* PAUSE_EXIT by the last thread's exit(2) */
	int signal;		/* PAUSE_SIGNAL: the signal number */
	bool has_fault_addr;
	uint64_t fault_addr;	/* si_addr of SIGSEGV/SIGBUS/SIGFPE/SIGILL */
	pid_t paused_tid;	/* the thread that triggered the pause */
	char comm[32];		/* /proc/PID/comm at the last update */

	int nthreads;
	struct thread *threads;

	int mem_fd;		/* /proc/PID/mem, opened lazily by mem.c; -1 */
	struct arena *arena;	/* shared-memory fast path, NULL if none */
	bool arena_fd_installed;	/* the tracee holds it at the reserved fd */
	bool fd_transient;	/* no reserved fd here: opened for each call */
	bool redirect_disabled;	/* no new redirections (see redirect.c) */
	struct fork_advice *fork_advice;	/* owned by redirect.c */
	struct stub *stub;	/* the mmap stub, owned by stub.c; NULL if none */
	bool stub_failed;	/* it could not be placed: no retry till exec */
	struct brk_state brk;			/* owned by redirect.c */

	bool pause_reported;	/* handed out by tracer_next_paused */
	int wait_status;	/* valid when state == PROC_GONE */
	struct proc *next;
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
struct thread *tracer_find_thread(struct proc *p, pid_t tid);

/* The thread to show first: the one that paused it, else the leader. */
struct thread *proc_main_thread(struct proc *p);

/* A live thread id to read /proc/TID/{maps,mem} through. */
pid_t proc_access_tid(struct proc *p);

/*
 * Registers of a thread; the thread must be held (proc paused). 0, or -1
 * with *errp ("thread 123 is running").
 */
int thread_get_regs(struct thread *t, struct user_regs_struct *regs,
    char **errp);
int thread_set_regs(struct thread *t, const struct user_regs_struct *regs,
    char **errp);

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
 * Runs until every traced process is gone, then returns ptinspect's exit
 * status: the root's exit code, or 128+N if it died of signal N.
 */
int tracer_finish(struct tracer *tr);
/* Kills every tracee and frees the tracer. */
void tracer_destroy(struct tracer *tr);

/*
 * A function the tracer calls when a process's address space goes away
 * (exec, death, teardown): how layers above it (unwind.c) drop what they
 * cache per process without the tracer depending on them.
 */
void tracer_set_forget_hook(void (*hook)(struct proc *p));

#endif
