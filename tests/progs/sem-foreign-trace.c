/*
 * sem-foreign-trace: the program's own seccomp filter returns
 * SECCOMP_RET_TRACE for calls ptinspect never asked to see, with data that
 * happens to equal ptinspect's own rule numbers (1 to 4) or 0. With no
 * tracer of its own, the kernel fails those calls with ENOSYS; ptinspect
 * must not take them for its own stops (getppid taken for an mmap or a
 * munmap zeroed a live buffer) nor let them succeed. Last, the same for
 * munmap, a call ptinspect's filter stops too: the kernel gives the data
 * of the filter installed last, the program's, and ptinspect must not
 * read the stop as its own munmap rule (which it would, were it to work
 * the rule out from its own filter alone); nor in a child forked after,
 * which has the filters too (semantics.t runs this with -f).
 */
#include "sem.h"

#define LEN (1024 * 1024)

int main(void)
{
	unsigned char *buf = sem_map(LEN, PROT_READ | PROT_WRITE);
	unsigned data;
	pid_t pid;
	long r;

	sem_watchdog(60);
	sem_fill(buf, LEN, 7);
	for (data = 0; data <= 4; data++) {
		sem_own_filter(SYS_getppid, SECCOMP_RET_TRACE | data);
		/* getppid(buf, LEN): the arguments an mmap rule would read */
		r = syscall(SYS_getppid, buf, LEN, 0, 0, 0, 0);
		sem_check(r == -1 && errno == ENOSYS, "traced getppid: ENOSYS",
		    "data %u: returned %ld (%s)", data, r, strerror(errno));
		sem_verify("the buffer after a traced getppid", buf, LEN, 7);
	}
	for (data = 0; data <= 1; data++) {
		sem_own_filter(SYS_munmap, SECCOMP_RET_TRACE | data);
		r = syscall(SYS_munmap, buf, LEN);
		sem_check(r == -1 && errno == ENOSYS, "traced munmap: ENOSYS",
		    "data %u: returned %ld (%s)", data, r, strerror(errno));
		sem_verify("the buffer after a traced munmap", buf, LEN, 7);
	}
	pid = sem_fork();
	if (pid == 0) {
		r = syscall(SYS_munmap, buf, LEN);
		sem_check(r == -1 && errno == ENOSYS,
		    "traced munmap in a child: ENOSYS", "returned %ld (%s)", r,
		    strerror(errno));
		sem_verify("the child's buffer after a traced munmap", buf,
		    LEN, 7);
		_exit(0);
	}
	sem_wait_status(pid, 0, "the forked child");
	printf("sem-foreign-trace: ok\n");
	return 0;
}
