/*
 * pane-help.c: every key, grouped by pane, built from the panes' own key
 * tables (struct pane_ops.keys) so it cannot drift from what they do. Shown
 * as an overlay by ? or F1; input.c closes it on Esc, q, ? or F1.
 */
#include "config.h"

#include <stdio.h>

#include "tui/pane.h"

#define KEYS_WIDTH 24

static const struct pane_key global_keys[] = {
	{ "Tab, Shift-Tab", "next and previous pane" },
	{ "mouse click", "focus a pane, pick a tab, select" },
	{ ":", "run a command (x, write, find, regs, bt, ...)" },
	{ "!", "run a shell command; $PTINSPECT_PID names the process" },
	{ "p F11", "the Process pane: files, env, limits, signals, /proc" },
	{ "S F12, C", "Source and Code of the frame selected in Threads" },
	{ "? F1", "this help" },
	{ "F8", "pause the running process now; continue a held one" },
	{ "F9", "kill the process" },
	{ "q F10", "quit (asks: let the exit finish, or kill)" },
	{ "Ctrl-L", "redraw the screen" },
	{ "prompt", "Up/Down history, Ctrl-U clear, Esc cancel" },
	{ NULL, NULL },
};

static int top;
static int rows;

/* Draws (or, with w NULL, counts) the help lines from line `top` on. */
static int
help_lines(struct tui *t, WINDOW *w)
{
	const struct pane_ops *const *panes = tui_panes(t);
	int line = 0;

	for (int p = -1; p < 0 || panes[p] != NULL; p++) {
		const struct pane_key *k = p < 0 ? global_keys : panes[p]->keys;
		const char *name = p < 0 ? "Everywhere" : panes[p]->name;

		if (k == NULL || (p >= 0 && panes[p] == &pane_procs_ops &&
		    !t->follow_forks))
			continue;
		if (w != NULL && line - top >= 0 && line - top < rows)
			tui_put(w, 1 + line - top, 2, tui_attr(t, TC_TITLE) |
			    A_BOLD, name);
		line++;
		for (; k->keys != NULL; k++, line++) {
			if (w == NULL || line - top < 0 || line - top >= rows)
				continue;
			tui_put(w, 1 + line - top, 4, tui_attr(t, TC_KEY),
			    k->keys);
			tui_put(w, 1 + line - top, 4 + KEYS_WIDTH, A_NORMAL,
			    k->what);
		}
		line++;
	}
	return line;
}

static void
help_draw(struct tui *t, WINDOW *w, bool focused)
{
	char foot[80];
	int n;

	rows = getmaxy(w) - 2;
	n = help_lines(t, NULL);
	if (top > n - rows)
		top = n - rows > 0 ? n - rows : 0;
	wattrset(w, tui_attr(t, TC_TITLE_FOCUS));
	box(w, 0, 0);
	wattrset(w, A_NORMAL);
	tui_put(w, 0, 2, tui_attr(t, TC_TITLE_FOCUS), " Help: keys by pane ");
	help_lines(t, w);
	snprintf(foot, sizeof(foot), " %s Esc closes ",
	    n > rows ? "jk PgUp PgDn scroll," : "");
	tui_put(w, getmaxy(w) - 1, 2, tui_attr(t, TC_TITLE_FOCUS), foot);
}

static enum pane_result
help_key(struct tui *t, int key)
{
	switch (key) {
	case KEY_DOWN: case 'j':
		top++;
		break;
	case KEY_UP: case 'k':
		top = top > 0 ? top - 1 : 0;
		break;
	case KEY_NPAGE: case ' ':
		top += rows;
		break;
	case KEY_PPAGE: case 'b':
		top = top > rows ? top - rows : 0;
		break;
	case KEY_HOME: case 'g':
		top = 0;
		break;
	default:
		return PANE_IGNORED;
	}
	return PANE_REDRAW;
}

static const struct pane_key help_keys[] = {
	{ "jk, PgUp PgDn", "scroll this help" },
	{ "Esc q ? F1", "close it" },
	{ NULL, NULL },
};

const struct pane_ops pane_help_ops = {
	.name = "Help",
	.draw = help_draw,
	.key = help_key,
	.keys = help_keys,
};
