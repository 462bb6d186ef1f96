/*
 * tui-files: descriptors, environment, limits and signals for the Process
 * pane's screens, each something the test can check. In its cwd it
 * writes tui-files.dat (1234 bytes, left open at position 1234, O_APPEND),
 * opens and unlinks gone.dat, makes a pipe and an eventfd, lowers
 * RLIMIT_NOFILE to 200/300, blocks
 * SIGUSR1 and ignores SIGPIPE, prints "tui-files ready" and exits 7.
 *
 * With "live" it opens tui-files-a.txt, waits for a file "step" to
 * appear, opens tui-files-b.txt, waits for "done", and exits 0: the Files
 * view must show b while the program runs.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>

static void
wait_for(const char *name)
{
	while (access(name, F_OK) != 0)
		usleep(20000);
}

int
main(int argc, char **argv)
{
	struct rlimit rl = { 200, 300 };
	char buf[1234];
	sigset_t set;
	int fd, p[2];

	if (argc > 1 && strcmp(argv[1], "live") == 0) {
		if (open("tui-files-a.txt", O_RDWR | O_CREAT | O_TRUNC, 0600) < 0)
			return 1;
		printf("tui-files live\n");
		fflush(stdout);
		wait_for("step");
		if (open("tui-files-b.txt", O_RDWR | O_CREAT | O_TRUNC, 0600) < 0)
			return 1;
		wait_for("done");
		return 0;
	}
	memset(buf, 'x', sizeof(buf));
	fd = open("tui-files.dat", O_WRONLY | O_CREAT | O_TRUNC | O_APPEND,
	    0600);
	if (fd < 0 || write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
		return 1;
	fd = open("gone.dat", O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || unlink("gone.dat") < 0)
		return 1;
	if (pipe(p) < 0 || eventfd(0, EFD_CLOEXEC) < 0)
		return 1;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 1;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	printf("tui-files ready\n");
	fflush(stdout);
	return 7;
}
