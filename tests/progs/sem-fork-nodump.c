/*
 * sem-fork-nodump: a process made non-dumpable (PR_SET_DUMPABLE 0, as
 * ssh-agent and gpg-agent do) forks and keeps copy-on-write; its children
 * run to their own exit status. Run as a non-root user this matters: the
 * kernel then denies a same-user ptinspect /proc/PID/maps and
 * process_vm_readv of the process, and ptinspect used to SIGKILL the child.
 */
#include "sem.h"

#include <sys/prctl.h>

int main(void)
{
	sem_watchdog(120);
	sem_cow_round("dumpable", 10);
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		sem_fail("prctl", "%s", strerror(errno));
	sem_cow_round("non-dumpable", 20);
	sem_cow_round("non-dumpable-again", 30);
	if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0)
		sem_fail("still-non-dumpable", "PR_GET_DUMPABLE is not 0");
	return 0;
}
