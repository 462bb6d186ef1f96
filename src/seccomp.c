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
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "seccomp.h"
#include "util.h"

#define X32_SYSCALL_BIT 0x40000000u

#define LOAD(field) \
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, field))
#define RET(value) BPF_STMT(BPF_RET | BPF_K, (value))
/* If the accumulator equals k, return `ret`, else fall through. */
#define IF_EQ_RET(k, ret) \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (k), 0, 1), RET(ret)

int
seccomp_install(void)
{
	struct sock_filter code[] = {
		LOAD(arch),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		RET(SECCOMP_RET_ALLOW),
		LOAD(nr),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT, 0, 1),
		RET(SECCOMP_RET_ALLOW),
		IF_EQ_RET(__NR_exit_group, SECCOMP_RET_TRACE | RULE_EXIT_GROUP),
		RET(SECCOMP_RET_ALLOW),
	};
	/*
	 * SPEC_ALLOW: without it the kernel turns on the speculative store
	 * bypass mitigation for the filtered task, a slowdown (~15% on a
	 * syscall-heavy run) that a native run does not pay.
	 */
	unsigned long filter_flags = SECCOMP_FILTER_FLAG_SPEC_ALLOW;
	struct sock_fprog prog = {
		.len = ARRAY_SIZE(code),
		.filter = code,
	};

	/*
	 * With CAP_SYS_ADMIN the filter installs as is, which keeps setuid
	 * programs working; without it the kernel wants no_new_privs.
	 */
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, filter_flags, &prog) == 0)
		return 0;
	if (errno != EACCES || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, filter_flags, &prog);
}
