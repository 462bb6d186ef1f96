/*
 * pane-output.c: what the program wrote to its terminal (stdout and stderr
 * through the pseudo-terminal tui.c gives it), scrollable; it follows the
 * end until the user scrolls up. With -o FILE it says where output goes.
 * `i` lends the keyboard to the program (input.c's input mode).
 */
#include "config.h"

#include <stdio.h>

#include "tui/format.h"
#include "tui/pane.h"

static struct {
	long top;		/* first line shown when not following */
	bool follow;		/* stick to the end */
	int rows;
} op = { .follow = true };

static void
output_draw(struct tui *t, WINDOW *w, bool focused)
{
	long n = (long)scrollback_lines(&t->out);
	int h = getmaxy(w);

	op.rows = h;
	if (t->output_file != NULL && n == 0) {
		char s[300];

		snprintf(s, sizeof(s), "(output goes to %s)", t->output_file);
		tui_put(w, 0, 0, tui_attr(t, TC_ZERO), s);
		return;
	}
	if (op.follow || op.top > n - h)
		op.top = n - h;
	if (op.top < 0)
		op.top = 0;
	for (int y = 0; y < h && op.top + y < n; y++)
		tui_put(w, y, 0, A_NORMAL,
		    scrollback_line(&t->out, (size_t)(op.top + y)));
}

static void
output_title(struct tui *t, char *buf, size_t len)
{
	snprintf(buf, len, "%zu lines%s", scrollback_lines(&t->out),
	    op.follow ? "" : ", scrolled (G follows)");
}

static enum pane_result
output_key(struct tui *t, int key)
{
	long n = (long)scrollback_lines(&t->out);
	int page = op.rows > 1 ? op.rows - 1 : 1;

	switch (key) {
	case KEY_UP: case 'k':
		op.top--;
		break;
	case KEY_DOWN: case 'j':
		op.top++;
		break;
	case KEY_PPAGE: case 'b':
		op.top -= page;
		break;
	case KEY_NPAGE: case ' ':
		op.top += page;
		break;
	case KEY_HOME: case 'g':
		op.top = 0;
		break;
	case KEY_END: case 'G':
		op.follow = true;
		return PANE_REDRAW;
	case 'i':
		op.follow = true;
		tui_input_start(t);
		return PANE_REDRAW;
	default:
		return PANE_IGNORED;
	}
	if (op.top < 0)
		op.top = 0;
	op.follow = op.top >= n - op.rows;
	return PANE_REDRAW;
}

static enum pane_result
output_mouse(struct tui *t, int y, int x, mmask_t bstate)
{
	if (bstate & BUTTON4_PRESSED)
		return output_key(t, KEY_UP);
	if (bstate & BUTTON5_PRESSED)
		return output_key(t, KEY_DOWN);
	return PANE_REDRAW;
}

static const struct pane_key output_keys[] = {
	{ "jk, arrows, PgUp PgDn", "scroll the program's output" },
	{ "g G, Home End", "first line; follow the end" },
	{ "i", "type to the program (Ctrl-] stops)" },
	{ NULL, NULL },
};

const struct pane_ops pane_output_ops = {
	.name = "Output",
	.draw = output_draw,
	.key = output_key,
	.mouse = output_mouse,
	.title = output_title,
	.keys = output_keys,
};
