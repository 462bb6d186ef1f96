/*
 * cmd-shell.c: `shell CMD` and `hold [SECONDS]`, the two ways to look at a
 * held process with other tools. shell runs CMD with /bin/sh -c, its
 * output going where command output goes (captured into the JSON object
 * with --json); hold keeps the process held until Enter on the terminal
 * or for SECONDS. Both block ptinspect meanwhile: the process stays held.
 * An output stream without a descriptor (the TUI's) gets the command's
 * output through a pipe, as --json does.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd-int.h"
#include "json.h"
#include "procinfo.h"
#include "tracer.h"
#include "util.h"

static enum cmd_result cmd_shell_exec(struct cmd_ctx *ctx, int argc,
    char **argv, const char *raw, char **errp);
static enum cmd_result cmd_hold_exec(struct cmd_ctx *ctx, int argc,
    char **argv, const char *raw, char **errp);
static void cmd_shell_child(struct cmd_ctx *ctx, const char *command,
    int out_fd, int err_fd);
static char *cmd_shell_capture(int fd, size_t *lenp);
static bool cmd_hold_wait(int tty, int64_t ms);

const struct cmd_entry cmd_shell_entry = {
	.name = "shell",
	.args = "CMD",
	.min_args = 1,
	.max_args = -1,
	.help = "run CMD with /bin/sh; $PTINSPECT_PID names the process",
	.exec = cmd_shell_exec,
};

const struct cmd_entry cmd_hold_entry = {
	.name = "hold",
	.args = "[SECONDS]",
	.min_args = 0,
	.max_args = 1,
	.help = "keep the process held until Enter (or for SECONDS)",
	.exec = cmd_hold_exec,
};

static enum cmd_result
cmd_shell_exec(struct cmd_ctx *ctx, int argc, char **argv, const char *raw,
    char **errp)
{
	FILE *errf = ctx->err != NULL ? ctx->err : stderr;
	int pipefd[2] = { -1, -1 }, status, err_fd = fileno(errf);
	bool capture = ctx->json || fileno(ctx->out) < 0;
	char *output = NULL;
	size_t len = 0;
	pid_t child;

	fflush(ctx->out);
	fflush(errf);
	if (capture && pipe2(pipefd, O_CLOEXEC) < 0)
		return set_error(errp, "pipe: %s", strerror(errno)),
		    CMD_FAILED;
	child = fork();
	if (child < 0) {
		set_error(errp, "fork: %s", strerror(errno));
		if (capture) {
			close(pipefd[0]);
			close(pipefd[1]);
		}
		return CMD_FAILED;
	}
	if (child == 0)
		cmd_shell_child(ctx, raw, capture ? pipefd[1] :
		    fileno(ctx->out), err_fd >= 0 ? err_fd : pipefd[1]);
	if (capture) {
		close(pipefd[1]);
		output = cmd_shell_capture(pipefd[0], &len);
		close(pipefd[0]);
	}
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR) {
			free(output);
			return set_error(errp, "waitpid: %s",
			    strerror(errno)), CMD_FAILED;
		}
	if (ctx->json) {
		struct json j;

		json_begin(&j, ctx->out, "shell");
		json_put_str(&j, "command", raw);
		if (WIFEXITED(status)) {
			json_put_int(&j, "exit_code", WEXITSTATUS(status));
			json_put_null(&j, "signal");
		} else {
			json_put_null(&j, "exit_code");
			json_put_str(&j, "signal",
			    signal_name(WTERMSIG(status)));
		}
		json_put_str(&j, "output", output);
		json_end(&j);
		free(output);
		return CMD_OK;
	}
	if (output != NULL)
		fwrite(output, 1, len, ctx->out);
	free(output);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return CMD_OK;
	if (WIFEXITED(status))
		set_error(errp, "exit status %d", WEXITSTATUS(status));
	else
		set_error(errp, "killed by %s", signal_name(WTERMSIG(status)));
	return CMD_FAILED;
}

/*
 * In the forked child: an ordinary signal state (the tracer blocks
 * SIGCHLD), PTINSPECT_* in the environment, then /bin/sh -c.
 */
static void
cmd_shell_child(struct cmd_ctx *ctx, const char *command, int out_fd,
    int err_fd)
{
	struct thread *t = ctx->thread != NULL ? ctx->thread :
	    proc_main_thread(ctx->proc);
	char num[16], *exe;
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	if ((out_fd != 1 && dup2(out_fd, 1) < 0) ||
	    (err_fd != 2 && dup2(err_fd, 2) < 0))
		_exit(126);
	snprintf(num, sizeof num, "%d", (int)ctx->proc->pid);
	setenv("PTINSPECT_PID", num, 1);
	snprintf(num, sizeof num, "%d", t != NULL ? (int)t->tid :
	    (int)ctx->proc->pid);
	setenv("PTINSPECT_TID", num, 1);
	exe = procinfo_link(proc_access_tid(ctx->proc), "exe", NULL);
	if (exe != NULL)
		setenv("PTINSPECT_EXE", exe, 1);
	execl("/bin/sh", "sh", "-c", command, (char *)NULL);
	_exit(127);
}

/* Everything a descriptor gives until EOF, NUL-terminated. */
static char *
cmd_shell_capture(int fd, size_t *lenp)
{
	size_t len = 0, cap = 4096;
	char *buf = xmalloc(cap + 1);
	ssize_t n;

	for (;;) {
		if (len == cap) {
			cap *= 2;
			buf = xrealloc(buf, cap + 1);
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*lenp = len;
	return buf;
}

static enum cmd_result
cmd_hold_exec(struct cmd_ctx *ctx, int argc, char **argv, const char *raw,
    char **errp)
{
	int pid = (int)ctx->proc->pid, tty;
	FILE *errf = ctx->err != NULL ? ctx->err : stderr;
	uint64_t secs = 0;
	bool enter;
	char *msg;

	/* The TUI's streams have no descriptor, and it holds already. */
	if (fileno(ctx->out) < 0)
		return set_error(errp, "for batch mode: here the process "
		    "stays held until you continue it"), CMD_FAILED;
	if (argc == 2 && (cmd_parse_number(argv[1], &secs) < 0 ||
	    secs > 86400 * 365))
		return set_error(errp, "%s: bad number of seconds", argv[1]),
		    CMD_FAILED;
	tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (tty < 0 && argc == 1)
		return set_error(errp, "no terminal to wait on (/dev/tty: %s); "
		    "give hold SECONDS", strerror(errno)), CMD_FAILED;
	if (tty >= 0 && argc == 2)
		msg = xstrfmt("pid %d held: inspect /proc/%d; press Enter to "
		    "continue (or wait %llu s)\n", pid, pid,
		    (unsigned long long)secs);
	else if (tty >= 0)
		msg = xstrfmt("pid %d held: inspect /proc/%d; press Enter to "
		    "continue\n", pid, pid);
	else
		msg = xstrfmt("pid %d held: inspect /proc/%d; continuing in "
		    "%llu s\n", pid, pid, (unsigned long long)secs);
	fflush(ctx->out);
	if (tty >= 0) {
		if (write(tty, msg, strlen(msg)) < 0)
			fputs(msg, errf);
	} else {
		fputs(msg, errf);
		fflush(errf);
	}
	free(msg);
	enter = cmd_hold_wait(tty, argc == 2 ? (int64_t)secs * 1000 : -1);
	if (tty >= 0)
		close(tty);
	if (ctx->json) {
		struct json j;

		json_begin(&j, ctx->out, "hold");
		json_put_int(&j, "pid", pid);
		json_put_str(&j, "ended_by", enter ? "enter" : "timeout");
		json_end(&j);
	}
	return CMD_OK;
}

/*
 * Waits for a line on tty (-1: none) for ms milliseconds (-1: forever).
 * True when a line (or the terminal's end) came first.
 */
static bool
cmd_hold_wait(int tty, int64_t ms)
{
	uint64_t start = monotonic_ms();
	char buf[256];

	for (;;) {
		struct pollfd pfd = { .fd = tty, .events = POLLIN };
		int64_t left = -1;
		ssize_t n;

		if (ms >= 0) {
			left = ms - (int64_t)(monotonic_ms() - start);
			if (left <= 0)
				return false;
		}
		if (poll(&pfd, tty >= 0 ? 1 : 0, left > INT32_MAX ? INT32_MAX :
		    (int)left) <= 0)
			continue;
		n = read(tty, buf, sizeof buf);
		if (n <= 0 || memchr(buf, '\n', (size_t)n) != NULL ||
		    memchr(buf, '\r', (size_t)n) != NULL)
			return true;
	}
}
