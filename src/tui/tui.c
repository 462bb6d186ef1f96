/*
 * tui.c: the ncurses front end's core. It owns the terminal and the only
 * list of panes, lays them out in slots (a slot shows one pane at a time
 * when several share it, like tabs), draws the status line, the pane
 * titles and the function-key bar, runs the modal pieces (the one-line
 * prompt, a text pop-up, the help overlay, the quit question), and runs the
 * main loop: poll() on the keyboard, the program's pseudo-terminal and the
 * tracer's event descriptor, with a ~33 ms timeout while the shown process
 * runs (live refresh) and none while it is held and nothing happens.
 *
 * Keys go to the focused pane first; what it ignores, tui.c handles (Tab,
 * function keys, :, ?, q). Panes draw only into their own windows; this file
 * calls wnoutrefresh on each and doupdate() once per frame.
 *
 * The terminal is in raw mode: Ctrl-C is a key (the status line says what
 * quits) and, while keys go to the program, reaches its terminal as
 * typed. SIGTERM kills every process and ends ptinspect with 128+15. When
 * the TUI closes, what the program wrote is printed on the user's
 * terminal, and while the program still runs ptinspect relays its
 * terminal both ways with ours in raw mode: the program is in the
 * foreground as if run natively (Ctrl-C, Ctrl-\ reach it as signals).
 *
 *	row 0		status line: pid, name, state, threads, live rate
 *	rows 1..H-2	slots: Memory | Registers over Inspector | tabs
 *	row H-1		function-key bar, messages, or the prompt
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "maps.h"
#include "mem.h"
#include "tracer.h"
#include "tui/pane.h"
#include "tui/pty.h"
#include "tui/tui.h"
#include "unwind.h"
#include "util.h"

#define MIN_COLS 80
#define MIN_ROWS 24
#define MAX_SLOTS 8
#define SLOT_PANES 6
#define HEX_WIDTH 79		/* 12-digit address + 16 bytes + ASCII */
#define INSP_WIDTH 46
#define REGS_MIN_WIDTH 20
#define MAPS_REFRESH_MS 1000
#define NHIST 4
#define HIST_LEN 32
#define KEY_CTRL(c) ((c) & 0x1f)

struct rect {
	int y, x, h, w;
};

/* A place on screen: a title row and a body showing one of its panes. */
struct slot {
	const struct pane_ops *panes[SLOT_PANES];
	int npanes;
	int shown;
	struct rect r;		/* title row included */
	WINDOW *title;
	WINDOW *body;
};

struct layout {
	struct slot slots[MAX_SLOTS];
	int nslots;
	struct rect sep_rect[MAX_SLOTS];	/* vertical separators */
	int nseps;
	bool too_small;
};

struct prompt {
	bool active;
	char label[40];
	char buf[512];
	int len;
	int pos;
	int hist;
	int hpos;
	void (*done)(struct tui *t, const char *text);
};

struct popup {
	bool active;
	char *title;
	char **lines;
	int nlines;
	int top;
};

enum quit_state { QUIT_NONE, QUIT_ASK, QUIT_KILL_ASK };

/* The only list of panes, in Tab order; help is the overlay, not a stop. */
static const struct pane_ops *const all_panes[] = {
	&pane_hex_ops,
	&pane_inspector_ops,
	&pane_regs_ops,
	&pane_regions_ops,
	&pane_threads_ops,
	&pane_output_ops,
	&pane_procs_ops,
	&pane_help_ops,
	NULL,
};

/* Function keys: the bar's labels, and the pane and key each one sends. */
static const struct fkey {
	int key;
	const char *label;
	const struct pane_ops *pane;	/* NULL: tui.c handles it */
	int send;
} fkeys[] = {
	{ KEY_F(1), "Help", NULL, 0 },
	{ KEY_F(2), "Edit", &pane_hex_ops, 'e' },
	{ KEY_F(3), "Search", &pane_hex_ops, '/' },
	{ KEY_F(4), "Filter", &pane_regions_ops, '/' },
	{ KEY_F(5), "Goto", &pane_hex_ops, 'g' },
	{ KEY_F(6), "Sort", &pane_regions_ops, 's' },
	{ KEY_F(7), "Unit", &pane_hex_ops, 'w' },
	{ KEY_F(8), "Cont", NULL, 0 },
	{ KEY_F(9), "Kill", NULL, 0 },
	{ KEY_F(10), "Quit", NULL, 0 },
};

static struct layout lay;
static const struct pane_ops *focus = &pane_hex_ops;
static bool help_open;
static struct prompt prompt;
static struct popup popup;
static enum quit_state quit_state;
static bool input_mode;
static bool quit_confirmed;
static bool quit_killed;
static char *message;
static bool message_error;
static char *history[NHIST][HIST_LEN];
static attr_t attrs[TC_COUNT];
static struct tui_pty pty;
static bool pty_eof;
static int last_state = -1;
static WINDOW *overlay_win;
static int signal_pipe[2] = { -1, -1 };	/* SIGTERM wakes poll() */
static volatile sig_atomic_t terminate_requested;

static uint64_t now_ms(void);
static void colors_init(struct tui *t);
static bool pane_enabled(const struct tui *t, const struct pane_ops *ops);
static void layout_plan(const struct tui *t, int rows, int cols,
    struct layout *l);
static void layout_apply(struct tui *t);
static void layout_free(void);
static struct slot *slot_of(const struct pane_ops *ops);
static void output_size(const struct tui *t, int *rows, int *cols);
static void draw_all(struct tui *t);
static void draw_status(struct tui *t);
static void draw_bottom(struct tui *t);
static void draw_title(struct tui *t, struct slot *s);
static int tab_label(const struct slot *s, int j, char *buf, size_t len);
static int wrap_text(const char *text, int width, char lines[][81],
    int max);
static void draw_too_small(void);
static void draw_popup(struct tui *t);
static void status_text(struct tui *t, char *buf, size_t len, bool *paused);
static void broadcast(struct tui *t, enum tui_event ev);
static struct proc *find_proc(struct tui *t, pid_t pid);
static void sync_proc(struct tui *t);
static void handle_tracer(struct tui *t);
static void read_pty(struct tui *t);
static enum pane_result handle_key(struct tui *t, int key);
static enum pane_result global_key(struct tui *t, int key);
static enum pane_result prompt_key(struct tui *t, int key);
static enum pane_result popup_key(struct tui *t, int key);
static enum pane_result input_key(struct tui *t, int key);
static enum pane_result quit_key(struct tui *t, int key);
static enum pane_result mouse_event(struct tui *t);
static void focus_cycle(struct tui *t, int dir);
static void popup_close(void);
static bool nothing_held(struct tui *t);
static void release_all(struct tui *t, bool kill_them);
static void on_sigterm(int sig);
static int catch_sigterm(void);
static void print_output(struct tui *t);
static void relay_after_quit(struct tui *t, bool kill_them);
static void loop(struct tui *t);
static void cleanup_terminal(void);

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Colour pairs on a terminal with colours; otherwise (or with NO_COLOR)
 * bold, reverse, underline and dim carry the same meaning.
 */
static void
colors_init(struct tui *t)
{
	static const struct {
		short fg, bg;
		attr_t extra;
		attr_t mono;
	} spec[TC_COUNT] = {
		[TC_NORMAL] = { -1, -1, 0, 0 },
		[TC_HEADER] = { COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE },
		[TC_TITLE] = { COLOR_CYAN, -1, 0, A_BOLD },
		[TC_TITLE_FOCUS] = { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
		[TC_CURSOR] = { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
		[TC_CURSOR_DIM] = { -1, -1, A_UNDERLINE, A_UNDERLINE },
		[TC_CHANGED] = { COLOR_BLACK, COLOR_YELLOW, 0,
		    A_BOLD | A_UNDERLINE },
		[TC_ZERO] = { -1, -1, A_DIM, A_DIM },
		[TC_ADDR] = { COLOR_GREEN, -1, 0, 0 },
		[TC_ASCII] = { COLOR_YELLOW, -1, 0, 0 },
		[TC_ERROR] = { COLOR_WHITE, COLOR_RED, A_BOLD,
		    A_REVERSE | A_BOLD },
		[TC_KEY] = { -1, -1, A_BOLD, A_BOLD },
		[TC_KEYLABEL] = { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
		[TC_SHARED] = { COLOR_GREEN, -1, A_BOLD, A_BOLD },
		[TC_COPY] = { COLOR_YELLOW, -1, 0, 0 },
		[TC_PAUSED] = { COLOR_YELLOW, COLOR_BLUE, A_BOLD,
		    A_REVERSE | A_BOLD },
		[TC_EDIT] = { COLOR_WHITE, COLOR_MAGENTA, A_BOLD,
		    A_REVERSE | A_BOLD | A_UNDERLINE },
	};
	const char *no_color = getenv("NO_COLOR");

	t->color = has_colors() && (no_color == NULL || *no_color == '\0');
	if (t->color) {
		start_color();
		use_default_colors();
	}
	for (int i = 0; i < TC_COUNT; i++) {
		if (!t->color) {
			attrs[i] = spec[i].mono;
			continue;
		}
		init_pair((short)(i + 1), spec[i].fg, spec[i].bg);
		attrs[i] = COLOR_PAIR(i + 1) | spec[i].extra;
	}
}

attr_t
tui_attr(const struct tui *t, enum tui_color c)
{
	return attrs[c];
}

static bool
pane_enabled(const struct tui *t, const struct pane_ops *ops)
{
	if (ops == &pane_procs_ops)
		return t->follow_forks;
	return ops != &pane_help_ops;
}

static void
slot_add(struct layout *l, struct rect r, const struct pane_ops *const *p,
    int n)
{
	struct slot *s = &l->slots[l->nslots++];

	memset(s, 0, sizeof(*s));
	s->r = r;
	for (int i = 0; i < n; i++)
		if (p[i] != NULL)
			s->panes[s->npanes++] = p[i];
}

static void
sep_add(struct layout *l, int x, int y, int h)
{
	l->sep_rect[l->nseps++] = (struct rect){ y, x, h, 1 };
}

/*
 * The layout depends only on the size, so the program's terminal can be
 * sized before curses starts. Normal (80-149 columns): Memory with
 * Registers beside it when they fit, then the Inspector beside a tab slot
 * (Regions, Threads, Output, Processes). Wide (150+ columns, 36+ rows):
 * Memory | Inspector | Registers over Regions | Threads | Output.
 */
static void
layout_plan(const struct tui *t, int rows, int cols, struct layout *l)
{
	const struct pane_ops *procs = t->follow_forks ? &pane_procs_ops :
	    NULL;
	int body = rows - 2;
	int bot, top, y;

	memset(l, 0, sizeof(*l));
	if (cols < MIN_COLS || rows < MIN_ROWS) {
		l->too_small = true;
		return;
	}
	if (cols >= HEX_WIDTH + INSP_WIDTH + REGS_MIN_WIDTH + 4 &&
	    rows >= 36) {
		const struct pane_ops *out[] = { &pane_output_ops, procs };
		int rw, tw;

		bot = body * 2 / 5;
		top = body - bot;
		slot_add(l, (struct rect){ 1, 0, top, HEX_WIDTH },
		    (const struct pane_ops *[]){ &pane_hex_ops }, 1);
		sep_add(l, HEX_WIDTH, 1, top);
		slot_add(l, (struct rect){ 1, HEX_WIDTH + 1, top, INSP_WIDTH },
		    (const struct pane_ops *[]){ &pane_inspector_ops }, 1);
		sep_add(l, HEX_WIDTH + INSP_WIDTH + 1, 1, top);
		slot_add(l, (struct rect){ 1, HEX_WIDTH + INSP_WIDTH + 2, top,
		    cols - HEX_WIDTH - INSP_WIDTH - 2 },
		    (const struct pane_ops *[]){ &pane_regs_ops }, 1);
		y = 1 + top;
		rw = cols * 2 / 5;
		tw = cols / 4;
		slot_add(l, (struct rect){ y, 0, bot, rw },
		    (const struct pane_ops *[]){ &pane_regions_ops }, 1);
		sep_add(l, rw, y + 1, bot - 1);
		slot_add(l, (struct rect){ y, rw + 1, bot, tw },
		    (const struct pane_ops *[]){ &pane_threads_ops }, 1);
		sep_add(l, rw + tw + 1, y + 1, bot - 1);
		slot_add(l, (struct rect){ y, rw + tw + 2, bot,
		    cols - rw - tw - 2 }, out, 2);
		return;
	}
	bot = body * 2 / 5 + 1;
	if (bot > 12)
		bot = 12;
	top = body - bot;
	if (cols >= HEX_WIDTH + 1 + REGS_MIN_WIDTH) {
		const struct pane_ops *tabs[] = { &pane_regions_ops,
			&pane_threads_ops, &pane_output_ops, procs };

		slot_add(l, (struct rect){ 1, 0, top, HEX_WIDTH },
		    (const struct pane_ops *[]){ &pane_hex_ops }, 1);
		sep_add(l, HEX_WIDTH, 1, top);
		slot_add(l, (struct rect){ 1, HEX_WIDTH + 1, top,
		    cols - HEX_WIDTH - 1 },
		    (const struct pane_ops *[]){ &pane_regs_ops }, 1);
		y = 1 + top;
		slot_add(l, (struct rect){ y, 0, bot, INSP_WIDTH },
		    (const struct pane_ops *[]){ &pane_inspector_ops }, 1);
		sep_add(l, INSP_WIDTH, y + 1, bot - 1);
		slot_add(l, (struct rect){ y, INSP_WIDTH + 1, bot,
		    cols - INSP_WIDTH - 1 }, tabs, 4);
	} else {
		const struct pane_ops *tabs[] = { &pane_regions_ops,
			&pane_threads_ops, &pane_regs_ops, &pane_output_ops,
			procs };

		slot_add(l, (struct rect){ 1, 0, top, cols },
		    (const struct pane_ops *[]){ &pane_hex_ops }, 1);
		y = 1 + top;
		slot_add(l, (struct rect){ y, 0, bot, INSP_WIDTH },
		    (const struct pane_ops *[]){ &pane_inspector_ops }, 1);
		sep_add(l, INSP_WIDTH, y + 1, bot - 1);
		slot_add(l, (struct rect){ y, INSP_WIDTH + 1, bot,
		    cols - INSP_WIDTH - 1 }, tabs, 5);
	}
}

static void
layout_free(void)
{
	for (int i = 0; i < lay.nslots; i++) {
		if (lay.slots[i].title != NULL)
			delwin(lay.slots[i].title);
		if (lay.slots[i].body != NULL)
			delwin(lay.slots[i].body);
	}
	if (overlay_win != NULL)
		delwin(overlay_win);
	overlay_win = NULL;
	lay.nslots = 0;
}

/* Re-plans for the current size, keeping which tab each slot shows. */
static void
layout_apply(struct tui *t)
{
	const struct pane_ops *shown[MAX_SLOTS * SLOT_PANES];
	int nshown = 0;
	int orow, ocol;

	for (int i = 0; i < lay.nslots; i++)
		shown[nshown++] = lay.slots[i].panes[lay.slots[i].shown];
	layout_free();
	layout_plan(t, LINES, COLS, &lay);
	for (int i = 0; i < lay.nslots; i++) {
		struct slot *s = &lay.slots[i];

		s->title = newwin(1, s->r.w, s->r.y, s->r.x);
		s->body = newwin(s->r.h - 1, s->r.w, s->r.y + 1, s->r.x);
		if (s->title == NULL || s->body == NULL)
			fatalx("cannot create a %dx%d window", s->r.w, s->r.h);
		/* The first pane that was on screen (focus wins below). */
		for (int j = s->npanes - 1; j >= 0; j--)
			for (int k = 0; k < nshown; k++)
				if (s->panes[j] == shown[k])
					s->shown = j;
	}
	if (!lay.too_small) {
		overlay_win = newwin(LINES - 4, COLS - 8, 2, 4);
		if (overlay_win == NULL)
			fatalx("cannot create the pop-up window");
		keypad(overlay_win, TRUE);
	}
	if (slot_of(focus) != NULL) {
		struct slot *s = slot_of(focus);

		for (int j = 0; j < s->npanes; j++)
			if (s->panes[j] == focus)
				s->shown = j;
	}
	output_size(t, &orow, &ocol);
	tui_pty_resize(&pty, orow, ocol);
}

static struct slot *
slot_of(const struct pane_ops *ops)
{
	for (int i = 0; i < lay.nslots; i++)
		for (int j = 0; j < lay.slots[i].npanes; j++)
			if (lay.slots[i].panes[j] == ops)
				return &lay.slots[i];
	return NULL;
}

/* The program's terminal is the size of the output pane's body. */
static void
output_size(const struct tui *t, int *rows, int *cols)
{
	struct slot *s = slot_of(&pane_output_ops);

	*rows = s != NULL ? s->r.h - 1 : 24;
	*cols = s != NULL ? s->r.w : 80;
}

void
tui_focus(struct tui *t, const struct pane_ops *ops)
{
	struct slot *s = slot_of(ops);

	if (s == NULL || !pane_enabled(t, ops))
		return;
	focus = ops;
	for (int j = 0; j < s->npanes; j++)
		if (s->panes[j] == ops)
			s->shown = j;
}

static void
focus_cycle(struct tui *t, int dir)
{
	int n = 0, cur = 0;

	while (all_panes[n] != NULL)
		n++;
	for (int i = 0; i < n; i++)
		if (all_panes[i] == focus)
			cur = i;
	for (int step = 1; step <= n; step++) {
		const struct pane_ops *p =
		    all_panes[(cur + dir * step + n) % n];

		if (pane_enabled(t, p) && slot_of(p) != NULL) {
			tui_focus(t, p);
			return;
		}
	}
}

const struct pane_ops *const *
tui_panes(void)
{
	return all_panes;
}

void
tui_put(WINDOW *w, int y, int x, attr_t attr, const char *s)
{
	int width = getmaxx(w) - x;
	int cols = 0;
	const char *p = s;

	if (width <= 0 || y < 0 || y >= getmaxy(w))
		return;
	/* Count columns, not bytes: UTF-8 continuation bytes take none. */
	while (*p != '\0') {
		if (((unsigned char)*p & 0xc0) != 0x80) {
			if (cols == width)
				break;
			cols++;
		}
		p++;
	}
	wattrset(w, attr);
	mvwaddnstr(w, y, x, s, (int)(p - s));
	wattrset(w, A_NORMAL);
}

int
tui_scroll_to(int sel, int top, int rows)
{
	if (rows < 1)
		rows = 1;
	if (sel < top)
		top = sel;
	if (sel >= top + rows)
		top = sel - rows + 1;
	return top < 0 ? 0 : top;
}

void
tui_msg(struct tui *t, bool error, const char *fmt, ...)
{
	va_list ap;

	free(message);
	va_start(ap, fmt);
	message = xvasprintf_str(fmt, ap);
	va_end(ap);
	message_error = error;
}

void
tui_prompt(struct tui *t, const char *label, int history_kind,
    void (*done)(struct tui *t, const char *text))
{
	memset(&prompt, 0, sizeof(prompt));
	prompt.active = true;
	snprintf(prompt.label, sizeof(prompt.label), "%s", label);
	prompt.hist = history_kind < NHIST ? history_kind : 0;
	prompt.hpos = -1;
	prompt.done = done;
	curs_set(1);
}

static void
history_add(int kind, const char *s)
{
	if (*s == '\0' || (history[kind][0] != NULL &&
	    strcmp(history[kind][0], s) == 0))
		return;
	free(history[kind][HIST_LEN - 1]);
	memmove(&history[kind][1], &history[kind][0],
	    (HIST_LEN - 1) * sizeof(history[kind][0]));
	history[kind][0] = xstrdup(s);
}

/* A line editor: insert, delete, move, ^U, ^W, history with Up/Down. */
static enum pane_result
prompt_key(struct tui *t, int key)
{
	struct prompt *p = &prompt;

	switch (key) {
	case 27:
	case KEY_CTRL('c'):
	case KEY_CTRL('g'):
		p->active = false;
		curs_set(0);
		break;
	case '\n':
	case '\r':
	case KEY_ENTER: {
		char *text = xstrdup(p->buf);

		p->active = false;
		curs_set(0);
		history_add(p->hist, text);
		p->done(t, text);
		free(text);
		break;
	}
	case KEY_BACKSPACE:
	case 127:
	case KEY_CTRL('h'):
		if (p->pos > 0) {
			memmove(p->buf + p->pos - 1, p->buf + p->pos,
			    (size_t)(p->len - p->pos + 1));
			p->pos--;
			p->len--;
		}
		break;
	case KEY_DC:
	case KEY_CTRL('d'):
		if (p->pos < p->len) {
			memmove(p->buf + p->pos, p->buf + p->pos + 1,
			    (size_t)(p->len - p->pos));
			p->len--;
		}
		break;
	case KEY_LEFT:
	case KEY_CTRL('b'):
		if (p->pos > 0)
			p->pos--;
		break;
	case KEY_RIGHT:
	case KEY_CTRL('f'):
		if (p->pos < p->len)
			p->pos++;
		break;
	case KEY_HOME:
	case KEY_CTRL('a'):
		p->pos = 0;
		break;
	case KEY_END:
	case KEY_CTRL('e'):
		p->pos = p->len;
		break;
	case KEY_CTRL('u'):
		p->len = p->pos = 0;
		p->buf[0] = '\0';
		break;
	case KEY_CTRL('w'):
		while (p->pos > 0 && p->buf[p->pos - 1] == ' ')
			prompt_key(t, 127);
		while (p->pos > 0 && p->buf[p->pos - 1] != ' ')
			prompt_key(t, 127);
		break;
	case KEY_UP:
	case KEY_DOWN: {
		int h = p->hpos + (key == KEY_UP ? 1 : -1);

		if (h < -1 || h >= HIST_LEN ||
		    (h >= 0 && history[p->hist][h] == NULL))
			break;
		p->hpos = h;
		snprintf(p->buf, sizeof(p->buf), "%s",
		    h < 0 ? "" : history[p->hist][h]);
		p->len = p->pos = (int)strlen(p->buf);
		break;
	}
	default:
		if (key >= 0x20 && key < 0x100 && key != 0x7f &&
		    p->len + 1 < (int)sizeof(p->buf)) {
			memmove(p->buf + p->pos + 1, p->buf + p->pos,
			    (size_t)(p->len - p->pos + 1));
			p->buf[p->pos++] = (char)key;
			p->len++;
		}
		break;
	}
	return PANE_REDRAW;
}

void
tui_popup(struct tui *t, const char *title, const char *text)
{
	const char *s = text;

	popup_close();
	popup.active = true;
	popup.title = xstrdup(title);
	while (*s != '\0') {
		const char *nl = strchr(s, '\n');
		size_t n = nl != NULL ? (size_t)(nl - s) : strlen(s);

		popup.lines = xreallocarray(popup.lines,
		    (size_t)popup.nlines + 1, sizeof(*popup.lines));
		popup.lines[popup.nlines++] = xstrndup(s, n);
		s += n + (nl != NULL ? 1 : 0);
	}
}

static void
popup_close(void)
{
	for (int i = 0; i < popup.nlines; i++)
		free(popup.lines[i]);
	free(popup.lines);
	free(popup.title);
	memset(&popup, 0, sizeof(popup));
}

static enum pane_result
popup_key(struct tui *t, int key)
{
	int rows = overlay_win != NULL ? getmaxy(overlay_win) - 2 : 10;
	int max = popup.nlines - rows > 0 ? popup.nlines - rows : 0;

	switch (key) {
	case 27:
	case 'q':
	case '\n':
	case '\r':
	case KEY_ENTER:
		popup_close();
		break;
	case KEY_DOWN:
	case 'j':
		popup.top++;
		break;
	case KEY_UP:
	case 'k':
		popup.top--;
		break;
	case KEY_NPAGE:
	case ' ':
		popup.top += rows;
		break;
	case KEY_PPAGE:
		popup.top -= rows;
		break;
	case KEY_HOME:
	case 'g':
		popup.top = 0;
		break;
	case KEY_END:
	case 'G':
		popup.top = max;
		break;
	default:
		return PANE_HANDLED;
	}
	if (popup.top > max)
		popup.top = max;
	if (popup.top < 0)
		popup.top = 0;
	return PANE_REDRAW;
}

/* The pop-up is as tall as its text, at most the overlay's size. */
static void
draw_popup(struct tui *t)
{
	int h = popup.nlines + 2 < getmaxy(overlay_win) ?
	    popup.nlines + 2 : getmaxy(overlay_win);
	WINDOW *w = newwin(h < 3 ? 3 : h, getmaxx(overlay_win), 2, 4);
	int rows;
	char foot[64];

	if (w == NULL)
		fatalx("cannot create the pop-up window");
	rows = getmaxy(w) - 2;
	wattrset(w, tui_attr(t, TC_TITLE_FOCUS));
	box(w, 0, 0);
	wattrset(w, A_NORMAL);
	tui_put(w, 0, 2, tui_attr(t, TC_TITLE_FOCUS), popup.title);
	for (int i = 0; i < rows && popup.top + i < popup.nlines; i++) {
		/* Leave the right border alone: clip one column early. */
		char *line = xstrndup(popup.lines[popup.top + i],
		    (size_t)(getmaxx(w) - 3));

		tui_put(w, 1 + i, 1, A_NORMAL, line);
		free(line);
	}
	snprintf(foot, sizeof(foot), " %d-%d of %d  Esc closes ",
	    popup.nlines ? popup.top + 1 : 0,
	    popup.top + rows < popup.nlines ? popup.top + rows : popup.nlines,
	    popup.nlines);
	tui_put(w, getmaxy(w) - 1, 2, tui_attr(t, TC_TITLE_FOCUS), foot);
	wnoutrefresh(w);
	delwin(w);
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
	broadcast(t, TUI_EV_THREAD);
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
	broadcast(t, TUI_EV_PROC);
	sync_proc(t);
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
	broadcast(t, TUI_EV_MAPS);
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
	pane_hex_goto(t, addr, true);
	tui_focus(t, &pane_hex_ops);
}

static void
broadcast(struct tui *t, enum tui_event ev)
{
	for (int i = 0; all_panes[i] != NULL; i++)
		if (all_panes[i]->event != NULL)
			all_panes[i]->event(t, ev);
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
static void
sync_proc(struct tui *t)
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
		broadcast(t, TUI_EV_PAUSED);
		/* A crash: what matters first is where each thread was. */
		if (t->proc->reason == PAUSE_SIGNAL)
			tui_focus(t, &pane_threads_ops);
		if (!t->proc->is_root || t->follow_forks)
			tui_msg(t, false, "pid %d paused", (int)t->pid);
	} else if (state == PROC_GONE) {
		maps_free(&t->maps);
		broadcast(t, TUI_EV_GONE);
	} else if (state == PROC_RELEASED) {
		broadcast(t, TUI_EV_RESUMED);
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
	sync_proc(t);
}

static void
read_pty(struct tui *t)
{
	char buf[8192];
	ssize_t n;

	while ((n = read(pty.master, buf, sizeof(buf))) > 0)
		scrollback_feed(&t->out, buf, (size_t)n);
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		pty_eof = true;
}

/* "paused at exit_group(3)", "SIGSEGV at 0x10 in crash_here", ... */
static void
status_text(struct tui *t, char *buf, size_t len, bool *paused)
{
	struct proc *p = t->proc;

	*paused = false;
	if (p == NULL) {
		snprintf(buf, len, "%s", t->pid ? "gone" : "starting");
		return;
	}
	switch (p->state) {
	case PROC_RUNNING:
		snprintf(buf, len, "running");
		break;
	case PROC_PAUSING:
		snprintf(buf, len, "pausing");
		break;
	case PROC_PAUSED:
		*paused = true;
		if (p->reason == PAUSE_SIGNAL) {
			const char *sig = signal_name(p->signal);
			const char *fn = pane_threads_function(t,
			    p->paused_tid);
			int n;

			n = snprintf(buf, len, "%s", sig ? sig : "signal");
			if (p->has_fault_addr && n < (int)len)
				n += snprintf(buf + n, len - (size_t)n,
				    " at 0x%" PRIx64, p->fault_addr);
			if (fn != NULL && n < (int)len)
				snprintf(buf + n, len - (size_t)n, " in %s",
				    fn);
		} else {
			snprintf(buf, len, p->last_thread_exit ?
			    "paused at its last thread's exit(%d)" :
			    "paused at exit_group(%d)", p->exit_code);
		}
		break;
	case PROC_RELEASED:
		snprintf(buf, len, "exiting");
		break;
	case PROC_GONE:
		if (WIFSIGNALED(p->wait_status)) {
			const char *sig = signal_name(WTERMSIG(p->wait_status));

			snprintf(buf, len, "killed by %s",
			    sig ? sig : "signal");
		} else {
			snprintf(buf, len, "exited with status %d",
			    WEXITSTATUS(p->wait_status));
		}
		break;
	}
}

static void
draw_status(struct tui *t)
{
	char state[160], line[320];
	bool paused;
	int x;

	status_text(t, state, sizeof(state), &paused);
	attrset(tui_attr(t, TC_HEADER));
	move(0, 0);
	hline(' ', COLS);
	snprintf(line, sizeof(line), " ptinspect  pid %d %s ", (int)t->pid,
	    t->proc != NULL ? t->proc->comm : "");
	mvaddnstr(0, 0, line, COLS);
	x = (int)strlen(line);
	attrset(tui_attr(t, paused ? TC_PAUSED : TC_HEADER));
	snprintf(line, sizeof(line), " %s ", state);
	mvaddnstr(0, x, line, COLS - x > 0 ? COLS - x : 0);
	x += (int)strlen(line);
	attrset(tui_attr(t, TC_HEADER));
	if (t->proc != NULL && t->proc->state != PROC_GONE) {
		snprintf(line, sizeof(line), " %d thread%s", t->proc->nthreads,
		    t->proc->nthreads == 1 ? "" : "s");
		if (t->proc->state == PROC_RUNNING)
			snprintf(line + strlen(line),
			    sizeof(line) - strlen(line), "  live %d Hz",
			    t->live_hz);
		if (x < COLS)
			mvaddnstr(0, x, line, COLS - x);
	}
	attrset(A_NORMAL);
}

static void
draw_bottom(struct tui *t)
{
	int y = LINES - 1;
	int x = 0;

	move(y, 0);
	clrtoeol();
	if (prompt.active) {
		int lw = (int)strlen(prompt.label);
		int start = prompt.pos > COLS - lw - 2 ?
		    prompt.pos - (COLS - lw - 2) : 0;

		attrset(tui_attr(t, TC_KEY));
		mvaddnstr(y, 0, prompt.label, COLS);
		attrset(A_NORMAL);
		mvaddnstr(y, lw, prompt.buf + start, COLS - lw - 1);
		move(y, lw + prompt.pos - start);
		return;
	}
	if (quit_state != QUIT_NONE) {
		char q[200];
		bool paused = t->proc != NULL && t->proc->state == PROC_PAUSED;

		if (quit_state == QUIT_KILL_ASK)
			snprintf(q, sizeof(q), "Kill pid %d? [y] yes  "
			    "[n] no", (int)t->pid);
		else
			snprintf(q, sizeof(q), "Quit: [c] %s  [k] kill %s  "
			    "[Esc] stay", paused ? "let the exit finish" :
			    "let it run to its end", t->follow_forks ?
			    "every process" : "it");
		tui_put(stdscr, y, 0, tui_attr(t, TC_ERROR), q);
		return;
	}
	if (message != NULL) {
		tui_put(stdscr, y, 0, tui_attr(t, message_error ? TC_ERROR :
		    TC_KEY), message);
		return;
	}
	if (input_mode) {
		tui_put(stdscr, y, 0, tui_attr(t, TC_EDIT),
		    " INPUT: keys go to the program; Ctrl-] gives them back ");
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(fkeys); i++) {
		char key[8], label[8];

		snprintf(key, sizeof(key), "F%zu", i + 1);
		snprintf(label, sizeof(label), i + 1 < ARRAY_SIZE(fkeys) ?
		    "%-6s" : "%s", fkeys[i].label);
		tui_put(stdscr, y, x, tui_attr(t, TC_KEY), key);
		x += (int)strlen(key);
		tui_put(stdscr, y, x, tui_attr(t, TC_KEYLABEL), label);
		x += (int)strlen(label);
	}
}

/*
 * A tab's name as drawn (" Threads "), and the columns it takes with the
 * gap after it. When the names do not all fit, the hidden tabs shrink to
 * their initial (" T ").
 */
static int
tab_label(const struct slot *s, int j, char *buf, size_t len)
{
	int total = 0;

	for (int k = 0; k < s->npanes; k++)
		total += (int)strlen(s->panes[k]->name) + 3;
	if (total > s->r.w - 10 && j != s->shown)
		snprintf(buf, len, " %c ", s->panes[j]->name[0]);
	else
		snprintf(buf, len, " %s ", s->panes[j]->name);
	return (int)strlen(buf) + 1;
}

static void
draw_title(struct tui *t, struct slot *s)
{
	WINDOW *w = s->title;
	int x = 0;

	werase(w);
	wattrset(w, tui_attr(t, TC_TITLE));
	mvwhline(w, 0, 0, ACS_HLINE, getmaxx(w));
	for (int j = 0; j < s->npanes; j++) {
		bool shown = j == s->shown;
		enum tui_color c = shown && s->panes[j] == focus ?
		    TC_TITLE_FOCUS : TC_TITLE;
		char name[48];

		x += tab_label(s, j, name, sizeof(name));
		tui_put(w, 0, x - (int)strlen(name) - 1, tui_attr(t, c) |
		    (shown ? A_BOLD : 0), name);
	}
	/* The shown pane's own title text follows the names. */
	if (s->panes[s->shown]->title != NULL) {
		char extra[160];

		extra[0] = '\0';
		s->panes[s->shown]->title(t, extra, sizeof(extra));
		if (extra[0] != '\0') {
			tui_put(w, 0, x, tui_attr(t, TC_TITLE), extra);
			x += (int)strlen(extra);
			tui_put(w, 0, x, tui_attr(t, TC_TITLE), " ");
		}
	}
	wnoutrefresh(w);
}

/*
 * Splits text at spaces into lines of at most width columns (a longer
 * word is cut), stores up to max lines of at most 80 bytes.
 */
static int
wrap_text(const char *text, int width, char lines[][81], int max)
{
	int n = 0;

	if (width > 80)
		width = 80;
	while (*text != '\0' && n < max) {
		int len = (int)strlen(text), cut = len;

		if (len > width) {
			cut = width;
			while (cut > 0 && text[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = width;
		}
		snprintf(lines[n++], 81, "%.*s", cut, text);
		text += cut;
		while (*text == ' ')
			text++;
	}
	return n;
}

/* Each sentence on its own lines, wrapped to the width, centred. */
static void
draw_too_small(void)
{
	char a[80], b[80], lines[16][81];
	int n, y;

	erase();
	snprintf(a, sizeof(a), "ptinspect needs a terminal of at least "
	    "%dx%d", MIN_COLS, MIN_ROWS);
	snprintf(b, sizeof(b), "this one is %dx%d: enlarge it, or q quits",
	    COLS, LINES);
	n = wrap_text(a, COLS, lines, 8);
	n += wrap_text(b, COLS, lines + n, 8);
	y = (LINES - n) / 2 > 0 ? (LINES - n) / 2 : 0;
	for (int i = 0; i < n && y + i < LINES; i++) {
		int len = (int)strlen(lines[i]);

		mvaddnstr(y + i, (COLS - len) / 2 > 0 ? (COLS - len) / 2 : 0,
		    lines[i], COLS);
	}
	wnoutrefresh(stdscr);
}

static void
draw_all(struct tui *t)
{
	if (lay.too_small) {
		draw_too_small();
		doupdate();
		return;
	}
	erase();
	draw_status(t);
	attrset(tui_attr(t, TC_TITLE));
	for (int i = 0; i < lay.nseps; i++)
		mvvline(lay.sep_rect[i].y, lay.sep_rect[i].x, ACS_VLINE,
		    lay.sep_rect[i].h);
	attrset(A_NORMAL);
	draw_bottom(t);
	wnoutrefresh(stdscr);
	for (int i = 0; i < lay.nslots; i++) {
		struct slot *s = &lay.slots[i];
		const struct pane_ops *p = s->panes[s->shown];

		/* The body first: drawing may settle what the title says. */
		werase(s->body);
		p->draw(t, s->body, p == focus);
		draw_title(t, s);
		wnoutrefresh(s->body);
	}
	if (help_open) {
		werase(overlay_win);
		pane_help_ops.draw(t, overlay_win, true);
		wnoutrefresh(overlay_win);
	} else if (popup.active) {
		draw_popup(t);
	}
	if (prompt.active) {
		/* Leave the terminal cursor in the prompt. */
		draw_bottom(t);
		wnoutrefresh(stdscr);
	}
	doupdate();
}

/* Which slot a screen position falls in, and the position inside it. */
static enum pane_result
mouse_event(struct tui *t)
{
	MEVENT ev;

	if (getmouse(&ev) != OK || lay.too_small)
		return PANE_HANDLED;
	if (help_open || popup.active) {
		if (ev.bstate & BUTTON4_PRESSED)
			return help_open ? pane_help_ops.key(t, KEY_UP) :
			    popup_key(t, KEY_UP);
		if (ev.bstate & BUTTON5_PRESSED)
			return help_open ? pane_help_ops.key(t, KEY_DOWN) :
			    popup_key(t, KEY_DOWN);
		return PANE_HANDLED;
	}
	for (int i = 0; i < lay.nslots; i++) {
		struct slot *s = &lay.slots[i];
		const struct pane_ops *p;

		if (ev.y < s->r.y || ev.y >= s->r.y + s->r.h ||
		    ev.x < s->r.x || ev.x >= s->r.x + s->r.w)
			continue;
		if (ev.y == s->r.y && s->npanes > 1) {
			/* A click on a tab name shows that pane. */
			int x = s->r.x;

			for (int j = 0; j < s->npanes; j++) {
				char name[48];
				int w = tab_label(s, j, name, sizeof(name));

				if (ev.x >= x && ev.x < x + w)
					tui_focus(t, s->panes[j]);
				x += w;
			}
			return PANE_REDRAW;
		}
		p = s->panes[s->shown];
		if (ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED |
		    BUTTON1_DOUBLE_CLICKED))
			tui_focus(t, p);
		if (ev.y == s->r.y || p->mouse == NULL)
			return PANE_REDRAW;
		p->mouse(t, ev.y - s->r.y - 1, ev.x - s->r.x, ev.bstate);
		return PANE_REDRAW;
	}
	return PANE_HANDLED;
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

static void
prompt_cmd_done(struct tui *t, const char *line)
{
	struct cmd_ctx ctx;
	char *out = NULL, *err = NULL;
	size_t out_len = 0, err_len = 0, len;
	char *text;

	if (t->proc == NULL) {
		tui_msg(t, true, "%s: no process", line);
		return;
	}
	tui_cmd_ctx(t, &ctx);
	ctx.out = open_memstream(&out, &out_len);
	ctx.err = open_memstream(&err, &err_len);
	if (ctx.out == NULL || ctx.err == NULL)
		fatal("open_memstream");
	cmd_run(&ctx, line);
	fclose(ctx.out);
	fclose(ctx.err);
	text = xstrfmt("%s%s", out, err);
	len = strlen(text);
	while (len > 0 && text[len - 1] == '\n')
		text[--len] = '\0';
	if (strchr(text, '\n') == NULL && (int)strlen(text) < COLS)
		tui_msg(t, err_len > 0, "%s", *text ? text : "(no output)");
	else
		tui_popup(t, line, text);
	free(text);
	free(out);
	free(err);
	sync_proc(t);
	broadcast(t, TUI_EV_MAPS);
}

void
tui_input_start(struct tui *t)
{
	if (pty_eof || t->all_gone) {
		tui_msg(t, true, "input: the program's terminal is closed");
		return;
	}
	input_mode = true;
}

/* In input mode: what a terminal would send for the key, to the program. */
static enum pane_result
input_key(struct tui *t, int key)
{
	static const struct {
		int key;
		const char *seq;
	} keys[] = {
		{ KEY_ENTER, "\r" }, { KEY_BACKSPACE, "\x7f" },
		{ KEY_UP, "\x1b[A" }, { KEY_DOWN, "\x1b[B" },
		{ KEY_RIGHT, "\x1b[C" }, { KEY_LEFT, "\x1b[D" },
		{ KEY_HOME, "\x1b[H" }, { KEY_END, "\x1b[F" },
		{ KEY_DC, "\x1b[3~" },
	};
	char c = (char)key;
	const char *seq = NULL;
	size_t len = 1;

	if (key == 0x1d) {		/* Ctrl-] */
		input_mode = false;
		return PANE_REDRAW;
	}
	if (key == KEY_MOUSE) {
		/* A click elsewhere takes the keyboard back. */
		input_mode = false;
		return mouse_event(t);
	}
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (keys[i].key == key)
			seq = keys[i].seq;
	if (seq != NULL)
		len = strlen(seq);
	else if (key >= 0 && key < 0x100)
		seq = &c;
	else
		return PANE_HANDLED;
	if (write(pty.master, seq, len) < 0) {
		tui_msg(t, true, "input: %s", strerror(errno));
		input_mode = false;
	}
	return PANE_REDRAW;
}

/* Keys nobody else took: focus, function keys, the prompt, quitting. */
static enum pane_result
global_key(struct tui *t, int key)
{
	char *err = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(fkeys); i++) {
		if (key != fkeys[i].key || fkeys[i].pane == NULL)
			continue;
		tui_focus(t, fkeys[i].pane);
		if (focus == fkeys[i].pane)
			return fkeys[i].pane->key(t, fkeys[i].send);
		return PANE_REDRAW;
	}
	switch (key) {
	case '\t':
		focus_cycle(t, 1);
		return PANE_REDRAW;
	case KEY_BTAB:
		focus_cycle(t, -1);
		return PANE_REDRAW;
	case '?':
	case KEY_F(1):
		help_open = true;
		return PANE_REDRAW;
	case ':':
		tui_prompt(t, ":", 0, prompt_cmd_done);
		return PANE_REDRAW;
	case KEY_F(8):
		if (t->proc == NULL || t->proc->state != PROC_PAUSED) {
			tui_msg(t, true, "continue: pid %d is not paused",
			    (int)t->pid);
		} else if (tracer_continue(t->tr, t->proc, &err) < 0) {
			tui_msg(t, true, "continue: %s", err);
			free(err);
		}
		sync_proc(t);
		return PANE_REDRAW;
	case KEY_F(9):
		if (t->proc == NULL || t->proc->state == PROC_GONE)
			tui_msg(t, true, "kill: pid %d is gone", (int)t->pid);
		else
			quit_state = QUIT_KILL_ASK;
		return PANE_REDRAW;
	case 'q':
	case KEY_F(10):
		return PANE_QUIT;
	case KEY_CTRL('l'):
		clearok(curscr, TRUE);
		return PANE_REDRAW;
	case KEY_CTRL('c'):
	case KEY_CTRL('\\'):
		tui_msg(t, false, "Ctrl-%c does not quit: press q (F9 kills "
		    "the program)", key == KEY_CTRL('c') ? 'C' : '\\');
		return PANE_REDRAW;
	case KEY_CTRL('z'):
		/* Raw mode makes it a key: suspend as cbreak mode would. */
		raise(SIGTSTP);
		return PANE_REDRAW;
	}
	return PANE_HANDLED;
}

static enum pane_result
quit_key(struct tui *t, int key)
{
	char *err = NULL;

	if (quit_state == QUIT_KILL_ASK) {
		quit_state = QUIT_NONE;
		if ((key == 'y' || key == 'Y') && t->proc != NULL &&
		    tracer_kill(t->tr, t->proc, &err) < 0) {
			tui_msg(t, true, "kill: %s", err);
			free(err);
		}
		sync_proc(t);
		return PANE_REDRAW;
	}
	switch (key) {
	case 'c':
	case 'C':
	case 'k':
	case 'K':
		quit_state = QUIT_NONE;
		quit_confirmed = true;
		quit_killed = key == 'k' || key == 'K';
		release_all(t, quit_killed);
		return PANE_QUIT;
	case 27:
	case 'n':
	case KEY_CTRL('c'):
		quit_state = QUIT_NONE;
		return PANE_REDRAW;
	}
	return PANE_HANDLED;
}

static enum pane_result
handle_key(struct tui *t, int key)
{
	enum pane_result r = PANE_IGNORED;

	if (key == KEY_RESIZE) {
		layout_apply(t);
		return PANE_REDRAW;
	}
	if (lay.too_small)
		return key == 'q' || key == KEY_F(10) ? PANE_QUIT :
		    PANE_HANDLED;
	if (quit_state != QUIT_NONE)
		return quit_key(t, key);
	if (prompt.active)
		return prompt_key(t, key);
	if (input_mode)
		return input_key(t, key);
	free(message);
	message = NULL;
	if (key == KEY_MOUSE)
		return mouse_event(t);
	if (popup.active)
		return popup_key(t, key);
	if (help_open) {
		r = pane_help_ops.key(t, key);
		if (r == PANE_IGNORED && (key == 27 || key == 'q' ||
		    key == '?' || key == KEY_F(1) || key == KEY_F(10))) {
			help_open = false;
			r = PANE_REDRAW;
		}
		return r == PANE_IGNORED ? PANE_HANDLED : r;
	}
	r = focus->key(t, key);
	if (r == PANE_IGNORED)
		r = global_key(t, key);
	return r;
}

/* The user chose at the quit question: let every held process go, or kill. */
static void
release_all(struct tui *t, bool kill_them)
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

/*
 * What the program wrote while the TUI was up, as the output pane holds
 * it (its last lines, escape sequences dropped), on the user's terminal.
 */
static void
print_output(struct tui *t)
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
 * After the TUI is gone the program may still run (the user let it): our
 * terminal goes raw and ptinspect relays both ways, keys to the program's
 * terminal (whose line discipline turns Ctrl-C into SIGINT for its
 * foreground group) and its output to ours, letting any process that
 * pauses go (or killing it), until every one is reaped. SIGTERM kills.
 */
static void
relay_after_quit(struct tui *t, bool kill_them)
{
	struct termios saved, raw;
	bool raw_mode = false, stdin_eof = false;
	int evfd = tracer_event_fd(t->tr);
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
			{ .fd = pty_eof ? -1 : pty.master, .events = POLLIN },
			{ .fd = evfd, .events = POLLIN },
			{ .fd = signal_pipe[0], .events = POLLIN },
		};

		if (terminate_requested && !kill_them) {
			kill_them = true;
			release_all(t, true);
		}
		if (tracer_poll(t->tr, 0) < 0) {
			t->all_gone = true;
			break;
		}
		if (tracer_next_paused(t->tr) != NULL)
			release_all(t, kill_them);
		if (poll(pfd, 4, 250) < 0 && errno != EINTR)
			fatal("poll");
		if (pfd[0].revents != 0) {
			n = read(0, buf, sizeof(buf));
			if (n <= 0)
				stdin_eof = true;
			else if (!pty_eof && write(pty.master, buf,
			    (size_t)n) < 0 && errno != EAGAIN)
				pty_eof = true;
		}
		if (pfd[1].revents != 0) {
			while ((n = read(pty.master, buf, sizeof(buf))) > 0)
				if (write(1, buf, (size_t)n) < 0)
					break;
			if (n == 0 || (n < 0 && errno != EAGAIN))
				pty_eof = true;
		}
		if (pfd[3].revents != 0)
			while (read(signal_pipe[0], buf, sizeof(buf)) > 0)
				;
	}
	if (pty.master >= 0)
		while ((n = read(pty.master, buf, sizeof(buf))) > 0)
			if (write(1, buf, (size_t)n) < 0)
				break;
	if (raw_mode)
		tcsetattr(0, TCSADRAIN, &saved);
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
			draw_all(t);
		dirty = false;
		pfd[nfd++] = (struct pollfd){ .fd = 0, .events = POLLIN };
		pfd[nfd++] = (struct pollfd){ .fd = pty_eof ? -1 : pty.master,
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
			quit_killed = true;
			release_all(t, true);
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
			enum pane_result r = handle_key(t, key);

			if (r == PANE_QUIT) {
				if (quit_confirmed || nothing_held(t))
					return;
				quit_state = QUIT_ASK;
			}
			dirty = true;
		}
		if (live && t->now_ms >= next_tick) {
			next_tick = t->now_ms + 1000 / t->live_hz;
			t->frame++;
			if (t->now_ms - t->maps_ms >= MAPS_REFRESH_MS)
				tui_refresh_maps(t);
			broadcast(t, TUI_EV_TICK);
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
	struct layout plan;
	struct slot *out_slot = NULL;
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
	layout_plan(t, ws.ws_row, ws.ws_col, &plan);
	for (int i = 0; i < plan.nslots; i++)
		for (int j = 0; j < plan.slots[i].npanes; j++)
			if (plan.slots[i].panes[j] == &pane_output_ops)
				out_slot = &plan.slots[i];
	if (tui_pty_open(&pty, opts->output_file,
	    out_slot ? out_slot->r.h - 1 : ws.ws_row,
	    out_slot ? out_slot->r.w : ws.ws_col, &err) < 0) {
		warnx_msg("%s", err);
		free(err);
		return 125;
	}
	topts.child_setup = tui_pty_child_setup;
	topts.child_setup_arg = &pty;
	t->tr = tracer_spawn(&topts, argv, &code);
	if (t->tr == NULL) {
		tui_pty_close(&pty);
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
	colors_init(t);
	layout_apply(t);
	broadcast(t, TUI_EV_PROC);
	sync_proc(t);
	tui_refresh_maps(t);

	loop(t);

	endwin();
	set_fatal_cleanup(NULL);
	if (t->output_file == NULL)
		print_output(t);
	relay_after_quit(t, quit_killed);
	code = tracer_finish(t->tr);
	if (terminate_requested)
		code = 128 + SIGTERM;
	tracer_destroy(t->tr);
	tui_pty_close(&pty);
	layout_free();
	maps_free(&t->maps);
	scrollback_free(&t->out);
	free(message);
	message = NULL;
	signal(SIGTERM, SIG_DFL);
	close(signal_pipe[0]);
	close(signal_pipe[1]);
	return code;
}
