/*
 * tui.c: the ncurses front end's main loop. It spawns the program on its
 * own pseudo-terminal, owns the terminal, and runs the loop: poll() on the
 * keyboard, the program's terminal, the tracer's event descriptor and the
 * SIGTERM pipe, with a ~33 ms timeout while the shown process runs (live
 * refresh) and none while it is held and nothing happens.
 *
 * The other concerns have their own files (see tui-int.h): session.c,
 * layout.c, bars.c, prompt.c, popup.c, input.c, relay.c; this file is the
 * top of their graph and nothing calls back into it. It fills the struct
 * tui_ops through which the panes reach the files above them. The terminal
 * is in raw mode. SIGTERM kills every process and ends ptinspect with
 * 128+15.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "corefile.h"
#include "tracer.h"
#include "tui/pane.h"
#include "tui/pty.h"
#include "tui/tui.h"
#include "tui/tui-int.h"
#include "util.h"

#define MAPS_REFRESH_MS 1000

/* What the panes call above them (pane.h), by pointer. */
static const struct tui_ops calls_up = {
	.input_start = input_start,
	.focus = layout_focus,
	.panes = layout_panes,
	.go_to = session_goto,
	.thread = session_thread,
	.select_frame = session_select_frame,
	.frame = session_frame,
	.select_proc = session_select_proc,
	.procs = session_procs,
	.refresh_maps = session_refresh_maps,
	.cmd_ctx = session_cmd_ctx,
	.addr_label = session_addr_label,
};

static int signal_pipe[2] = { -1, -1 };	/* SIGTERM wakes poll() */
static volatile sig_atomic_t terminate_requested;

static void read_pty(struct tui *t);
static void on_sigterm(int sig);
static int catch_sigterm(void);
static void loop(struct tui *t);
static void screen_start(struct tui *t);
static void screen_end(struct tui *t);
static void cleanup_terminal(void);

static void
read_pty(struct tui *t)
{
	char buf[8192];
	ssize_t n;

	while ((n = read(core.pty.master, buf, sizeof(buf))) > 0)
		scrollback_feed(&t->out, buf, (size_t)n);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		core.pty_eof = true;
}

static void
on_sigterm(int sig)
{
	int saved_errno = errno;
	ssize_t n;

	terminate_requested = sig;
	n = write(signal_pipe[1], "", 1);
	(void)n;
	errno = saved_errno;
}

/* Installed before initscr(), so curses keeps its hands off SIGTERM. */
static int
catch_sigterm(void)
{
	struct sigaction sa = { .sa_handler = on_sigterm };

	if (pipe2(signal_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return -1;
	sigemptyset(&sa.sa_mask);
	return sigaction(SIGTERM, &sa, NULL);
}

static void
loop(struct tui *t)
{
	int evfd = t->tr != NULL ? tracer_event_fd(t->tr) : -1;
	uint64_t next_tick = 0;
	bool dirty = true;

	for (;;) {
		struct pollfd pfd[4];
		int nfd = 0, timeout = -1, key;
		bool live = t->proc != NULL && t->proc->state == PROC_RUNNING;

		if (dirty)
			layout_draw(t);
		dirty = false;
		pfd[nfd++] = (struct pollfd){ .fd = 0, .events = POLLIN };
		pfd[nfd++] = (struct pollfd){
			.fd = core.pty_eof ? -1 : core.pty.master,
			.events = POLLIN };
		pfd[nfd++] = (struct pollfd){ .fd = t->all_gone ? -1 : evfd,
			.events = POLLIN };
		pfd[nfd++] = (struct pollfd){ .fd = signal_pipe[0],
			.events = POLLIN };
		t->now_ms = monotonic_ms();
		if (live) {
			if (next_tick == 0)
				next_tick = t->now_ms + 1000 / t->live_hz;
			timeout = next_tick > t->now_ms ?
			    (int)(next_tick - t->now_ms) : 0;
		}
		if (evfd < 0 && !t->all_gone && (timeout < 0 || timeout > 50))
			timeout = 50;
		if (poll(pfd, (nfds_t)nfd, timeout) < 0 && errno != EINTR)
			fatal("poll");
		t->now_ms = monotonic_ms();
		if (terminate_requested) {
			core.quit_killed = true;
			tui_release_all(t, true);
			return;
		}
		if (!t->all_gone && (evfd < 0 || pfd[2].revents != 0)) {
			session_handle_tracer(t);
			dirty = true;
		}
		if (pfd[1].revents != 0) {
			read_pty(t);
			dirty = true;
		}
		while ((key = getch()) != ERR) {
			enum pane_result r = input_handle_key(t, key);

			if (r == PANE_QUIT) {
				if (core.quit_confirmed ||
				    session_nothing_held(t))
					return;
				core.quit_state = QUIT_ASK;
			}
			dirty = true;
		}
		if (live && t->now_ms >= next_tick) {
			next_tick = t->now_ms + 1000 / t->live_hz;
			t->frame++;
			if (t->now_ms - t->maps_ms >= MAPS_REFRESH_MS)
				session_refresh_maps(t);
			tui_broadcast(t, TUI_EV_TICK);
			dirty = true;
		} else if (!live) {
			next_tick = 0;
		}
	}
}

/* Curses on, the panes laid out and told of the process. */
static void
screen_start(struct tui *t)
{
	if (initscr() == NULL)
		fatalx("cannot start the terminal interface");
	set_fatal_cleanup(cleanup_terminal);
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED |
	    BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	mouseinterval(0);
	bars_colors_init(t);
	layout_apply(t);
	tui_broadcast(t, TUI_EV_PROC);
}

/* What the run kept, once the terminal is the user's again. */
static void
screen_end(struct tui *t)
{
	layout_free();
	maps_free(&t->maps);
	scrollback_free(&t->out);
	bars_msg_clear();
	signal(SIGTERM, SIG_DFL);
	close(signal_pipe[0]);
	close(signal_pipe[1]);
}

static void
cleanup_terminal(void)
{
	if (!isendwin())
		endwin();
}

int
tui_run(const struct tui_opts *opts, char *const argv[])
{
	static struct tui tui;
	struct tui *t = &tui;
	struct tracer_opts topts = opts->tracer;
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };
	int out_rows, out_cols;
	char *err = NULL;
	const char *hz = getenv("PTINSPECT_HZ");
	int code;

	memset(t, 0, sizeof(*t));
	t->ops = &calls_up;
	t->follow_forks = opts->tracer.follow_forks;
	t->pause_on_exit = opts->tracer.pause_on_exit;
	t->output_file = opts->output_file;
	t->save_dir = opts->save_dir;
	t->live_hz = hz != NULL && atoi(hz) > 0 && atoi(hz) <= 100 ?
	    atoi(hz) : 30;
	scrollback_init(&t->out, 10000);
	/* UTF-8 or not, ncurses draws the lines (ACS) the terminal can. */
	setlocale(LC_ALL, "");

	/* The program's terminal gets the output pane's size from the start. */
	ioctl(1, TIOCGWINSZ, &ws);
	layout_output_size(t, ws.ws_row, ws.ws_col, &out_rows, &out_cols);
	if (tui_pty_open(&core.pty, opts->output_file, out_rows, out_cols,
	    &err) < 0) {
		warnx_msg("%s", err);
		free(err);
		return 125;
	}
	topts.child_setup = tui_pty_child_setup;
	topts.child_setup_arg = &core.pty;
	t->tr = tracer_spawn(&topts, argv, &code);
	if (t->tr == NULL) {
		tui_pty_close(&core.pty);
		return code;
	}
	t->pid = tracer_root(t->tr) != NULL ? tracer_root(t->tr)->pid : 0;
	if (catch_sigterm() < 0)
		fatal("SIGTERM");

	screen_start(t);
	tui_sync_proc(t);
	session_refresh_maps(t);

	loop(t);

	endwin();
	set_fatal_cleanup(NULL);
	if (t->output_file == NULL)
		relay_print_output(t);
	relay_after_quit(t, core.quit_killed, signal_pipe[0],
	    &terminate_requested);
	code = tracer_finish(t->tr);
	if (terminate_requested)
		code = 128 + SIGTERM;
	tracer_destroy(t->tr);
	tui_pty_close(&core.pty);
	screen_end(t);
	return code;
}

int
tui_run_post(struct proc *p)
{
	static struct tui tui;
	struct tui *t = &tui;

	memset(t, 0, sizeof(*t));
	t->ops = &calls_up;
	t->proc = p;
	t->pid = p->pid;
	t->all_gone = true;	/* no tracer: nothing will happen to it */
	t->live_hz = 30;
	core.pty.master = -1;
	core.pty_eof = true;
	scrollback_init(&t->out, 16);
	setlocale(LC_ALL, "");
	if (catch_sigterm() < 0)
		fatal("SIGTERM");
	screen_start(t);
	tui_sync_proc(t);
	tui_msg(t, false, "%s %s: read-only, no live process",
	    p->snapshot != NULL ? "snapshot" : "core",
	    p->snapshot != NULL ? p->snapshot : p->core->path);
	loop(t);
	endwin();
	set_fatal_cleanup(NULL);
	screen_end(t);
	return terminate_requested ? 128 + SIGTERM : 0;
}
