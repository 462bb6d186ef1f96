/*
 * sem-reserved-fd: with a soft RLIMIT_NOFILE below the hard one, the
 * program raises its soft limit; the number that was the soft limit is
 * then an ordinary free descriptor: close and fcntl on it give EBADF, and
 * once every lower number is taken, the next open returns exactly it.
 * ptinspect used to keep its memfd there (close returned 0, open skipped
 * it). Without soft < hard there is nothing to check: exit 0.
 */
#include "sem.h"

#include <fcntl.h>
#include <sys/resource.h>

int main(void)
{
	struct rlimit rl;
	int fd, want, got;

	sem_watchdog(60);
	/* Redirected memory first, so ptinspect has set its memfd up. */
	free(malloc(1 << 20));
	sem_fill(sem_map(1 << 20, PROT_READ | PROT_WRITE), 1 << 20, 1);
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		sem_fail("getrlimit", "%s", strerror(errno));
	if (rl.rlim_cur >= rl.rlim_max || rl.rlim_cur > 65536) {
		printf("soft limit not below hard: nothing to check\n");
		return 0;
	}
	want = (int)rl.rlim_cur;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		sem_fail("setrlimit", "%s", strerror(errno));
	errno = 0;
	sem_check(fcntl(want, F_GETFD) == -1 && errno == EBADF, "fcntl-ebadf",
	    "fcntl(%d, F_GETFD): %s", want, strerror(errno));
	errno = 0;
	sem_check(close(want) == -1 && errno == EBADF, "close-ebadf",
	    "close(%d): %s", want, errno ? strerror(errno) : "returned 0");
	/* Take every free number below `want`; the next must be it. */
	for (;;) {
		fd = open("/dev/null", O_RDONLY);
		if (fd < 0)
			sem_fail("open", "%s", strerror(errno));
		if (fd >= want)
			break;
	}
	got = fd;
	sem_check(got == want, "open-takes-number",
	    "open returned %d, expected %d", got, want);
	return 0;
}
