/*
 * procinfo.c: a process with one of each kind of descriptor and a changed
 * environment, directory, limits and signal dispositions, for `fds`, `env`,
 * `cwd`, `limits`, `signals` and `status` (tests/procinfo.t). It prints
 * what it did, one "WHAT VALUE..." line each, then exits 0 without
 * closing anything. A forked child keeps the read end of a pipe as its
 * stdin and exits at EOF, that is once the parent is gone.
 *
 * The environment variable is set before a re-exec of itself: the kernel's
 * copy (/proc/PID/environ) is the one exec was given, setenv alone does
 * not change it.
 */
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define ENV_NAME "PROCINFO_TEST"
#define ENV_VALUE "hello world"

static void
die(const char *what)
{
	perror(what);
	exit(99);
}

int
main(int argc, char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t slen = sizeof sin;
	struct epoll_event ev = { .events = EPOLLIN };
	struct rlimit nofile = { 64, 128 }, core = { 0, 0 };
	char dir[] = "/tmp/pti-procinfo.XXXXXX", path[4096], buf[100];
	int file, gone, p[2], ready[2], lsn, con, sp[2], efd, ep;
	sigset_t usr1;
	pid_t child;
	ssize_t n;
	char *mem;

	(void)argc;
	if (getenv(ENV_NAME) == NULL) {
		/* By its path, so that comm stays "procinfo". */
		n = readlink("/proc/self/exe", path, sizeof path - 1);
		if (n < 0)
			die("readlink");
		path[n] = '\0';
		setenv(ENV_NAME, ENV_VALUE, 1);
		execv(path, argv);
		die("execv");
	}
	/* Anonymous memory: under ptinspect it lives in its memfd arena. */
	mem = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap");
	memset(mem, 1, 1 << 20);
	if (mkdtemp(dir) == NULL || chdir(dir) < 0)
		die("mkdtemp");
	memset(buf, 'x', sizeof buf);
	file = open("data", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (file < 0 || write(file, buf, sizeof buf) != sizeof buf ||
	    lseek(file, 42, SEEK_SET) != 42)
		die("data");
	gone = open("gone", O_WRONLY | O_CREAT | O_APPEND, 0600);
	if (gone < 0 || unlink("gone") < 0)
		die("gone");

	lsn = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (lsn < 0 || bind(lsn, (struct sockaddr *)&sin, sizeof sin) < 0 ||
	    listen(lsn, 4) < 0 ||
	    getsockname(lsn, (struct sockaddr *)&sin, &slen) < 0)
		die("listen");
	con = socket(AF_INET, SOCK_STREAM, 0);
	if (con < 0 || connect(con, (struct sockaddr *)&sin, sizeof sin) < 0)
		die("connect");
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sp) < 0)
		die("socketpair");
	efd = eventfd(0, EFD_NONBLOCK);
	ep = epoll_create1(EPOLL_CLOEXEC);
	ev.data.fd = efd;
	if (efd < 0 || ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev) < 0)
		die("eventfd/epoll");

	/*
	 * Fork before lowering RLIMIT_NOFILE: ptinspect kills a child it
	 * cannot give its arena fd above the limit (see the test).
	 */
	if (pipe(p) < 0 || pipe(ready) < 0)
		die("pipe");
	fflush(stdout);
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		dup2(p[0], 0);
		close(p[0]);
		close(p[1]);
		close(ready[0]);
		/* Its fds are final: the parent may go on. */
		close(ready[1]);
		while (read(0, buf, sizeof buf) > 0)
			;
		_exit(0);
	}
	close(p[0]);
	close(ready[1]);
	/* EOF once the child has closed its copy: its fds are as printed. */
	while (read(ready[0], buf, sizeof buf) > 0)
		;
	close(ready[0]);

	if (setrlimit(RLIMIT_NOFILE, &nofile) < 0 ||
	    setrlimit(RLIMIT_CORE, &core) < 0)
		die("setrlimit");
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	signal(SIGPIPE, SIG_IGN);

	snprintf(path, sizeof path, "%s/data", dir);
	printf("pid %d\n", (int)getpid());
	printf("ppid %d\n", (int)getppid());
	printf("file %d %s 42\n", file, path);
	printf("deleted %d %s/gone\n", gone, dir);
	printf("pipe %d %d 0\n", p[1], (int)child);
	printf("listen %d 127.0.0.1:%d\n", lsn, ntohs(sin.sin_port));
	printf("connect %d 127.0.0.1:%d\n", con, ntohs(sin.sin_port));
	printf("socketpair %d %d\n", sp[0], sp[1]);
	printf("eventfd %d\n", efd);
	printf("epoll %d\n", ep);
	printf("env %s=%s\n", ENV_NAME, ENV_VALUE);
	printf("cwd %s\n", dir);
	printf("nofile %d %d\n", (int)nofile.rlim_cur, (int)nofile.rlim_max);
	printf("core %d %d\n", (int)core.rlim_cur, (int)core.rlim_max);
	printf("blocked SIGUSR1\nignored SIGPIPE\n");
	return 0;
}
