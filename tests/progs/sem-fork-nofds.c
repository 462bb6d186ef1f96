/*
 * sem-fork-nofds: a process that has used every descriptor its
 * RLIMIT_NOFILE allows forks. Its child cannot take one more descriptor
 * (no way to give it a memfd of its own), so under ptinspect it runs on
 * private memory copied from its parent: copy-on-write holds, its heap
 * (sbrk) still grows, and it runs to its own exit status. ptinspect used
 * to SIGKILL such a child.
 */
#include "sem.h"

#include <fcntl.h>
#include <sys/resource.h>

int main(void)
{
	struct rlimit rl = { 64, 64 };
	unsigned char *brk0;
	pid_t pid;
	int fd;

	sem_watchdog(120);
	sem_cow_round("before", 10);
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		sem_fail("setrlimit", "%s", strerror(errno));
	while ((fd = open("/dev/null", O_RDONLY)) >= 0)
		;
	if (errno != EMFILE)
		sem_fail("open", "%s", strerror(errno));
	sem_cow_round("no-fds", 20);
	pid = sem_fork();
	if (pid == 0) {
		sem_cow_round("grandchild", 30);
		brk0 = sbrk(0);
		if (sbrk(1 << 20) != (void *)brk0)
			sem_fail("sbrk", "could not grow the heap");
		sem_fill(brk0, 1 << 20, 40);
		sem_verify("sbrk", brk0, 1 << 20, 40);
		if (sbrk(-(1 << 20)) != (void *)(brk0 + (1 << 20)))
			sem_fail("sbrk", "could not shrink the heap");
		_exit(5);
	}
	sem_wait_status(pid, 5, "child");
	return 0;
}
