/*
 * sem-fork-nofile: a process lowers its hard RLIMIT_NOFILE (bash's
 * `ulimit -n 256`) and forks: copy-on-write holds and the child runs to
 * its own exit status. As a non-root user with a soft limit below the hard
 * one, ptinspect kept the memfd at the old soft limit, could not put the
 * child's there any more, and SIGKILLed the child.
 */
#include "sem.h"

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
	struct rlimit rl;

	sem_watchdog(120);
	cow_round("before", 10);
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		sem_fail("getrlimit", "%s", strerror(errno));
	if (rl.rlim_max > 256)
		rl.rlim_max = 256;
	if (rl.rlim_cur > rl.rlim_max)
		rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		sem_fail("setrlimit", "%s", strerror(errno));
	cow_round("lowered", 20);
	cow_round("lowered-again", 30);
	return 0;
}
