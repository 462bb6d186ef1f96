/*
 * sem-fork-setuid: as root, a process that changes to another user
 * (setgid/setuid 65534) or chroots into an empty directory, then forks,
 * keeps copy-on-write and its child runs to its own exit status. Under
 * ptinspect the child used to be SIGKILLed: it could not open
 * /proc/<ptinspect>/fd/N to get its own memfd. Skipped unless root.
 */
#include "sem.h"

#include <sys/stat.h>

int main(void)
{
	char dir[] = "/tmp/sem-fork-setuid.XXXXXX";
	pid_t pid;

	if (geteuid() != 0)
		sem_skip("needs root (setuid and chroot)");
	sem_watchdog(120);
	sem_cow_round("root", 10);
	pid = sem_fork();
	if (pid == 0) {
		if (setgid(65534) != 0 || setuid(65534) != 0)
			sem_fail("setuid", "%s", strerror(errno));
		sem_cow_round("after-setuid", 20);
		sem_cow_round("after-setuid-again", 30);
		_exit(0);
	}
	sem_wait_status(pid, 0, "setuid-child");
	if (mkdtemp(dir) == NULL)
		sem_fail("mkdtemp", "%s", strerror(errno));
	pid = sem_fork();
	if (pid == 0) {
		if (chroot(dir) != 0 || chdir("/") != 0)
			sem_fail("chroot", "%s", strerror(errno));
		sem_cow_round("after-chroot", 40);
		_exit(0);
	}
	sem_wait_status(pid, 0, "chroot-child");
	rmdir(dir);
	return 0;
}
