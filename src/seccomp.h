/*
 * seccomp.h: the BPF filter that makes the kernel stop the tracee only on
 * the syscalls ptinspect must see. Every other syscall runs untraced.
 * SECCOMP_RET_DATA of each stop says which rule fired (enum seccomp_rule).
 */
#ifndef PTI_SECCOMP_H
#define PTI_SECCOMP_H

#include <stdbool.h>

/* mseal(2), Linux 6.10, newer than some headers. */
#ifndef __NR_mseal
#define __NR_mseal 462
#endif

enum seccomp_rule {
	RULE_NONE = 0,
	RULE_EXIT_GROUP,	/* exit_group */
	RULE_MMAP,		/* mmap: private anonymous non-exec,
				 * MAP_FIXED(_NOREPLACE), private writable
				 * of a file; not ptinspect's (tagged) */
	RULE_MUNMAP,		/* munmap, not ptinspect's (tagged) */
	RULE_MREMAP,		/* mremap */
	RULE_MADVISE,		/* madvise: zeroing and fork advices */
	RULE_FORK,		/* fork, clone without CLONE_VM, clone3 */
	/* close/dup2/dup3/close_range reaching reserved_fd */
	RULE_RESERVED_FD,
	RULE_BRK,		/* brk */
	/* mprotect, pkey_mprotect adding PROT_EXEC (or PROT_WRITE) */
	RULE_MPROTECT,
	/* shmat with SHM_REMAP (may replace our memory) */
	RULE_SHMAT,
	RULE_UNTRACED,		/* clone with CLONE_UNTRACED */
	RULE_OWN_FILTER,	/* seccomp(2), prctl(PR_SET_SECCOMP) */
	RULE_MSEAL,		/* mseal */
	RULE_MLOCK,		/* mlock, mlock2, mlockall */
	/* setrlimit, prlimit64 of RLIMIT_DATA */
	RULE_RLIMIT,
	/* setuid, setreuid, setresuid, capset: a privilege may go */
	RULE_CREDS,
	RULE_COUNT		/* not a rule: how many there are */
};

/* A rule's name ("mmap", "rlimit"...), "none" for RULE_NONE. */
const char *seccomp_rule_name(int rule);

/*
 * Installs the filter on the calling process (the child, just before
 * exec). reserved_fd is the descriptor number ptinspect keeps its memfd at
 * in the tracee (see redirect.c); -1 for a filter without the memory
 * rules. mprotect stops where it makes memory executable, and also where
 * it makes memory writable if watch_writes: RLIMIT_DATA counts private
 * writable memory, which redirected memory is natively, so under a
 * finite limit ptinspect must see such calls (redirect-brk.c). A process
 * whose limit becomes finite later gets seccomp_program_new_writes' filter
 * on top. seccomp_data_limited: is the calling process's RLIMIT_DATA
 * finite (a soft limit of 0 meaning the hard one, as the kernel has it)?
 * Returns 0, or -1 with errno when seccomp is unavailable.
 */
int seccomp_install(int reserved_fd, bool watch_writes);
bool seccomp_data_limited(void);

/*
 * The program seccomp_install(reserved_fd) installs, kept to be run here:
 * seccomp_program_rule gives the rule it returns for the x86-64 system
 * call a stop's registers hold (orig_rax, the arguments, rip after the
 * syscall instruction: what the kernel gave it), or RULE_NONE where it
 * lets the call run. Whether a stop's data can be another filter's is
 * the caller's business (tracer_stop_rule, tracer-fork.c).
 * seccomp_program_insns gives the instructions (tests run them in the
 * kernel).
 */
struct seccomp_program;
struct sock_filter;
struct user_regs_struct;
struct seccomp_program *seccomp_program_new(int reserved_fd,
    bool watch_writes);
/*
 * The filter ptinspect adds to a process whose RLIMIT_DATA becomes finite:
 * mprotect and pkey_mprotect making memory writable stop (RULE_MPROTECT),
 * all else runs.
 */
struct seccomp_program *seccomp_program_new_writes(void);
void seccomp_program_free(struct seccomp_program *prog);
int seccomp_program_rule(const struct seccomp_program *prog,
    const struct user_regs_struct *regs);
const struct sock_filter *seccomp_program_insns(
    const struct seccomp_program *prog, unsigned *len);

#endif
