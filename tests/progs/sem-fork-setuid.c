/*
 * sem-fork-setuid: as root, a process that changes to another user
 * (setgid/setuid 65534) or chroots into an empty directory, then forks,
 * keeps copy-on-write and its child runs to its own exit status. Under
 * ptinspect the child used to be SIGKILLed: it could not open
 * /proc/<ptinspect>/fd/N to get its own memfd. Skipped unless root.
 */
#include "sem.h"

#include <sys/stat.h>

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
	char dir[] = "/tmp/sem-fork-setuid.XXXXXX";
	pid_t pid;

	if (geteuid() != 0)
		sem_skip("needs root (setuid and chroot)");
	sem_watchdog(120);
	cow_round("root", 10);
	pid = sem_fork();
	if (pid == 0) {
		if (setgid(65534) != 0 || setuid(65534) != 0)
			sem_fail("setuid", "%s", strerror(errno));
		cow_round("after-setuid", 20);
		cow_round("after-setuid-again", 30);
		_exit(0);
	}
	sem_wait_status(pid, 0, "setuid-child");
	if (mkdtemp(dir) == NULL)
		sem_fail("mkdtemp", "%s", strerror(errno));
	pid = sem_fork();
	if (pid == 0) {
		if (chroot(dir) != 0 || chdir("/") != 0)
			sem_fail("chroot", "%s", strerror(errno));
		cow_round("after-chroot", 40);
		_exit(0);
	}
	sem_wait_status(pid, 0, "chroot-child");
	rmdir(dir);
	return 0;
}
