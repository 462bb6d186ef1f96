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

/*
 * One copy-on-write round: a region filled with `seed` before the fork;
 * the child checks it, writes its own pattern, maps and fills fresh memory
 * (redirected in the child itself), and exits 3; the parent must still see
 * its own bytes and the child's exit status (a killed child: signal 9).
 */
static void cow_round(const char *what, uint64_t seed)
{
	size_t len = (size_t)1 << 20;
	unsigned char *r = sem_map(len, PROT_READ | PROT_WRITE);
	unsigned char *h = malloc(100000), *fresh;
	pid_t pid;

	if (h == NULL)
		sem_fail(what, "malloc failed");
	sem_fill(r, len, seed);
	sem_fill(h, 100000, seed + 1);
	pid = sem_fork();
	if (pid == 0) {
		sem_verify(what, r, len, seed);
		sem_verify(what, h, 100000, seed + 1);
		sem_fill(r, len, seed + 2);
		sem_fill(h, 100000, seed + 3);
		fresh = sem_map(len, PROT_READ | PROT_WRITE);
		sem_fill(fresh, len, seed + 4);
		sem_verify(what, fresh, len, seed + 4);
		sem_verify(what, r, len, seed + 2);
		_exit(3);
	}
	sem_wait_status(pid, 3, what);
	sem_verify(what, r, len, seed);
	sem_verify(what, h, 100000, seed + 1);
	sem_unmap(r, len);
	free(h);
}

int main(void)
{
	struct rlimit rl = { 64, 64 };
	unsigned char *brk0;
	pid_t pid;
	int fd;

	sem_watchdog(120);
	cow_round("before", 10);
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		sem_fail("setrlimit", "%s", strerror(errno));
	while ((fd = open("/dev/null", O_RDONLY)) >= 0)
		;
	if (errno != EMFILE)
		sem_fail("open", "%s", strerror(errno));
	cow_round("no-fds", 20);
	pid = sem_fork();
	if (pid == 0) {
		cow_round("grandchild", 30);
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
