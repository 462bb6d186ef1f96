/*
 * sem-fork-nodump: a process made non-dumpable (PR_SET_DUMPABLE 0, as
 * ssh-agent and gpg-agent do) forks and keeps copy-on-write; its children
 * run to their own exit status. Run as a non-root user this matters: the
 * kernel then denies a same-user ptinspect /proc/PID/maps and
 * process_vm_readv of the process, and ptinspect used to SIGKILL the child.
 */
#include "sem.h"

#include <sys/prctl.h>

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
	sem_watchdog(120);
	cow_round("dumpable", 10);
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		sem_fail("prctl", "%s", strerror(errno));
	cow_round("non-dumpable", 20);
	cow_round("non-dumpable-again", 30);
	if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0)
		sem_fail("still-non-dumpable", "PR_GET_DUMPABLE is not 0");
	return 0;
}
