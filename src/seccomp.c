/*
 * seccomp.c: the BPF filter that stops the tracee only on the syscalls
 * ptinspect must see (SECCOMP_RET_TRACE, with the rule number in
 * SECCOMP_RET_DATA) and lets every other syscall run untraced.
 *
 * The filter is installed by the child just before exec and is inherited by
 * every thread and child process; that is why everything must stay traced:
 * a SECCOMP_RET_TRACE with no tracer fails the syscall with ENOSYS.
 *
 * Syscalls of other ABIs (int 0x80, x32) are allowed untraced: the
 * PTRACE_EVENT_EXIT backstop in tracer.c still sees those exits.
 *
 * The tracer runs the same program on a stop's registers
 * (seccomp_program_rule) to learn which rule stopped it without a
 * PTRACE_GETEVENTMSG: the kernel ran this program on the same values.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <unistd.h>

#include "seccomp.h"
#include "stub-layout.h"
#include "util.h"

#define X32_SYSCALL_BIT 0x40000000u

#define LOAD(field) \
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, field))
#define RET(value) BPF_STMT(BPF_RET | BPF_K, (value))
/* If the accumulator equals k, return `ret`, else fall through. */
#define IF_EQ_RET(k, ret) \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), 0, 1), RET(ret)

/* The low 32 bits of argument n (x86-64 is little-endian). */
#define LOAD_ARG(n) \
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, \
	    offsetof(struct seccomp_data, args[n]))
/* The upper 32 bits of argument n. */
#define LOAD_ARG_HIGH(n) \
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, \
	    offsetof(struct seccomp_data, args[n]) + 4)
#define TRACE(rule) RET(SECCOMP_RET_TRACE | (rule))
#define JUMP(op, k, t, f) BPF_JUMP(BPF_JMP | (op) | BPF_K, (k), (t), (f))
/*
 * Made by ptinspect, argument arg tagged (STUB_CALL_TAG, stub-layout.h):
 * skip the n instructions after these two; else go on after them. The
 * argument's upper half is loaded.
 */
#define IF_TAGGED_SKIP(arg, n) \
	LOAD_ARG_HIGH(arg), \
	JUMP(BPF_JEQ, STUB_CALL_TAG, (n), 0)

/*
 * Other ABIs pass untraced; exit_group stops; so does clone with
 * CLONE_UNTRACED, whose child would inherit this filter with no tracer to
 * answer its SECCOMP_RET_TRACE rules (every mmap, brk and exit_group of it
 * would fail with ENOSYS: LeakSanitizer's helper task hung that way). The
 * number stays loaded.
 */
#define HEADER \
	LOAD(arch), \
	JUMP(BPF_JEQ, AUDIT_ARCH_X86_64, 1, 0), \
	RET(SECCOMP_RET_ALLOW), \
	LOAD(nr), \
	JUMP(BPF_JGE, X32_SYSCALL_BIT, 0, 1), \
	RET(SECCOMP_RET_ALLOW), \
	IF_EQ_RET(__NR_exit_group, SECCOMP_RET_TRACE | RULE_EXIT_GROUP), \
	JUMP(BPF_JEQ, __NR_clone, 0, 4), \
	LOAD_ARG(0), \
	JUMP(BPF_JSET, CLONE_UNTRACED, 0, 1), \
	TRACE(RULE_UNTRACED), \
	LOAD(nr)

/*
 * The memory rules, entered with the syscall number in the accumulator.
 * Each block that loads an argument ends in its own RET, so the blocks
 * after it still see the number. Jump offsets count the instructions
 * after the jump.
 */
#define MEMORY_RULES(fd, prot_bits) \
	/* \
	 * The program's own filter would see what ptinspect runs in it \
	 * (MAP_SHARED mmaps): redirection ends there (redirect.c) \
	 */ \
	IF_EQ_RET(__NR_seccomp, SECCOMP_RET_TRACE | RULE_OWN_FILTER), \
	JUMP(BPF_JEQ, __NR_prctl, 0, 4), \
	LOAD_ARG(0), \
	JUMP(BPF_JEQ, PR_SET_SECCOMP, 0, 1), \
	TRACE(RULE_OWN_FILTER), \
	RET(SECCOMP_RET_ALLOW), \
	/* \
	 * mmap: not ptinspect's (its descriptor tagged), and private \
	 * anonymous and not executable, or MAP_FIXED(_NOREPLACE), or \
	 * private and writable of a file (RLIMIT_DATA counts it: \
	 * redirect-brk.c; no common program maps so, ld.so and libc map \
	 * writable segments MAP_FIXED) \
	 */ \
	JUMP(BPF_JEQ, __NR_mmap, 0, 13), \
	IF_TAGGED_SKIP(4, 10), \
	LOAD_ARG(3), \
	JUMP(BPF_JSET, MAP_FIXED | MAP_FIXED_NOREPLACE, 7, 0), \
	BPF_STMT(BPF_ALU | BPF_AND | BPF_K, MAP_TYPE | MAP_ANONYMOUS), \
	JUMP(BPF_JEQ, MAP_PRIVATE | MAP_ANONYMOUS, 0, 2), \
	LOAD_ARG(2), \
	JUMP(BPF_JSET, PROT_EXEC, 4, 3), \
	JUMP(BPF_JEQ, MAP_PRIVATE, 0, 3), \
	LOAD_ARG(2), \
	JUMP(BPF_JSET, PROT_WRITE, 0, 1), \
	TRACE(RULE_MMAP), \
	RET(SECCOMP_RET_ALLOW), \
	/* munmap: not ptinspect's (its unused third argument tagged) */ \
	JUMP(BPF_JEQ, __NR_munmap, 0, 4), \
	IF_TAGGED_SKIP(2, 1), \
	TRACE(RULE_MUNMAP), \
	RET(SECCOMP_RET_ALLOW), \
	/* \
	 * mprotect, pkey_mprotect: making memory executable, or writable \
	 * where RLIMIT_DATA is finite from the start (prot_bits: \
	 * filter_build) \
	 */ \
	JUMP(BPF_JEQ, __NR_mprotect, 1, 0), \
	JUMP(BPF_JEQ, __NR_pkey_mprotect, 0, 4), \
	LOAD_ARG(2), \
	JUMP(BPF_JSET, (prot_bits), 0, 1), \
	TRACE(RULE_MPROTECT), \
	RET(SECCOMP_RET_ALLOW), \
	/* \
	 * setrlimit(RLIMIT_DATA), prlimit64(_, RLIMIT_DATA, ...): a \
	 * finite limit wants mprotect's writes watched (redirect-brk.c) \
	 */ \
	JUMP(BPF_JEQ, __NR_setrlimit, 0, 4), \
	LOAD_ARG(0), \
	JUMP(BPF_JEQ, RLIMIT_DATA, 0, 1), \
	TRACE(RULE_RLIMIT), \
	RET(SECCOMP_RET_ALLOW), \
	JUMP(BPF_JEQ, __NR_prlimit64, 0, 4), \
	LOAD_ARG(1), \
	JUMP(BPF_JEQ, RLIMIT_DATA, 0, 1), \
	TRACE(RULE_RLIMIT), \
	RET(SECCOMP_RET_ALLOW), \
	/* \
	 * setuid, setreuid, setresuid, capset: the privilege that adding \
	 * that filter needs may go (redirect-brk.c) \
	 */ \
	IF_EQ_RET(__NR_setuid, SECCOMP_RET_TRACE | RULE_CREDS), \
	IF_EQ_RET(__NR_setreuid, SECCOMP_RET_TRACE | RULE_CREDS), \
	IF_EQ_RET(__NR_setresuid, SECCOMP_RET_TRACE | RULE_CREDS), \
	IF_EQ_RET(__NR_capset, SECCOMP_RET_TRACE | RULE_CREDS), \
	IF_EQ_RET(__NR_brk, SECCOMP_RET_TRACE | RULE_BRK), \
	/* mseal: sealed memory must be the program's own (redirect.c) */ \
	IF_EQ_RET(__NR_mseal, SECCOMP_RET_TRACE | RULE_MSEAL), \
	/* \
	 * mlock, mlock2, mlockall: locked memory refuses MADV_DONTNEED \
	 * and MADV_FREE (redirect.c) \
	 */ \
	IF_EQ_RET(__NR_mlock, SECCOMP_RET_TRACE | RULE_MLOCK), \
	IF_EQ_RET(__NR_mlock2, SECCOMP_RET_TRACE | RULE_MLOCK), \
	IF_EQ_RET(__NR_mlockall, SECCOMP_RET_TRACE | RULE_MLOCK), \
	IF_EQ_RET(__NR_mremap, SECCOMP_RET_TRACE | RULE_MREMAP), \
	IF_EQ_RET(__NR_fork, SECCOMP_RET_TRACE | RULE_FORK), \
	IF_EQ_RET(__NR_clone3, SECCOMP_RET_TRACE | RULE_FORK), \
	/* clone without CLONE_VM: a new address space */ \
	JUMP(BPF_JEQ, __NR_clone, 0, 4), \
	LOAD_ARG(0), \
	JUMP(BPF_JSET, CLONE_VM, 0, 1), \
	RET(SECCOMP_RET_ALLOW), \
	TRACE(RULE_FORK), \
	/* \
	 * madvise: the zeroing advices, and WIPEONFORK and KEEPONFORK \
	 * (which a shared mapping refuses, and takes); DONTFORK and \
	 * DOFORK run untraced, the shared mapping takes them as it is \
	 */ \
	JUMP(BPF_JEQ, __NR_madvise, 0, 15), \
	LOAD_ARG(2), \
	IF_EQ_RET(MADV_DONTNEED, SECCOMP_RET_TRACE | RULE_MADVISE), \
	IF_EQ_RET(24 /* MADV_DONTNEED_LOCKED */, \
	    SECCOMP_RET_TRACE | RULE_MADVISE), \
	IF_EQ_RET(102 /* MADV_GUARD_INSTALL */, \
	    SECCOMP_RET_TRACE | RULE_MADVISE), \
	IF_EQ_RET(MADV_FREE, SECCOMP_RET_TRACE | RULE_MADVISE), \
	IF_EQ_RET(MADV_REMOVE, SECCOMP_RET_TRACE | RULE_MADVISE), \
	JUMP(BPF_JGE, MADV_WIPEONFORK, 0, 1), \
	JUMP(BPF_JGT, MADV_KEEPONFORK, 0, 1), \
	RET(SECCOMP_RET_ALLOW), \
	TRACE(RULE_MADVISE), \
	/* shmat(_, _, SHM_REMAP): over whatever was mapped there */ \
	JUMP(BPF_JEQ, __NR_shmat, 0, 4), \
	LOAD_ARG(2), \
	JUMP(BPF_JSET, SHM_REMAP, 0, 1), \
	TRACE(RULE_SHMAT), \
	RET(SECCOMP_RET_ALLOW), \
	/* close(fd) */ \
	JUMP(BPF_JEQ, __NR_close, 0, 4), \
	LOAD_ARG(0), \
	JUMP(BPF_JEQ, (fd), 0, 1), \
	TRACE(RULE_RESERVED_FD), \
	RET(SECCOMP_RET_ALLOW), \
	/* dup2(_, fd), dup3(_, fd, _) */ \
	JUMP(BPF_JEQ, __NR_dup2, 1, 0), \
	JUMP(BPF_JEQ, __NR_dup3, 0, 4), \
	LOAD_ARG(1), \
	JUMP(BPF_JEQ, (fd), 0, 1), \
	TRACE(RULE_RESERVED_FD), \
	RET(SECCOMP_RET_ALLOW), \
	/* close_range(lo, hi, _) with lo <= fd <= hi */ \
	JUMP(BPF_JEQ, __NR_close_range, 0, 5), \
	LOAD_ARG(0), \
	JUMP(BPF_JGT, (fd), 3, 0), \
	LOAD_ARG(1), \
	JUMP(BPF_JGE, (fd), 0, 1), \
	TRACE(RULE_RESERVED_FD), \
	RET(SECCOMP_RET_ALLOW)

/* Room for the longest program below. */
#define FILTER_MAX 160

/*
 * Copies into out (FILTER_MAX long) the program for reserved_fd, which
 * stops mprotect making memory writable too where watch_writes.
 */
static unsigned
filter_build(int reserved_fd, bool watch_writes, struct sock_filter *out)
{
	const struct sock_filter full[] = {
		HEADER,
		MEMORY_RULES((unsigned)reserved_fd, watch_writes ?
		    PROT_EXEC | PROT_WRITE : PROT_EXEC),
		RET(SECCOMP_RET_ALLOW),
	};
	const struct sock_filter exit_only[] = {
		HEADER,
		RET(SECCOMP_RET_ALLOW),
	};

	_Static_assert(ARRAY_SIZE(full) <= FILTER_MAX, "FILTER_MAX is short");
	if (reserved_fd < 0) {
		memcpy(out, exit_only, sizeof(exit_only));
		return ARRAY_SIZE(exit_only);
	}
	memcpy(out, full, sizeof(full));
	return ARRAY_SIZE(full);
}

const char *
seccomp_rule_name(int rule)
{
	static const char *const names[RULE_COUNT] = {
		[RULE_NONE] = "none", [RULE_EXIT_GROUP] = "exit_group",
		[RULE_MMAP] = "mmap", [RULE_MUNMAP] = "munmap",
		[RULE_MREMAP] = "mremap", [RULE_MADVISE] = "madvise",
		[RULE_FORK] = "fork", [RULE_RESERVED_FD] = "fd",
		[RULE_BRK] = "brk", [RULE_MPROTECT] = "mprotect",
		[RULE_SHMAT] = "shmat", [RULE_UNTRACED] = "untraced",
		[RULE_OWN_FILTER] = "seccomp", [RULE_MSEAL] = "mseal",
		[RULE_MLOCK] = "mlock", [RULE_RLIMIT] = "rlimit",
		[RULE_CREDS] = "creds",
	};

	return rule >= 0 && rule < RULE_COUNT && names[rule] != NULL ?
	    names[rule] : "?";
}

bool
seccomp_data_limited(void)
{
	struct rlimit rl;

	return getrlimit(RLIMIT_DATA, &rl) == 0 &&
	    (rl.rlim_cur == 0 ? rl.rlim_max : rl.rlim_cur) != RLIM_INFINITY;
}

int
seccomp_install(int reserved_fd, bool watch_writes)
{
	struct sock_filter insns[FILTER_MAX];
	/*
	 * SPEC_ALLOW: without it the kernel turns on the speculative store
	 * bypass mitigation for the filtered task, a slowdown that a native
	 * run does not pay.
	 */
	unsigned long filter_flags = SECCOMP_FILTER_FLAG_SPEC_ALLOW;
	struct sock_fprog prog = {
		.len = (unsigned short)filter_build(reserved_fd, watch_writes,
		    insns),
		.filter = insns,
	};

	/*
	 * With CAP_SYS_ADMIN the filter installs as is, which keeps setuid
	 * programs working; without it the kernel wants no_new_privs.
	 */
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, filter_flags,
	    &prog) == 0)
		return 0;
	if (errno != EACCES || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, filter_flags,
	    &prog);
}

/* ---------------------------------------------------------------------
 * The filter run here, on a stop's registers
 * ------------------------------------------------------------------- */

struct seccomp_program {
	unsigned len;
	struct sock_filter insns[FILTER_MAX];
};

struct seccomp_program *
seccomp_program_new(int reserved_fd, bool watch_writes)
{
	struct seccomp_program *prog = xcalloc(1, sizeof(*prog));

	prog->len = filter_build(reserved_fd, watch_writes, prog->insns);
	return prog;
}

struct seccomp_program *
seccomp_program_new_writes(void)
{
	static const struct sock_filter insns[] = {
		LOAD(arch),
		JUMP(BPF_JEQ, AUDIT_ARCH_X86_64, 1, 0),
		RET(SECCOMP_RET_ALLOW),
		LOAD(nr),
		JUMP(BPF_JEQ, __NR_mprotect, 1, 0),
		JUMP(BPF_JEQ, __NR_pkey_mprotect, 0, 3),
		LOAD_ARG(2),
		JUMP(BPF_JSET, PROT_WRITE, 0, 1),
		TRACE(RULE_MPROTECT),
		RET(SECCOMP_RET_ALLOW),
	};
	struct seccomp_program *prog = xcalloc(1, sizeof(*prog));

	memcpy(prog->insns, insns, sizeof(insns));
	prog->len = ARRAY_SIZE(insns);
	return prog;
}

void
seccomp_program_free(struct seccomp_program *prog)
{
	free(prog);
}

const struct sock_filter *
seccomp_program_insns(const struct seccomp_program *prog, unsigned *len)
{
	*len = prog->len;
	return prog->insns;
}

/*
 * Classic BPF as the kernel runs a seccomp filter, for the instructions
 * the programs above use: 32-bit loads of struct seccomp_data, AND,
 * forward jumps, RET. false for anything else (or a load out of bounds),
 * which the programs never hold.
 */
static bool
run_filter(const struct seccomp_program *prog, const struct seccomp_data *d,
    uint32_t *ret)
{
	uint32_t a = 0, k;
	unsigned pc = 0;

	while (pc < prog->len) {
		const struct sock_filter *in = &prog->insns[pc++];

		k = in->k;
		switch (in->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (k % 4 != 0 || k > sizeof(*d) - 4)
				return false;
			memcpy(&a, (const char *)d + k, 4);
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= k;
			break;
		case BPF_JMP | BPF_JA:
			pc += k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == k ? in->jt : in->jf;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			pc += a > k ? in->jt : in->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += a >= k ? in->jt : in->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (a & k) ? in->jt : in->jf;
			break;
		case BPF_RET | BPF_K:
			*ret = k;
			return true;
		default:
			return false;
		}
	}
	return false;
}

int
seccomp_program_rule(const struct seccomp_program *prog,
    const struct user_regs_struct *regs)
{
	struct seccomp_data d = {
		.nr = (int)regs->orig_rax,
		.arch = AUDIT_ARCH_X86_64,
		.instruction_pointer = regs->rip,
		.args = { regs->rdi, regs->rsi, regs->rdx, regs->r10, regs->r8,
		    regs->r9 },
	};
	uint32_t ret;

	if (!run_filter(prog, &d, &ret) ||
	    (ret & SECCOMP_RET_ACTION_FULL) != SECCOMP_RET_TRACE)
		return RULE_NONE;
	return (int)(ret & SECCOMP_RET_DATA);
}
