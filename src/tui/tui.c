/*
 * tui.c: the ncurses front end's main loop. It spawns the program on its
 * own pseudo-terminal, owns the terminal, and runs the loop: poll() on the
 * keyboard, the program's terminal, the tracer's event descriptor and the
 * SIGTERM pipe, with a ~33 ms timeout while the shown process runs (live
 * refresh) and none while it is held and nothing happens. It turns the
 * shown process's state changes into events for the panes, and provides
 * the part of the pane API (pane.h) that is about the process: threads,
 * maps, command contexts, address labels, goto.
 *
 * The other concerns have their own files (see tui-int.h): layout.c,
 * bars.c, prompt.c, popup.c, input.c, relay.c. The terminal is in raw
 * mode. SIGTERM kills every process and ends ptinspect with 128+15.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "maps.h"
#include "mem.h"
#include "tracer.h"
#include "tui/pane.h"
#include "tui/pty.h"
#include "tui/tui.h"
#include "tui/tui-int.h"
#include "unwind.h"
#include "util.h"

#define MAPS_REFRESH_MS 1000

struct tui_core core;
static int last_state = -1;
static int signal_pipe[2] = { -1, -1 };	/* SIGTERM wakes poll() */
static volatile sig_atomic_t terminate_requested;

static uint64_t now_ms(void);
static struct proc *find_proc(struct tui *t, pid_t pid);
static void handle_tracer(struct tui *t);
static void read_pty(struct tui *t);
static bool nothing_held(struct tui *t);
static void on_sigterm(int sig);
static int catch_sigterm(void);
static void loop(struct tui *t);
static void cleanup_terminal(void);

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct thread *
tui_thread(struct tui *t)
{
	struct thread *th;

	if (t->proc == NULL)
		return NULL;
	th = tracer_find_thread(t->proc, t->tid);
	if (th == NULL) {
		th = proc_main_thread(t->proc);
		if (th != NULL)
			t->tid = th->tid;
	}
	return th;
}

void
tui_select_thread(struct tui *t, pid_t tid)
{
	if (tid == t->tid)
		return;
	t->tid = tid;
	tui_broadcast(t, TUI_EV_THREAD);
}

void
tui_select_proc(struct tui *t, pid_t pid)
{
	struct proc *p = find_proc(t, pid);

	if (p == NULL || pid == t->pid)
		return;
	t->pid = pid;
	t->proc = p;
	t->tid = 0;
	t->paused = false;
	last_state = -1;
	maps_free(&t->maps);
	t->maps_ms = 0;
	tui_broadcast(t, TUI_EV_PROC);
	tui_sync_proc(t);
}

int
tui_refresh_maps(struct tui *t)
{
	struct maps m;
	char *err = NULL;

	t->maps_ms = t->now_ms;
	if (t->proc == NULL || t->proc->state == PROC_GONE) {
		maps_free(&t->maps);
		return -1;
	}
	if (mem_maps_read(t->proc, &m, &err) < 0) {
		tui_msg(t, true, "maps: %s", err);
		free(err);
		return -1;
	}
	maps_free(&t->maps);
	t->maps = m;
	tui_broadcast(t, TUI_EV_MAPS);
	return 0;
}

void
tui_cmd_ctx(struct tui *t, struct cmd_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->tracer = t->tr;
	ctx->proc = t->proc;
	ctx->thread = tui_thread(t);
	ctx->json = false;
}

const char *
tui_region_name(const struct region *r)
{
	static const char ours[] = "/memfd:ptinspect";

	if (strncmp(r->name, ours, sizeof(ours) - 1) == 0)
		return "";
	return region_basename(r);
}

void
tui_addr_label(struct tui *t, uint64_t addr, char *buf, size_t len)
{
	const struct region *r = maps_find(&t->maps, addr);
	const char *name;
	char sym[128];

	if (r == NULL) {
		snprintf(buf, len, "0x%" PRIx64 " (unmapped)", addr);
		return;
	}
	name = tui_region_name(r);
	/* Code: the function it is in, when the symbols say. */
	if (t->proc != NULL && r->perms[2] == 'x' && *name != '\0' &&
	    *name != '[' &&
	    unwind_symbolize(t->proc, addr, sym, sizeof(sym))) {
		snprintf(buf, len, "%s+0x%" PRIx64 " <%s>", name,
		    addr - r->start, sym);
		return;
	}
	if (*name == '\0')
		snprintf(buf, len, "anon@%" PRIx64 "+0x%" PRIx64, r->start,
		    addr - r->start);
	else
		snprintf(buf, len, "%s+0x%" PRIx64, name, addr - r->start);
}

void
tui_goto(struct tui *t, uint64_t addr)
{
	const struct pane_ops *const *panes = tui_panes();

	for (int i = 0; panes[i] != NULL; i++)
		if (panes[i]->show_addr != NULL) {
			panes[i]->show_addr(t, addr);
			tui_focus(t, panes[i]);
		}
}

void
tui_broadcast(struct tui *t, enum tui_event ev)
{
	const struct pane_ops *const *panes = tui_panes();

	for (int i = 0; panes[i] != NULL; i++)
		if (panes[i]->event != NULL)
			panes[i]->event(t, ev);
}

/*
 * The process with this pid: a live one, else the last reaped one (the
 * tracer keeps those, with their wait status, but tracer_find_proc skips
 * them).
 */
static struct proc *
find_proc(struct tui *t, pid_t pid)
{
	struct proc *found = tracer_find_proc(t->tr, pid);

	for (struct proc *p = tracer_procs(t->tr); found == NULL && p != NULL;
	    p = p->next)
		if (p->pid == pid && p->state == PROC_GONE)
			found = p;
	return found;
}

/*
 * Turns the shown process's state changes into events for the panes. The
 * process is looked up by pid each time rather than kept.
 */
void
tui_sync_proc(struct tui *t)
{
	int state;

	if (t->pid == 0)
		return;
	t->proc = find_proc(t, t->pid);
	state = t->proc != NULL ? (int)t->proc->state : PROC_GONE;
	if (state == last_state)
		return;
	last_state = state;
	t->paused = state == PROC_PAUSED;
	if (t->paused) {
		struct thread *th = tracer_find_thread(t->proc,
		    t->proc->paused_tid);

		if (th != NULL)
			t->tid = th->tid;
		tui_refresh_maps(t);
		tui_broadcast(t, TUI_EV_PAUSED);
		/* A crash: what matters first is where each thread was. */
		if (t->proc->reason == PAUSE_SIGNAL)
			tui_focus(t, &pane_threads_ops);
		if (!t->proc->is_root || t->follow_forks)
			tui_msg(t, false, "pid %d paused", (int)t->pid);
	} else if (state == PROC_GONE) {
		maps_free(&t->maps);
		tui_broadcast(t, TUI_EV_GONE);
	} else if (state == PROC_RELEASED) {
		tui_broadcast(t, TUI_EV_RESUMED);
	}
}

static void
handle_tracer(struct tui *t)
{
	struct proc *p;

	if (!t->all_gone && tracer_poll(t->tr, 0) < 0)
		t->all_gone = true;
	while ((p = tracer_next_paused(t->tr)) != NULL) {
		if (p->pid != t->pid)
			tui_msg(t, false, "pid %d (%s) paused: see "
			    "Processes (Tab)", (int)p->pid, p->comm);
	}
	tui_sync_proc(t);
}

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

/* True when quitting needs no question: no process is running or held. */
static bool
nothing_held(struct tui *t)
{
	if (t->all_gone)
		return true;
	for (struct proc *p = tracer_procs(t->tr); p != NULL; p = p->next)
		if (p->state != PROC_GONE && p->state != PROC_RELEASED)
			return false;
	return true;
}

/* The user chose at the quit question: let every held process go, or kill. */
void
tui_release_all(struct tui *t, bool kill_them)
{
	for (struct proc *p = tracer_procs(t->tr); p != NULL; p = p->next) {
		char *err = NULL;
		int rc = 0;

		if (kill_them && p->state != PROC_GONE)
			rc = tracer_kill(t->tr, p, &err);
		else if (!kill_them && p->state == PROC_PAUSED)
			rc = tracer_continue(t->tr, p, &err);
		if (rc < 0) {
			warnx_msg("%s", err);
			free(err);
		}
	}
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
	int evfd = tracer_event_fd(t->tr);
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
		t->now_ms = now_ms();
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
		t->now_ms = now_ms();
		if (terminate_requested) {
			core.quit_killed = true;
			tui_release_all(t, true);
			return;
		}
		if (!t->all_gone && (evfd < 0 || pfd[2].revents != 0)) {
			handle_tracer(t);
			dirty = true;
		}
		if (pfd[1].revents != 0) {
			read_pty(t);
			dirty = true;
		}
		while ((key = getch()) != ERR) {
			enum pane_result r = input_handle_key(t, key);

			if (r == PANE_QUIT) {
				if (core.quit_confirmed || nothing_held(t))
					return;
				core.quit_state = QUIT_ASK;
			}
			dirty = true;
		}
		if (live && t->now_ms >= next_tick) {
			next_tick = t->now_ms + 1000 / t->live_hz;
			t->frame++;
			if (t->now_ms - t->maps_ms >= MAPS_REFRESH_MS)
				tui_refresh_maps(t);
			tui_broadcast(t, TUI_EV_TICK);
			dirty = true;
		} else if (!live) {
			next_tick = 0;
		}
	}
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
	t->follow_forks = opts->tracer.follow_forks;
	t->pause_on_exit = opts->tracer.pause_on_exit;
	t->output_file = opts->output_file;
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
	tui_sync_proc(t);
	tui_refresh_maps(t);

	loop(t);

	endwin();
	set_fatal_cleanup(NULL);
	if (t->output_file == NULL)
		relay_print_output(t);
	relay_after_quit(t, core.quit_killed);
	code = tracer_finish(t->tr);
	if (terminate_requested)
		code = 128 + SIGTERM;
	tracer_destroy(t->tr);
	tui_pty_close(&core.pty);
	layout_free();
	maps_free(&t->maps);
	scrollback_free(&t->out);
	bars_msg_clear();
	signal(SIGTERM, SIG_DFL);
	close(signal_pipe[0]);
	close(signal_pipe[1]);
	return code;
}

int
tui_signal_fd(void)
{
	return signal_pipe[0];
}

bool
tui_terminating(void)
{
	return terminate_requested != 0;
}
