/*
 * inject.c: running syscalls inside a stopped tracee thread (see inject.h).
 *
 * x86-64 specifics: `syscall` is two bytes (0f 05), so a thread stopped
 * just after one re-runs it with rip - 2 and the syscall number in rax. At
 * a seccomp stop nothing has run yet: changing orig_rax and the argument
 * registers replaces the syscall in place (the kernel re-reads them and
 * re-checks the filter without stopping again). Each call is run to its
 * syscall-exit stop with PTRACE_SYSCALL, passing any entry or seccomp stop
 * the re-run syscall makes on the way. An mmap or munmap goes tagged
 * (STUB_CALL_TAG), which the filter lets through without that stop;
 * not in a process with a filter of its own, which may check the
 * descriptor, and sees ptinspect's calls as they were before the tag.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "inject.h"
#include "stub-layout.h"
#include "task.h"
#include "util.h"

#define RED_ZONE 128
#define SCRATCH_MAX 512

/*
 * The first signal that arrives is delivered when the thread resumes, with
 * its siginfo; later ones are sent again with tgkill at inject_end (their
 * siginfo is lost, as with any re-sent signal).
 */
static void
keep_signal(struct inject *inj, int sig)
{
	if (inj->pending_sig == 0)
		inj->pending_sig = sig;
	else if (inj->nresend < INJECT_MAX_KEPT_SIGNALS)
		inj->resend[inj->nresend++] = sig;
}

static uint8_t scratch_saved[SCRATCH_MAX];
static size_t scratch_len;
static uint64_t scratch_addr;

/*
 * A status that ends the session (death, PTRACE_EVENT_EXIT) is left on the
 * thread for the tracer, which has not seen it: see thread->has_deferred.
 */
static int
give_back(struct inject *inj, int status)
{
	inj->thread->has_deferred = true;
	inj->thread->deferred_status = status;
	return -ESRCH;
}

/*
 * The thread's next stop: 0 with its *status, or -ESRCH where it is gone
 * or exiting.
 */
static int
next_stop(struct inject *inj, int *status)
{
	while (waitpid(inj->thread->tid, status, __WALL) < 0)
		if (errno != EINTR)
			return -ESRCH;
	if (!WIFSTOPPED(*status) || (*status >> 16) == PTRACE_EVENT_EXIT)
		return give_back(inj, *status);
	return 0;
}

static int
wait_syscall_exit(struct inject *inj)
{
	pid_t tid = inj->thread->tid;
	struct __ptrace_syscall_info info;
	int status, sig;

	for (;;) {
		if (next_stop(inj, &status) != 0)
			return -ESRCH;
		sig = WSTOPSIG(status);
		if (sig == (SIGTRAP | 0x80) &&
		    ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof(info),
		    &info) > 0 && info.op == PTRACE_SYSCALL_INFO_EXIT)
			return 0;
		/* Ordinary signals wait until the session is over. */
		if ((status >> 16) == 0 && sig != (SIGTRAP | 0x80))
			keep_signal(inj, sig);
		if (ptrace(PTRACE_SYSCALL, tid, 0, 0) != 0)
			return -ESRCH;
	}
}

int
inject_begin(struct inject *inj, struct thread *t, bool at_entry)
{
	uint64_t block = INJECT_BLOCK_MASK;

	memset(inj, 0, sizeof(*inj));
	inj->thread = t;
	inj->at_entry = at_entry;
	scratch_len = 0;
	if (thread_get_regs(t, &inj->saved, NULL) != 0)
		return -1;
	inj->mask_set = ptrace(PTRACE_GETSIGMASK, t->tid,
	    sizeof(inj->saved_mask), &inj->saved_mask) == 0 &&
	    ptrace(PTRACE_SETSIGMASK, t->tid, sizeof(block), &block) == 0;
	return 0;
}

long
inject_syscall(struct inject *inj, long nr, long a0, long a1, long a2,
    long a3, long a4, long a5)
{
	struct user_regs_struct regs = inj->saved;
	pid_t tid = inj->thread->tid;
	int err;

	if (inj->at_entry) {
		regs.orig_rax = (unsigned long long)nr;
	} else {
		regs.rax = (unsigned long long)nr;
		regs.orig_rax = (unsigned long long)-1;
		regs.rip = inj->saved.rip - 2;
	}
	regs.rdi = (unsigned long long)a0;
	regs.rsi = (unsigned long long)a1;
	regs.rdx = (unsigned long long)a2;
	regs.r10 = (unsigned long long)a3;
	regs.r8 = (unsigned long long)a4;
	regs.r9 = (unsigned long long)a5;
	if (nr == SYS_mmap && !inj->thread->proc->own_filter)
		regs.r8 = stub_tagged_fd(a4);
	else if (nr == SYS_munmap && !inj->thread->proc->own_filter)
		regs.rdx = STUB_TAGGED_NOTHING;
	if (ptrace(PTRACE_SETREGS, tid, 0, &regs) != 0 ||
	    ptrace(PTRACE_SYSCALL, tid, 0, 0) != 0)
		return -ESRCH;
	err = wait_syscall_exit(inj);
	if (err != 0)
		return err;
	inj->at_entry = false;
	if (ptrace(PTRACE_GETREGS, tid, 0, &regs) != 0)
		return -ESRCH;
	return (long)regs.rax;
}

long
inject_swap_dumpable(struct inject *inj, long from, long to)
{
	long was = inject_syscall(inj, SYS_prctl, PR_GET_DUMPABLE, 0, 0, 0,
	    0, 0), r;

	if (was != from)
		return was;
	r = inject_syscall(inj, SYS_prctl, PR_SET_DUMPABLE, to, 0, 0, 0, 0);
	return r < 0 ? r : was;
}

/* Did the thread stop with sig because the code it ran faulted? */
static bool
code_fault(pid_t tid, int sig)
{
	siginfo_t si;

	if (sig != SIGSEGV && sig != SIGBUS && sig != SIGILL &&
	    sig != SIGFPE && sig != SIGTRAP && sig != SIGSYS)
		return false;
	/* Sent by a process (kill, tgkill, sigqueue): not a fault. */
	return ptrace(PTRACE_GETSIGINFO, tid, 0, &si) != 0 || si.si_code > 0;
}

int
inject_run_code(struct inject *inj, struct user_regs_struct *regs,
    uint64_t trap)
{
	pid_t tid = inj->thread->tid;
	int status, sig;

	/*
	 * No syscall: at a seccomp stop the original call is skipped, and
	 * nothing restarts one into the code.
	 */
	regs->orig_rax = (unsigned long long)-1;
	if (ptrace(PTRACE_SETREGS, tid, 0, regs) != 0 ||
	    ptrace(PTRACE_CONT, tid, 0, 0) != 0)
		return -ESRCH;
	inj->at_entry = false;
	for (;;) {
		if (next_stop(inj, &status) != 0)
			return -ESRCH;
		sig = WSTOPSIG(status);
		if ((status >> 16) == 0 && code_fault(tid, sig)) {
			if (ptrace(PTRACE_GETREGS, tid, 0, regs) != 0)
				return -ESRCH;
			if (sig == SIGTRAP && regs->rip == trap + 1)
				return 0;
			return -EFAULT;
		}
		if ((status >> 16) == 0)
			keep_signal(inj, sig);
		if (ptrace(PTRACE_CONT, tid, 0, 0) != 0)
			return -ESRCH;
	}
}

/* The bytes the scratch area held before it was used go back, if any. */
static void
scratch_put_back(pid_t tid)
{
	struct iovec local, remote;

	if (scratch_len == 0)
		return;
	remote = (struct iovec){ (void *)(uintptr_t)scratch_addr, scratch_len };
	local = (struct iovec){ scratch_saved, scratch_len };
	process_vm_writev(tid, &local, 1, &remote, 1, 0);
	scratch_len = 0;
}

uint64_t
inject_scratch_base(const struct inject *inj)
{
	return (inj->saved.rsp - RED_ZONE - SCRATCH_MAX) & ~15ULL;
}

uint64_t
inject_scratch(struct inject *inj, const void *data, size_t len)
{
	pid_t tid = inj->thread->tid;
	struct iovec local, remote;

	if (len > SCRATCH_MAX)
		fatalx("inject_scratch: %zu bytes (bug)", len);
	/* A second use in one session: the first one's bytes go back. */
	scratch_put_back(tid);
	scratch_addr = inject_scratch_base(inj);
	remote = (struct iovec){ (void *)(uintptr_t)scratch_addr, len };
	local = (struct iovec){ scratch_saved, len };
	if (process_vm_readv(tid, &local, 1, &remote, 1, 0) != (ssize_t)len)
		return 0;
	local = (struct iovec){ (void *)data, len };
	if (process_vm_writev(tid, &local, 1, &remote, 1, 0) != (ssize_t)len)
		return 0;
	scratch_len = len;
	return scratch_addr;
}

int
inject_end(struct inject *inj, bool set_result, long result)
{
	struct user_regs_struct regs = inj->saved;
	pid_t tid = inj->thread->tid, pid;
	size_t i;

	scratch_put_back(tid);
	if (set_result)
		regs.rax = (unsigned long long)result;
	if (inj->mask_set && ptrace(PTRACE_SETSIGMASK, tid,
	    sizeof(inj->saved_mask), &inj->saved_mask) != 0)
		return -1;
	inj->mask_set = false;
	if (ptrace(PTRACE_SETREGS, tid, 0, &regs) != 0)
		return -1;
	inj->thread->regs = regs;
	inj->thread->regs_valid = true;
	pid = inj->thread->proc->pid;
	if (inj->pending_sig != 0 && inj->thread->resume_sig == 0)
		inj->thread->resume_sig = inj->pending_sig;
	else if (inj->pending_sig != 0)
		syscall(SYS_tgkill, pid, tid, inj->pending_sig);
	for (i = 0; i < inj->nresend; i++)
		syscall(SYS_tgkill, pid, tid, inj->resend[i]);
	return 0;
}
