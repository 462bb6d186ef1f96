/*
 * bars.c: everything drawn outside the panes. Colours (or, without them,
 * the attributes that carry the same meaning), the status line at the top
 * (pid, name, state, threads, live rate), each slot's title row with its
 * tabs and the shown pane's title text, the bottom row (the prompt, the
 * quit question, a message, the input-mode banner or the function keys),
 * and the screen shown when the terminal is too small; and the drawing
 * helpers and messages of pane.h. It holds the modes (struct tui_core)
 * that the bottom row shows and the loop and input set. The lowest of the
 * TUI's files: it calls no other, and reaches the panes only through the
 * struct pane_ops in the slots and the function-key table it is given.
 */
#include "config.h"

#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "tracer.h"
#include "tui/pane.h"
#include "tui/tui-int.h"
#include "util.h"

struct tui_core core;

static attr_t attrs[TC_COUNT];
static char *message;
static bool message_error;

static void status_text(struct tui *t, const char *fn, char *buf,
    size_t len, bool *paused);
static const char *continue_label(const struct tui *t);
static int wrap_text(const char *text, int width, char lines[][81],
    int max);

/*
 * Colour pairs on a terminal with colours; otherwise (or with NO_COLOR)
 * bold, reverse, underline and dim carry the same meaning.
 */
void
bars_colors_init(struct tui *t)
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

enum pane_result
tui_view_key(struct tui_view *v, int key)
{
	int page = v->height > 1 ? v->height - 1 : 1;

	switch (key) {
	case KEY_DOWN: case 'j':
		v->top++;
		break;
	case KEY_UP: case 'k':
		v->top--;
		break;
	case KEY_NPAGE: case ' ':
		v->top += page;
		break;
	case KEY_PPAGE: case 'b':
		v->top -= page;
		break;
	case KEY_HOME: case 'g':
		v->top = 0;
		break;
	case KEY_END: case 'G':
		v->top = INT_MAX / 2;	/* tui_view_place clamps it */
		break;
	case '\r': case '\n': case KEY_ENTER:
		v->centre = true;
		break;
	default:
		return PANE_IGNORED;
	}
	if (v->top < 0)
		v->top = 0;
	return PANE_REDRAW;
}

enum pane_result
tui_view_mouse(struct tui_view *v, mmask_t bstate)
{
	if (bstate & BUTTON4_PRESSED)
		return tui_view_key(v, KEY_UP);
	if (bstate & BUTTON5_PRESSED)
		return tui_view_key(v, KEY_DOWN);
	return PANE_HANDLED;
}

void
tui_view_place(struct tui_view *v, int mark, int n, int h)
{
	v->height = h;
	if (v->centre) {
		v->top = mark - h / 2;
		v->centre = false;
	}
	if (v->top > n - h)
		v->top = n - h;
	if (v->top < 0)
		v->top = 0;
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

/*
 * As `status` says it (cmd_status_why), but a signal pause tersely, with
 * the function: "SIGSEGV at 0x10 in crash_here"; fn is the function the
 * thread that caused a signal pause is in, or NULL.
 */
static void
status_text(struct tui *t, const char *fn, char *buf, size_t len,
    bool *paused)
{
	struct proc *p = t->proc;
	const char *sig;
	int n;

	*paused = p != NULL && p->state == PROC_PAUSED;
	if (p == NULL) {
		snprintf(buf, len, "%s", t->pid ? "gone" : "starting");
		return;
	}
	if (!*paused || p->reason != PAUSE_SIGNAL) {
		cmd_status_why(p, buf, len);
		return;
	}
	sig = signal_name(p->signal);
	n = snprintf(buf, len, "%s", sig ? sig : "signal");
	if (p->has_fault_addr && n >= 0 && n < (int)len)
		n += snprintf(buf + n, len - (size_t)n, " at 0x%" PRIx64,
		    p->fault_addr);
	if (fn != NULL && n >= 0 && n < (int)len)
		snprintf(buf + n, len - (size_t)n, " in %s", fn);
}

void
bars_draw_status(struct tui *t, const char *fn)
{
	char state[160], line[320];
	bool paused;
	int x;

	status_text(t, fn, state, sizeof(state), &paused);
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

/*
 * F8's label: it pauses a running process on demand and continues a
 * held one.
 */
static const char *
continue_label(const struct tui *t)
{
	return t->proc != NULL && t->proc->state == PROC_RUNNING ? "Pause" :
	    "Cont";
}

void
bars_draw_bottom(struct tui *t, const struct tui_fkey *fkeys, size_t n)
{
	int y = LINES - 1;
	int x = 0;

	move(y, 0);
	clrtoeol();
	if (core.quit_state != QUIT_NONE) {
		char q[200];
		bool paused = t->proc != NULL && t->proc->state == PROC_PAUSED;

		if (core.quit_state == QUIT_KILL_ASK)
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
	if (core.input_mode) {
		tui_put(stdscr, y, 0, tui_attr(t, TC_EDIT),
		    " INPUT: keys go to the program; Ctrl-] gives them back ");
		return;
	}
	/*
	 * Labels padded to 6 columns as htop pads them; where that does not
	 * fit (80 columns), unpadded: the colours still tell key from label,
	 * and F12 stays on screen.
	 */
	int width = 6, padded = 0;

	for (size_t i = 0; i < n; i++)
		padded += (i + 1 < 10 ? 2 : 3) + (i + 1 < n ? 6 : 3);
	if (padded > COLS)
		width = 0;
	for (size_t i = 0; i < n; i++) {
		char key[24], label[16];

		snprintf(key, sizeof(key), "F%zu", i + 1);
		snprintf(label, sizeof(label), "%-*s",
		    i + 1 < n ? width : 0, fkeys[i].key == KEY_F(8) ?
		    continue_label(t) : fkeys[i].label);
		tui_put(stdscr, y, x, tui_attr(t, TC_KEY), key);
		x += (int)strlen(key);
		tui_put(stdscr, y, x, tui_attr(t, TC_KEYLABEL), label);
		x += (int)strlen(label);
	}
}

/*
 * A tab's name as drawn (" Threads "), and the columns it takes with the
 * gap after it. When the names do not all fit, or would crowd out the
 * shown pane's title text, the hidden tabs shrink to their initial (" T ").
 */
int
bars_tab_label(const struct slot *s, int j, char *buf, size_t len)
{
	int total = 0;

	for (int k = 0; k < s->npanes; k++)
		total += (int)strlen(s->panes[k]->name) + 3;
	if ((total > s->r.w - 10 || total + s->title_len > s->r.w) &&
	    j != s->shown)
		snprintf(buf, len, " %c ", s->panes[j]->name[0]);
	else
		snprintf(buf, len, " %s ", s->panes[j]->name);
	return (int)strlen(buf) + 1;
}

void
bars_draw_title(struct tui *t, struct slot *s,
    const struct pane_ops *focus)
{
	WINDOW *w = s->title;
	char extra[160];
	int x = 0;

	extra[0] = '\0';
	if (s->panes[s->shown]->title != NULL)
		s->panes[s->shown]->title(t, extra, sizeof(extra));
	s->title_len = extra[0] != '\0' ? (int)strlen(extra) + 1 : 0;
	werase(w);
	wattrset(w, tui_attr(t, TC_TITLE));
	mvwhline(w, 0, 0, ACS_HLINE, getmaxx(w));
	for (int j = 0; j < s->npanes; j++) {
		bool shown = j == s->shown;
		enum tui_color c = shown && s->panes[j] == focus ?
		    TC_TITLE_FOCUS : TC_TITLE;
		char name[48];

		x += bars_tab_label(s, j, name, sizeof(name));
		tui_put(w, 0, x - (int)strlen(name) - 1, tui_attr(t, c) |
		    (shown ? A_BOLD : 0), name);
	}
	/* The shown pane's own title text follows the names. */
	if (extra[0] != '\0') {
		tui_put(w, 0, x, tui_attr(t, TC_TITLE), extra);
		x += (int)strlen(extra);
		tui_put(w, 0, x, tui_attr(t, TC_TITLE), " ");
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
void
bars_draw_too_small(void)
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

void
bars_msg_clear(void)
{
	free(message);
	message = NULL;
}
