/*
 * pty.c: the tracee's pseudo-terminal (see pty.h). tui_pty_child_setup runs
 * between fork and exec, so it only makes plain system calls and, on
 * failure, exits the child with 125 after a message written with write(2).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "tui/pty.h"
#include "util.h"

static void child_fail(const char *what);

int
tui_pty_open(struct tui_pty *pty, const char *output_file, int rows,
    int cols, char **errp)
{
	const char *name;

	pty->out_fd = -1;
	pty->hold_fd = -1;
	pty->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (pty->master < 0)
		return set_error(errp, "pseudo-terminal: %s", strerror(errno));
	if (grantpt(pty->master) < 0 || unlockpt(pty->master) < 0 ||
	    (name = ptsname(pty->master)) == NULL ||
	    strlen(name) >= sizeof(pty->slave)) {
		set_error(errp, "pseudo-terminal: %s", strerror(errno));
		tui_pty_close(pty);
		return -1;
	}
	strcpy(pty->slave, name);
	pty->hold_fd = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (pty->hold_fd < 0) {
		set_error(errp, "%s: %s", name, strerror(errno));
		tui_pty_close(pty);
		return -1;
	}
	if (fcntl(pty->master, F_SETFL, O_NONBLOCK) < 0) {
		set_error(errp, "pseudo-terminal: %s", strerror(errno));
		tui_pty_close(pty);
		return -1;
	}
	if (output_file != NULL) {
		pty->out_fd = open(output_file,
		    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (pty->out_fd < 0) {
			set_error(errp, "%s: %s", output_file, strerror(errno));
			tui_pty_close(pty);
			return -1;
		}
	}
	tui_pty_resize(pty, rows, cols);
	return 0;
}

static void
child_fail(const char *what)
{
	const char *err = strerror(errno);

	if (write(2, "ptinspect: ", 11) < 0 ||
	    write(2, what, strlen(what)) < 0 || write(2, ": ", 2) < 0 ||
	    write(2, err, strlen(err)) < 0 || write(2, "\n", 1) < 0)
		_exit(125);
	_exit(125);
}

void
tui_pty_child_setup(void *arg)
{
	const struct tui_pty *pty = arg;
	int fd;

	if (setsid() < 0)
		child_fail("setsid");
	fd = open(pty->slave, O_RDWR);
	if (fd < 0)
		child_fail(pty->slave);
	if (ioctl(fd, TIOCSCTTY, 0) < 0)
		child_fail("TIOCSCTTY");
	if (dup2(fd, 0) < 0)
		child_fail("dup2");
	if (dup2(pty->out_fd >= 0 ? pty->out_fd : fd, 1) < 0 ||
	    dup2(pty->out_fd >= 0 ? pty->out_fd : fd, 2) < 0)
		child_fail("dup2");
	if (fd > 2)
		close(fd);
}

void
tui_pty_drop_hold(struct tui_pty *pty)
{
	if (pty->hold_fd >= 0)
		close(pty->hold_fd);
	pty->hold_fd = -1;
}

void
tui_pty_resize(const struct tui_pty *pty, int rows, int cols)
{
	struct winsize ws = {
		.ws_row = (unsigned short)(rows > 0 ? rows : 24),
		.ws_col = (unsigned short)(cols > 0 ? cols : 80),
	};

	if (pty->master >= 0)
		ioctl(pty->master, TIOCSWINSZ, &ws);
}

void
tui_pty_close(struct tui_pty *pty)
{
	if (pty->master >= 0)
		close(pty->master);
	if (pty->out_fd >= 0)
		close(pty->out_fd);
	if (pty->hold_fd >= 0)
		close(pty->hold_fd);
	pty->master = -1;
	pty->out_fd = -1;
	pty->hold_fd = -1;
}
