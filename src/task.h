/*
 * task.h: the task model. What ptinspect knows of each traced process
 * (struct proc) and thread (struct thread), the table that finds them by
 * id, their registers, the thread a process is read through, and the
 * listeners told when an address space goes away.
 *
 * It sits below every layer that works on tracees: the tracer (tracer.c)
 * creates and deletes tasks as events arrive and drives them; the
 * redirection layer (redirect*.c, stub.c, inject.c), the memory layer
 * (mem.c) and the readers above act on them through the functions below.
 * Layers keep what they store per process behind their own pointer
 * (p->redirect, p->mem), created and freed by them, and learn of exec and
 * death through task_add_listener. It knows nothing of terminals.
 */
#ifndef PTI_TASK_H
#define PTI_TASK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

#include "seccomp.h"

struct corefile;
struct mem_state;
struct redirect_state;
struct symbols;
struct coreunwind;

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
	/* just after execve, before its first instruction */
	PAUSE_EXEC,
	PAUSE_TIMEOUT,		/* --timeout ran out (tracer_pause) */
	PAUSE_REQUEST,		/* the user asked (tracer_pause) */
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
	bool keeper_held;	/* held in the group-stop of a hand-over */
	int deferred_status;
	/* clone's flags, CLONE_UNTRACED included, to put back in rdi */
	bool restore_clone_flags;
	unsigned long long clone_flags;
	/*
	 * clone3's flags, read at its seccomp stop where ptinspect had to
	 * run calls in its place to read them (tracer-fork.c): for clone3's
	 * next seccomp stop with this struct clone_args (0: none).
	 */
	uint64_t clone3_args;
	uint64_t clone3_flags;
	struct thread *next;	/* in proc->threads */
	struct thread *hash_next;	/* in the task table's tid hash */
};

struct proc {
	struct task_table *table;	/* that lists it; NULL: a core's */
	pid_t pid;		/* thread group id */
	/* Its threads' seccomp stops of ptinspect's rules, by rule. */
	uint64_t stops[RULE_COUNT];
	pid_t parent_pid;	/* 0 for the root */
	bool is_root;		/* the process ptinspect started */
	/* has run exec (the pre-exec ptinspect child no) */
	bool execed;
	bool pause_wanted;	/* --pause-on-exit applies to this process */
	bool job_stopped;	/* in a job-control stop (SIGTSTP...) */
	/* a job stop held back until its exec (a vfork child: tracer.c) */
	bool job_stop_after_exec;
	/*
	 * A vfork child whose parent's vfork event named it, not exec'd
	 * since: the parent waits for its exec or exit (tracer-task.c).
	 */
	bool vfork_parent_waits;
	/*
	 * Has asked for a seccomp filter of its own (or descends from one
	 * that had): the data of its stops may be that filter's.
	 */
	bool own_filter;
	enum proc_state state;
	enum pause_reason reason;
	int exit_code;		/* PAUSE_EXIT: the exit status (0-255) */
	bool last_thread_exit;	/* PAUSE_EXIT by the last thread's exit(2) */
	int signal;		/* PAUSE_SIGNAL: the signal number */
	bool has_fault_addr;
	uint64_t fault_addr;	/* si_addr of SIGSEGV/SIGBUS/SIGFPE/SIGILL */
	pid_t paused_tid;	/* the thread that triggered the pause */
	char comm[32];		/* /proc/PID/comm at the last update */
	/*
	 * Post-mortem (postmortem.c): the process is a core file, read
	 * through it and never through /proc/PID; NULL for a live one.
	 */
	struct corefile *core;
	char *core_exe;		/* its executable, if the user named it */
	/* --snapshot: the directory `save` wrote the core into, or NULL. */
	char *snapshot;
	struct symbols *core_syms;	/* the core's modules (unwind.c) */
	struct coreunwind *core_bt;	/* its threads unwound, once */

	int nthreads;
	struct thread *threads;

	/* Owned by mem.c and the redirection layer; NULL until they need it. */
	struct mem_state *mem;
	struct redirect_state *redirect;

	/*
	 * A fork child borrowing its parent's memory (redirect-fork.c):
	 * the child names its lender and since when it borrows; the parent,
	 * held meanwhile, its borrower and its thread stopped after the fork.
	 * 0: none. borrow_rip is where injected calls run from when the child
	 * is stopped elsewhere than at a syscall.
	 */
	pid_t lender;
	uint64_t borrow_start_ms;
	uint64_t borrow_deadline_ms;	/* when to look at it again */
	uint64_t borrow_rip;	/* just after its fork's syscall instruction */
	pid_t borrower;
	pid_t held_tid;

	/* tracer-keeper.c: SIGSTOP sent for a hand-over; SIGCONT to drop */
	bool keeper_stopped;
	bool keeper_cont;
	bool keeper_undumped;	/* made dumpable for the hand-over */
	bool pause_reported;	/* handed out by tracer_next_paused */
	int wait_status;	/* valid when state == PROC_GONE */
	struct proc *next;
};

#define TASK_HASH_SIZE 1024

/* Every process seen (gone ones too) and a hash of live threads by tid. */
struct task_table {
	struct proc *procs;		/* in the order they came, gone too */
	struct proc *procs_tail;	/* the last of them, to append */
	/*
	 * At least how many are PROC_PAUSED and not yet reported (never
	 * fewer): tracer_next_paused walks the list only then.
	 */
	size_t unreported_pauses;
	struct thread *thread_hash[TASK_HASH_SIZE];
};

/*
 * A new process (state PROC_RUNNING, no thread yet) at the end of the
 * table's list, and a new thread of p, entered in the tid hash.
 */
struct proc *task_proc_new(struct task_table *tt, pid_t pid,
    pid_t parent_pid);
struct thread *task_thread_new(struct task_table *tt, struct proc *p,
    pid_t tid);
/* Removes t from its process and the hash, and frees it. */
void task_thread_delete(struct task_table *tt, struct thread *t);
/* t takes the id tid (a non-leader thread that execs becomes the leader). */
void task_thread_set_tid(struct task_table *tt, struct thread *t, pid_t tid);
/* Frees every process and thread, telling the release hooks first. */
void task_table_free(struct task_table *tt);

/* The live thread with id tid, in any process, or NULL. */
struct thread *task_find_thread(const struct task_table *tt, pid_t tid);
/* The process with thread group id pid that is not gone, or NULL. */
struct proc *task_find_proc(const struct task_table *tt, pid_t pid);

/* Rereads p->comm from /proc/PID/comm. */
void proc_read_comm(struct proc *p);

struct thread *proc_find_thread(struct proc *p, pid_t tid);

/* The thread to show first: the one that paused it, else the leader. */
struct thread *proc_main_thread(struct proc *p);

/* A live thread id to read /proc/TID/{maps,mem} through. */
pid_t proc_access_tid(struct proc *p);

/*
 * Has p made itself non-dumpable, as a non-root ptinspect sees it? The
 * kernel then gives the files in its /proc/PID (status among them) to
 * root, and refuses such a tracer its maps, its memory and a new attach.
 */
bool proc_not_dumpable(struct proc *p);

/*
 * Registers of a thread; the thread must be held (proc paused). 0, or -1
 * with *errp ("thread 123 is running").
 */
int thread_get_regs(struct thread *t, struct user_regs_struct *regs,
    char **errp);
int thread_set_regs(struct thread *t, const struct user_regs_struct *regs,
    char **errp);

/*
 * Where the program really is. The redirection layer may hold a thread
 * inside code of its own (the mmap stub, mid-mmap) with some registers
 * borrowed; it registers a view that rewrites such registers to the
 * program's own (true when it did), so that what ptinspect shows (regs,
 * bt, threads, the TUI) is the program's. Without one, registers are
 * shown as they are.
 */
void task_set_program_view(bool (*view)(struct proc *p,
    struct user_regs_struct *regs));
bool proc_program_view(struct proc *p, struct user_regs_struct *regs);

/* thread_get_regs, then proc_program_view: what ptinspect shows. */
int thread_program_regs(struct thread *t, struct user_regs_struct *regs,
    char **errp);

/*
 * Listeners. A forget hook is called when a process's address space goes
 * away (exec, death, teardown), a release hook just before its struct proc
 * is freed: how the layers that keep something per process (redirect.c,
 * mem.c, unwind.c) drop it without the tracer knowing them. Hooks are
 * called in the order they were added; adding one twice adds it once.
 */
void task_add_forget_hook(void (*hook)(struct proc *p));
void task_add_release_hook(void (*hook)(struct proc *p));
/* The tracer: p's address space is gone; tells every forget hook. */
void task_forget(struct proc *p);

#endif
