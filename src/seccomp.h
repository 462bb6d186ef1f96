/*
 * seccomp.h: the BPF filter that makes the kernel stop the tracee only on
 * the syscalls ptinspect must see. Every other syscall runs untraced.
 * SECCOMP_RET_DATA of each stop says which rule fired (enum seccomp_rule).
 */
#ifndef PTI_SECCOMP_H
#define PTI_SECCOMP_H

#include <stdbool.h>

enum seccomp_rule {
	RULE_NONE = 0,
	RULE_EXIT_GROUP = 1,
};

/*
 * Installs the filter on the calling process (the child, just before
 * exec). Returns 0, or -1 with errno when seccomp is unavailable.
 */
int seccomp_install(void);

#endif
