/*
 * layout.c: where the panes go. It holds the only list of panes and the
 * function keys' table (which pane each key goes to), plans slots for the
 * terminal's size (a slot shows one pane at a time when several share it,
 * like tabs), keeps which pane has the focus, and composes a frame: each
 * pane draws into its own window, bars.c, prompt.c and popup.c draw the
 * rest, and layout_draw calls doupdate() once. Above the panes (it calls
 * them through their struct pane_ops) and those three files; below
 * session.c, input.c and the loop; the panes reach layout_focus and
 * layout_panes through t->ops.
 *
 *	row 0		status line: pid, name, state, threads, live rate
 *	rows 1..H-2	slots: Memory/Process/Source | Registers over
 *			Inspector/Code | tabs
 *	row H-1		function-key bar, messages, or the prompt
 */
#include "config.h"

#include <string.h>

#include "tui/pane.h"
#include "tui/tui-int.h"
#include "util.h"

#define HEX_WIDTH 79		/* 12-digit address + 16 bytes + ASCII */
#define INSP_WIDTH 46
#define REGS_MIN_WIDTH 20

/* The only list of panes, in Tab order; help is the overlay, not a stop. */
static const struct pane_ops *const all_panes[] = {
	&pane_hex_ops,
	&pane_source_ops,
	&pane_inspector_ops,
	&pane_code_ops,
	&pane_regs_ops,
	&pane_regions_ops,
	&pane_threads_ops,
	&pane_output_ops,
	&pane_procs_ops,
	&pane_process_ops,
	&pane_help_ops,
	NULL,
};

/* The function-key bar; input.c sends each key where it says. */
const struct tui_fkey layout_fkeys[] = {
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
	/* Past 80 columns: p shows the Process pane too. */
	{ KEY_F(11), "Proc", &pane_process_ops, 'P' },
	/* The selected frame's source; again, its code (input.c). */
	{ KEY_F(12), "Src", NULL, 0 },
};
const size_t layout_nfkeys = ARRAY_SIZE(layout_fkeys);

static struct layout lay;
static const struct pane_ops *focus = &pane_hex_ops;
static WINDOW *overlay_win;

static bool pane_enabled(const struct tui *t, const struct pane_ops *ops);
static void slot_add(struct layout *l, struct rect r,
    const struct pane_ops *const *p, int n);
static void sep_add(struct layout *l, int x, int y, int h);
static void layout_plan(const struct tui *t, int rows, int cols,
    struct layout *l);
static struct slot *layout_slot_of(const struct pane_ops *ops);
static void output_size(int *rows, int *cols);
static const char *crash_function(struct tui *t);
static void draw_bottom(struct tui *t);

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
 * sized before curses starts. The Process pane is a tab beside Memory:
 * it wants the width and the height, and so does Source; Code is a tab
 * beside the Inspector, so that source, code and the Threads pane that
 * selects their frame can all be seen at once. Normal (80-149 columns):
 * Memory with Registers beside it when they fit, then the Inspector beside
 * a tab slot (Regions, Threads, Output, Processes). Wide (150+ columns,
 * 36+ rows): Memory | Inspector | Registers over Regions | Threads |
 * Output.
 */
static void
layout_plan(const struct tui *t, int rows, int cols, struct layout *l)
{
	const struct pane_ops *procs = t->follow_forks ? &pane_procs_ops :
	    NULL;
	/* Below the Memory pane: Registers among them where it is narrow. */
	const struct pane_ops *wide[] = { &pane_regions_ops,
		&pane_threads_ops, &pane_output_ops, procs };
	const struct pane_ops *narrow[] = { &pane_regions_ops,
		&pane_threads_ops, &pane_regs_ops, &pane_output_ops, procs };
	bool regs_beside = cols >= HEX_WIDTH + 1 + REGS_MIN_WIDTH;
	int hex_width = regs_beside ? HEX_WIDTH : cols;
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
		    (const struct pane_ops *[]){ &pane_hex_ops,
		    &pane_process_ops, &pane_source_ops }, 3);
		sep_add(l, HEX_WIDTH, 1, top);
		slot_add(l, (struct rect){ 1, HEX_WIDTH + 1, top, INSP_WIDTH },
		    (const struct pane_ops *[]){ &pane_inspector_ops,
		    &pane_code_ops }, 2);
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
	/*
	 * Wide: Registers beside Memory, the tabs below without it;
	 * narrow: Memory across, Registers among the tabs.
	 */
	slot_add(l, (struct rect){ 1, 0, top, hex_width },
	    (const struct pane_ops *[]){ &pane_hex_ops,
	    &pane_process_ops, &pane_source_ops }, 3);
	if (regs_beside) {
		sep_add(l, HEX_WIDTH, 1, top);
		slot_add(l, (struct rect){ 1, HEX_WIDTH + 1, top,
		    cols - HEX_WIDTH - 1 },
		    (const struct pane_ops *[]){ &pane_regs_ops }, 1);
	}
	y = 1 + top;
	slot_add(l, (struct rect){ y, 0, bot, INSP_WIDTH },
	    (const struct pane_ops *[]){ &pane_inspector_ops,
	    &pane_code_ops }, 2);
	sep_add(l, INSP_WIDTH, y + 1, bot - 1);
	slot_add(l, (struct rect){ y, INSP_WIDTH + 1, bot,
	    cols - INSP_WIDTH - 1 }, regs_beside ? wide : narrow,
	    regs_beside ? 4 : 5);
}

void
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
void
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
		popup_set_overlay_rows(getmaxy(overlay_win) - 2);
	}
	if (layout_slot_of(focus) != NULL) {
		struct slot *s = layout_slot_of(focus);

		for (int j = 0; j < s->npanes; j++)
			if (s->panes[j] == focus)
				s->shown = j;
	}
	output_size(&orow, &ocol);
	tui_pty_resize(&core.pty, orow, ocol);
}

static struct slot *
layout_slot_of(const struct pane_ops *ops)
{
	for (int i = 0; i < lay.nslots; i++)
		for (int j = 0; j < lay.slots[i].npanes; j++)
			if (lay.slots[i].panes[j] == ops)
				return &lay.slots[i];
	return NULL;
}

/* The program's terminal is the size of the output pane's body. */
static void
output_size(int *rows, int *cols)
{
	struct slot *s = layout_slot_of(&pane_output_ops);

	*rows = s != NULL ? s->r.h - 1 : 24;
	*cols = s != NULL ? s->r.w : 80;
}

void
layout_focus(struct tui *t, const struct pane_ops *ops)
{
	struct slot *s = layout_slot_of(ops);

	if (s == NULL || !pane_enabled(t, ops))
		return;
	focus = ops;
	for (int j = 0; j < s->npanes; j++)
		if (s->panes[j] == ops)
			s->shown = j;
}

void
layout_focus_cycle(struct tui *t, int dir)
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

		/*
		 * The Process and Source panes would hide Memory, Code the
		 * Inspector: their keys and tabs reach them.
		 */
		if (p == &pane_process_ops || p == &pane_source_ops ||
		    p == &pane_code_ops)
			continue;
		if (pane_enabled(t, p) && layout_slot_of(p) != NULL) {
			layout_focus(t, p);
			return;
		}
	}
}

const struct pane_ops *const *
layout_panes(void)
{
	return all_panes;
}

/*
 * For the status line: the function the thread that caused a signal pause
 * is in, from the pane that knows (Threads).
 */
static const char *
crash_function(struct tui *t)
{
	struct proc *p = t->proc;

	if (p == NULL || p->state != PROC_PAUSED || p->reason != PAUSE_SIGNAL)
		return NULL;
	for (int i = 0; all_panes[i] != NULL; i++)
		if (all_panes[i]->thread_function != NULL)
			return all_panes[i]->thread_function(t, p->paused_tid);
	return NULL;
}

/* The bottom row: the prompt when it is open, else bars.c's. */
static void
draw_bottom(struct tui *t)
{
	if (prompt_active()) {
		move(LINES - 1, 0);
		clrtoeol();
		prompt_draw(t, LINES - 1);
	} else {
		bars_draw_bottom(t, layout_fkeys, layout_nfkeys);
	}
}

void
layout_draw(struct tui *t)
{
	if (lay.too_small) {
		bars_draw_too_small();
		doupdate();
		return;
	}
	erase();
	bars_draw_status(t, crash_function(t));
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
		bars_draw_title(t, s, focus);
		wnoutrefresh(s->body);
	}
	if (core.help_open) {
		werase(overlay_win);
		pane_help_ops.draw(t, overlay_win, true);
		wnoutrefresh(overlay_win);
	} else if (popup_active()) {
		popup_draw(t, overlay_win);
	}
	if (prompt_active()) {
		/* Leave the terminal cursor in the prompt. */
		draw_bottom(t);
		wnoutrefresh(stdscr);
	}
	doupdate();
}

/* The output pane's body for a terminal of rows x cols (before curses). */
void
layout_output_size(const struct tui *t, int rows, int cols, int *out_rows,
    int *out_cols)
{
	struct layout plan;

	*out_rows = rows;
	*out_cols = cols;
	layout_plan(t, rows, cols, &plan);
	for (int i = 0; i < plan.nslots; i++)
		for (int j = 0; j < plan.slots[i].npanes; j++)
			if (plan.slots[i].panes[j] == &pane_output_ops) {
				*out_rows = plan.slots[i].r.h - 1;
				*out_cols = plan.slots[i].r.w;
			}
}

const struct layout *
layout_get(void)
{
	return &lay;
}

const struct pane_ops *
layout_focused(void)
{
	return focus;
}
