/*
 * tracer-child.c: the child ptinspect forks to run the program, from the
 * fork to exec. It waits until the parent has seized it, runs the
 * caller's set-up (a pty), installs the seccomp filter and execs, and
 * tells the parent through a pipe whether the filter went in and, if exec
 * failed, why (tracer-int.h). It runs nothing of the tracer's own.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "seccomp.h"
#include "tracer.h"
#include "tracer-int.h"
#include "util.h"

/* What the child tells the parent through the report pipe before exec. */
struct child_report {
	int seccomp_errno;	/* 0: filter installed */
	int exec_errno;		/* only sent when exec failed */
};

void
tracer_child_main(const struct tracer_opts *opts, char *const argv[],
    int go_fd, int report_fd, const sigset_t *mask, int reserved_fd,
    bool watch_writes)
{
	struct child_report report = { 0, 0 };
	char c;

	/* Wait until the parent has seized us. */
	while (read(go_fd, &c, 1) < 0 && errno == EINTR)
		;
	close(go_fd);
	sigprocmask(SIG_SETMASK, mask, NULL);
	if (opts->child_setup != NULL)
		opts->child_setup(opts->child_setup_arg);
	if (!opts->no_seccomp && seccomp_install(reserved_fd, watch_writes) != 0)
		report.seccomp_errno = errno ? errno : ENOSYS;
	if (opts->no_seccomp)
		report.seccomp_errno = -1;
	if (write(report_fd, &report.seccomp_errno,
	    sizeof(report.seccomp_errno)) < 0)
		_exit(125);
	execvp(argv[0], argv);
	report.exec_errno = errno;
	if (write(report_fd, &report.exec_errno,
	    sizeof(report.exec_errno)) < 0)
		_exit(125);
	_exit(errno == ENOENT ? 127 : 126);
}

ssize_t
tracer_read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = read(fd, (char *)buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -1 : (ssize_t)done;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

void
tracer_report_exec_failure(const char *prog, int err, int *exit_code)
{
	if (err == ENOENT) {
		warnx_msg("%s: not found", prog);
		*exit_code = 127;
	} else {
		warnx_msg("%s: %s", prog, strerror(err));
		*exit_code = 126;
	}
}
