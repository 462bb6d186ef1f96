/*
 * relay.c: the user's terminal once the TUI has closed. What the program
 * wrote while the TUI was up is printed there; while the program still
 * runs, ptinspect relays its terminal both ways with ours in raw mode, so
 * the program is in the foreground as if run natively (Ctrl-C and Ctrl-\
 * reach it as signals through its terminal's line discipline). Ctrl-Z
 * stops it (the tracer makes that SIGSTOP: tracer.c, job_stop_discarded)
 * and, once it has stopped, ptinspect too: the shell gets a stopped job,
 * and fg continues both. What the program left running goes on under a
 * keeper, and what it writes to its terminal is relayed by a background
 * process of ours.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <termios.h>
#include <unistd.h>

#include "tracer.h"
#include "tui/pane.h"
#include "tui/tui-int.h"
#include "util.h"

/*
 * What the program wrote while the TUI was up, as the output pane holds
 * it (its last lines, escape sequences dropped), on the user's terminal.
 */
void
relay_print_output(struct tui *t)
{
	size_t n = scrollback_lines(&t->out);

	for (size_t i = 0; i < n; i++) {
		fputs(scrollback_line(&t->out, i), stdout);
		if (i + 1 < n || t->out.cur_len == 0)
			putchar('\n');
	}
	fflush(stdout);
}

/*
 * The program is stopped by job control (Ctrl-Z): ptinspect stops too, its
 * terminal as it found it, so the user's shell has a stopped job; when
 * continued (fg), it takes its terminal back and continues the program's
 * process group. In an orphaned process group (no job control) the stop
 * signal is discarded and the program goes on at once.
 */
static void
relay_suspend(struct proc *root, const struct termios *saved,
    const struct termios *raw)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL }, old;
	sigset_t tstp, mask;

	if (saved != NULL)
		tcsetattr(0, TCSADRAIN, saved);
	fflush(stdout);
	sigemptyset(&tstp);
	sigaddset(&tstp, SIGTSTP);
	sigaction(SIGTSTP, &dfl, &old);
	sigprocmask(SIG_UNBLOCK, &tstp, &mask);
	raise(SIGTSTP);
	sigprocmask(SIG_SETMASK, &mask, NULL);
	sigaction(SIGTSTP, &old, NULL);
	if (saved != NULL)
		tcsetattr(0, TCSADRAIN, raw);
	tracer_continue_job(root);
}

/*
 * Once a keeper has what the program left running: a process of our own
 * (ptinspect-tty, in the background like them) copies what they write to
 * their terminal onto the user's, where it would have gone natively,
 * until none of them holds that terminal (the read fails with EIO). What
 * they read from it gets nothing: natively a background job that reads
 * its terminal is stopped (SIGTTIN).
 */
static void
relay_in_background(void)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	char buf[8192];
	sigset_t none;
	ssize_t n;
	int fd;

	if (core.pty.master < 0 || fork() != 0)
		return;
	prctl(PR_SET_NAME, "ptinspect-tty");
	/*
	 * Not the TUI's SIGTERM handler (whose pipe is closed here), nor
	 * the tracer's ignored SIGINT and SIGQUIT or blocked SIGCHLD: it
	 * is killed as any process is.
	 */
	sigaction(SIGTERM, &dfl, NULL);
	sigaction(SIGINT, &dfl, NULL);
	sigaction(SIGQUIT, &dfl, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if ((fd = open("/dev/null", O_RDONLY)) >= 0 && fd != 0) {
		dup2(fd, 0);
		close(fd);
	}
	if (dup2(core.pty.master, 3) != 3)
		_exit(1);
	/* Nothing of the tracer's: its memfds, its /proc descriptors. */
	close_range(4, ~0U, 0);
	/*
	 * The master stays non-blocking: its file status flags are shared
	 * with ptinspect, whose last read of it must not wait for them.
	 */
	for (;;) {
		struct pollfd pfd = { .fd = 3, .events = POLLIN };

		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			break;
		n = read(3, buf, sizeof(buf));
		if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
			break;
		if (n > 0 && write(1, buf, (size_t)n) < 0)
			break;
	}
	_exit(0);
}

/*
 * After the TUI is gone the program may still run (the user let it): our
 * terminal goes raw and ptinspect relays both ways, keys to the program's
 * terminal (whose line discipline turns Ctrl-C into SIGINT for its
 * foreground group) and its output to ours, letting any process that
 * pauses go (or killing it), until every one is reaped. SIGTERM (signal_fd
 * wakes the poll, *terminating is set) kills. A job-control stop of the
 * program stops ptinspect (relay_suspend). Processes the program left
 * running go on under a keeper (tracer_hand_over), their terminal relayed
 * in the background (relay_in_background), or where that cannot be are
 * waited for; either is said at once if the program ended before the TUI
 * closed, else half a second after it ends.
 */
void
relay_after_quit(struct tui *t, bool kill_them, int signal_fd,
    const volatile sig_atomic_t *terminating)
{
	struct termios saved, raw;
	bool raw_mode = false, stdin_eof = false, keeper_tried = false;
	int evfd = tracer_event_fd(t->tr);
	struct proc *root = tracer_root(t->tr);
	uint64_t root_gone_ms = root->state == PROC_GONE ? 0 : UINT64_MAX;
	char buf[8192];
	ssize_t n;

	if (!t->all_gone && tcgetattr(0, &saved) == 0) {
		raw = saved;
		cfmakeraw(&raw);
		raw.c_oflag = saved.c_oflag;	/* our messages keep \r\n */
		raw_mode = tcsetattr(0, TCSADRAIN, &raw) == 0;
	}
	while (!t->all_gone) {
		struct pollfd pfd[4] = {
			{ .fd = stdin_eof ? -1 : 0, .events = POLLIN },
			{ .fd = core.pty_eof ? -1 : core.pty.master,
			  .events = POLLIN },
			{ .fd = evfd, .events = POLLIN },
			{ .fd = signal_fd, .events = POLLIN },
		};

		if (*terminating && !kill_them) {
			kill_them = true;
			tui_release_all(t, true);
		}
		if (tracer_poll(t->tr, 0) < 0) {
			t->all_gone = true;
			break;
		}
		if (tracer_next_paused(t->tr) != NULL)
			tui_release_all(t, kill_them);
		if (root->state != PROC_GONE && root->job_stopped &&
		    !kill_them)
			relay_suspend(root, raw_mode ? &saved : NULL, &raw);
		if (root->state == PROC_GONE && root_gone_ms == UINT64_MAX)
			root_gone_ms = monotonic_ms();
		if (root_gone_ms != UINT64_MAX &&
		    monotonic_ms() >= root_gone_ms + 500) {
			if (!keeper_tried && !kill_them) {
				keeper_tried = true;
				/* The keeper must not hold it open. */
				tui_pty_drop_hold(&core.pty);
				if (tracer_hand_over(t->tr, core.pty.master)) {
					relay_in_background();
					t->all_gone = true;
					break;
				}
			}
			tracer_say_waiting(t->tr);
		}
		if (poll(pfd, 4, 250) < 0 && errno != EINTR)
			fatal("poll");
		if (pfd[0].revents != 0) {
			n = read(0, buf, sizeof(buf));
			if (n <= 0)
				stdin_eof = true;
			else if (!core.pty_eof && write(core.pty.master, buf,
			    (size_t)n) < 0 && errno != EAGAIN)
				core.pty_eof = true;
		}
		if (pfd[1].revents != 0) {
			while ((n = read(core.pty.master, buf,
			    sizeof(buf))) > 0)
				if (write(1, buf, (size_t)n) < 0)
					break;
			if (n == 0 || (n < 0 && errno != EAGAIN))
				core.pty_eof = true;
		}
		if (pfd[3].revents != 0)
			while (read(signal_fd, buf, sizeof(buf)) > 0)
				;
	}
	if (core.pty.master >= 0)
		while ((n = read(core.pty.master, buf, sizeof(buf))) > 0)
			if (write(1, buf, (size_t)n) < 0)
				break;
	if (raw_mode)
		tcsetattr(0, TCSADRAIN, &saved);
}
