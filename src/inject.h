/*
 * inject.h: running syscalls inside a stopped tracee thread.
 *
 * A session starts at a seccomp stop (syscall entry) or at a stop right
 * after a syscall instruction (a new task's first stop, a syscall-exit
 * stop): each injected call points the thread back at that syscall
 * instruction with new registers and runs it to its syscall-exit stop.
 * inject_end puts every register back, with rax set to the result the
 * interrupted syscall should appear to return.
 *
 * Meanwhile the thread blocks every signal but the faults
 * (INJECT_BLOCK_MASK), so signals sent meanwhile wait in the kernel,
 * queued as natively, each with its siginfo, and come once inject_end has
 * put the program's mask back. A fault signal sent by another process
 * meanwhile, or one dequeued before the session, is kept and delivered
 * when the thread resumes. The death of the thread (or its
 * PTRACE_EVENT_EXIT stop) ends the session with -ESRCH and leaves the
 * wait status on the thread (has_deferred) for the tracer to handle.
 */
#ifndef PTI_INJECT_H
#define PTI_INJECT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

struct thread;

#define INJECT_MAX_KEPT_SIGNALS 8

/*
 * The signal mask of a thread ptinspect runs code in (an injection, a
 * stub lane holding a signal): every signal but the faults, which the
 * kernel would force through a block by resetting their handler.
 */
#define INJECT_BLOCK_MASK (~(1ULL << (SIGSEGV - 1) | 1ULL << (SIGBUS - 1) | \
	1ULL << (SIGILL - 1) | 1ULL << (SIGFPE - 1) | 1ULL << (SIGTRAP - 1) | \
	1ULL << (SIGSYS - 1)))

struct inject {
	struct thread *thread;
	struct user_regs_struct saved;	/* as found at the stop */
	uint64_t saved_mask;	/* the program's, while mask_set */
	bool mask_set;
	bool at_entry;		/* still at the original entry stop */
	int pending_sig;	/* first signal that arrived meanwhile */
	/* Later ones, sent again at the end. */
	int resend[INJECT_MAX_KEPT_SIGNALS];
	size_t nresend;
};

/* Begins a session on a stopped thread; at_entry: it is at a seccomp stop. */
int inject_begin(struct inject *inj, struct thread *t, bool at_entry);

/* Runs one syscall; returns its result (-errno on failure). */
long inject_syscall(struct inject *inj, long nr, long a0, long a1, long a2,
    long a3, long a4, long a5);

/*
 * prctl(PR_GET_DUMPABLE), and if it says `from`, prctl(PR_SET_DUMPABLE,
 * to): what PR_GET_DUMPABLE said, or the -errno of either call. How a
 * process made non-dumpable is opened for the moment to a non-root tracer
 * (which it refuses its memory, its /proc files and a new attach).
 */
long inject_swap_dumpable(struct inject *inj, long from, long to);

/*
 * Runs code already in the tracee instead of a syscall: the thread
 * resumes with *regs (rip at the code), without syscall stops, until it
 * reaches the int3 at `trap`; *regs then holds its registers there. 0;
 * -ESRCH as inject_syscall; -EFAULT where the code faulted or trapped
 * elsewhere (that signal is dropped: it was ours). Seccomp stops on the
 * way let the call run; other signals are kept, as for inject_syscall.
 */
int inject_run_code(struct inject *inj, struct user_regs_struct *regs,
    uint64_t trap);

/*
 * Copies len bytes into the thread's stack below the red zone and returns
 * their address (for path arguments); inject_end restores what was there.
 * A later call in the same session replaces them (0 on failure).
 */
uint64_t inject_scratch(struct inject *inj, const void *data, size_t len);
/* Where inject_scratch puts them: for data that points into itself. */
uint64_t inject_scratch_base(const struct inject *inj);

/*
 * Ends the session: registers as saved, except rax = result (the value
 * the original syscall returns) when set_result is true. The thread stays
 * stopped; the tracer resumes it.
 */
int inject_end(struct inject *inj, bool set_result, long result);

#endif
