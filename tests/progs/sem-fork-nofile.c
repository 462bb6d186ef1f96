/*
 * sem-fork-nofile: a process lowers its hard RLIMIT_NOFILE (bash's
 * `ulimit -n 256`) and forks: copy-on-write holds and the child runs to
 * its own exit status. As a non-root user with a soft limit below the hard
 * one, ptinspect kept the memfd at the old soft limit, could not put the
 * child's there any more, and SIGKILLed the child.
 */
#include "sem.h"

#include <sys/resource.h>

int main(void)
{
	struct rlimit rl;

	sem_watchdog(120);
	sem_cow_round("before", 10);
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		sem_fail("getrlimit", "%s", strerror(errno));
	if (rl.rlim_max > 256)
		rl.rlim_max = 256;
	if (rl.rlim_cur > rl.rlim_max)
		rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		sem_fail("setrlimit", "%s", strerror(errno));
	sem_cow_round("lowered", 20);
	sem_cow_round("lowered-again", 30);
	return 0;
}
