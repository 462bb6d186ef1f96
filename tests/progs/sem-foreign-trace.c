/*
 * sem-foreign-trace: the program's own seccomp filter returns
 * SECCOMP_RET_TRACE for calls ptinspect never asked to see, with data that
 * happens to equal ptinspect's own rule numbers (1 to 4) or 0. With no
 * tracer of its own, the kernel fails those calls with ENOSYS; ptinspect
 * must not take them for its own stops (getppid taken for an mmap or a
 * munmap zeroed a live buffer) nor let them succeed.
 */
#include "sem.h"

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#define LEN (1024 * 1024)

/* getppid -> TRACE|data, every other call allowed. */
static void install_filter(unsigned data)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | data),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = 4, .filter = f };

	sem_check(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0,
	    "no_new_privs", "%s", strerror(errno));
	sem_check(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0,
	    "install the program's own filter", "%s", strerror(errno));
}

int main(void)
{
	unsigned char *buf = sem_map(LEN, PROT_READ | PROT_WRITE);
	unsigned data;
	long r;

	sem_watchdog(60);
	sem_fill(buf, LEN, 7);
	for (data = 0; data <= 4; data++) {
		install_filter(data);
		/* getppid(buf, LEN): the arguments an mmap rule would read */
		r = syscall(SYS_getppid, buf, LEN, 0, 0, 0, 0);
		sem_check(r == -1 && errno == ENOSYS, "traced getppid: ENOSYS",
		    "data %u: returned %ld (%s)", data, r, strerror(errno));
		sem_verify("the buffer after a traced getppid", buf, LEN, 7);
	}
	printf("sem-foreign-trace: ok\n");
	return 0;
}
