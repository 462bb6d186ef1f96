/*
 * sem-closefds: a program that closes every descriptor keeps working, and
 * keeps its memory working: close_range(3, ~0U, 0), a closefrom-style
 * loop over every number, dup2 over every fd number up to the soft
 * RLIMIT_NOFILE (the first 65536 and the last 4096 when the limit is
 * larger), closing by /proc/self/fd listing, close_range with
 * CLOSE_RANGE_CLOEXEC. After each step it maps, fills, grows, drops and
 * unmaps memory and forks a child that checks copy-on-write. Descriptors
 * 0-2 stay. No descriptor the program did not open may show up, but for
 * ptinspect's memfd at a number above the soft limit (the reserved fd).
 */
#include "sem.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define LEN ((size_t)1 << 20)
#define LOW_SPAN 65536
#define HIGH_SPAN 4096

static unsigned char *keep;
static int fd_limit;

static void exercise(const char *when);
static void expect_open_fds(const char *when, ino_t ino);
static bool fd_in_span(int fd);
static int xclose_range(unsigned first, unsigned last, unsigned flags);

int main(void)
{
	struct rlimit rl;
	struct stat st;
	int pfd[2];
	char check[128];

	sem_watchdog(240);
	sem_syscall_ok(getrlimit(RLIMIT_NOFILE, &rl), "getrlimit",
		       "getrlimit");
	fd_limit = rl.rlim_cur > INT32_MAX ? INT32_MAX : (int)rl.rlim_cur;
	keep = sem_map(4 * LEN, PROT_READ | PROT_WRITE);
	sem_fill(keep, 4 * LEN, 1);
	exercise("at start");

	sem_check(xclose_range(3, ~0U, 0) == 0, "close_range(3, ~0U, 0)",
		  "%s", strerror(errno));
	expect_open_fds("after close_range", 0);
	exercise("after close_range");

	/* closefrom the long way: nothing is open, every close says so. */
	for (int fd = 3; fd < fd_limit; fd++) {
		if (!fd_in_span(fd))
			continue;
		if (close(fd) != -1 || errno != EBADF)
			sem_fail("close of every fd number fails with EBADF "
				 "when nothing is open", "close(%d): %s", fd,
				 errno == EBADF ? "succeeded" : strerror(errno));
	}
	exercise("after closing every fd number");

	/* dup2 a pipe over every number. */
	sem_syscall_ok(pipe(pfd), "pipe", "pipe");
	sem_syscall_ok(fstat(pfd[0], &st), "fstat", "fstat");
	for (int fd = 3; fd < fd_limit; fd++) {
		struct stat fst;

		if (!fd_in_span(fd) || fd == pfd[0] || fd == pfd[1])
			continue;
		if (dup2(pfd[0], fd) != fd)
			sem_fail("dup2 over every fd number", "dup2(%d, %d): "
				 "%s", pfd[0], fd, strerror(errno));
		if (fstat(fd, &fst) != 0 || fst.st_ino != st.st_ino)
			sem_fail("dup2 over every fd number", "fd %d is not "
				 "the pipe after dup2", fd);
	}
	close(pfd[1]);
	exercise("with a pipe on every fd number");
	expect_open_fds("with a pipe on every fd number", st.st_ino);

	/* Mark them all close-on-exec, then close by listing. */
	sem_check(xclose_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0,
		  "close_range CLOSE_RANGE_CLOEXEC", "%s", strerror(errno));
	for (int fd = 3; fd < fd_limit; fd++) {
		if (!fd_in_span(fd) || fd == pfd[1])
			continue;
		int fl = fcntl(fd, F_GETFD);
		if (fl == -1 || !(fl & FD_CLOEXEC)) {
			snprintf(check, sizeof(check), "fd %d: %s", fd,
				 fl == -1 ? strerror(errno) : "no FD_CLOEXEC");
			sem_fail("CLOSE_RANGE_CLOEXEC marks every fd", "%s",
				 check);
		}
	}
	DIR *d = opendir("/proc/self/fd");
	sem_check(d != NULL, "opendir /proc/self/fd", "%s", strerror(errno));
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		int fd = atoi(de->d_name);

		if (de->d_name[0] == '.' || fd <= 2 || fd == dirfd(d))
			continue;
		if (close(fd) != 0)
			sem_fail("close of every listed fd succeeds",
				 "close(%d): %s", fd, strerror(errno));
	}
	closedir(d);
	expect_open_fds("after closing every listed fd", 0);
	exercise("after closing every listed fd");

	/* High numbers by other means. */
	int top = fcntl(1, F_DUPFD, fd_limit - 1);
	sem_check(top == fd_limit - 1, "fcntl F_DUPFD to the last fd number",
		  "got %d: %s", top, strerror(errno));
	sem_check(dup3(1, fd_limit - 2, O_CLOEXEC) == fd_limit - 2,
		  "dup3 to the next-to-last fd number", "%s", strerror(errno));
	exercise("with the last fd numbers taken");
	sem_check(xclose_range(3, ~0U, 0) == 0, "close_range(3, ~0U, 0)",
		  "%s", strerror(errno));
	exercise("at the end");
	sem_verify("memory kept through everything", keep, 4 * LEN, 1);
	sem_leave_marker();
	return 0;
}

static bool fd_in_span(int fd)
{
	return fd < LOW_SPAN || fd >= fd_limit - HIGH_SPAN;
}

static int xclose_range(unsigned first, unsigned last, unsigned flags)
{
	return (int)syscall(SYS_close_range, first, last, flags);
}

/* Only 0-2 and (when ino is not 0) descriptors of that pipe are open. */
static void expect_open_fds(const char *when, ino_t ino)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	char check[128];

	snprintf(check, sizeof(check), "no unknown descriptor is open %s",
		 when);
	sem_check(d != NULL, "opendir /proc/self/fd", "%s", strerror(errno));
	while ((de = readdir(d)) != NULL) {
		int fd = atoi(de->d_name);
		struct stat st;
		char path[64], target[256] = "?";

		if (de->d_name[0] == '.' || fd <= 2 || fd == dirfd(d))
			continue;
		if (ino != 0 && fstat(fd, &st) == 0 && st.st_ino == ino)
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		ssize_t n = readlink(path, target, sizeof(target) - 1);
		target[n > 0 ? n : 1] = '\0';
		/*
		 * ptinspect's reserved descriptor (DESIGN.md, rr's way):
		 * above the limit, where the program cannot open, dup onto
		 * or be handed that number.
		 */
		if (fd >= fd_limit &&
		    strncmp(target, "/memfd:ptinspect", 16) == 0)
			continue;
		sem_fail(check, "fd %d -> %s", fd, target);
	}
	closedir(d);
}

/* Memory works: fresh zeros, fill, grow, drop, unmap, fork. */
static void exercise(const char *when)
{
	char check[128];
	unsigned char *p = sem_map(LEN, PROT_READ | PROT_WRITE);
	pid_t pid;

	snprintf(check, sizeof(check), "memory works %s", when);
	sem_expect_zero(check, p, LEN);
	sem_fill(p, LEN, 2);
	p = mremap(p, LEN, 4 * LEN, MREMAP_MAYMOVE);
	sem_check(p != MAP_FAILED, check, "mremap: %s", strerror(errno));
	sem_verify(check, p, LEN, 2);
	sem_expect_zero(check, p + LEN, 3 * LEN);
	sem_syscall_ok(madvise(p, LEN, MADV_DONTNEED), check, "madvise");
	sem_expect_zero(check, p, LEN);
	sem_unmap(p, 4 * LEN);
	sem_verify(check, keep, 4 * LEN, 1);
	pid = sem_fork();
	if (pid == 0) {
		sem_fill(keep, LEN, 3);
		p = sem_map(LEN, PROT_READ | PROT_WRITE);
		sem_expect_zero(check, p, LEN);
		_exit(0);
	}
	sem_wait_status(pid, 0, check);
	sem_verify(check, keep, 4 * LEN, 1);
}
