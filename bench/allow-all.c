/*
 * allow-all: runs a command under a seccomp filter that allows every
 * syscall, without ptrace. It measures the floor of ptinspect's tracing
 * cost: merely having a filter sends each syscall through the kernel's
 * slow entry path, whatever the filter says. Like ptinspect's filter it
 * asks for SECCOMP_FILTER_FLAG_SPEC_ALLOW, so the speculative store bypass
 * mitigation does not add to the cost.
 *
 *	bench/allow-all PROGRAM [ARG...]
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sock_filter insns[] = {
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {
		.len = sizeof(insns) / sizeof(insns[0]),
		.filter = insns,
	};

	if (argc < 2) {
		fputs("usage: allow-all PROGRAM [ARG...]\n", stderr);
		return 2;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
		    SECCOMP_FILTER_FLAG_SPEC_ALLOW, &prog) != 0) {
		fprintf(stderr, "allow-all: seccomp: %s\n", strerror(errno));
		return 125;
	}
	execvp(argv[1], argv + 1);
	fprintf(stderr, "allow-all: %s: %s\n", argv[1], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
