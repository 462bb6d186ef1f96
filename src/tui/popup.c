/*
 * popup.c: a scrollable pop-up of text (a command's long output) over the
 * panes, in the overlay window that layout.c keeps, as tall as its text.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/pane.h"
#include "tui/tui-int.h"
#include "util.h"

struct popup {
	bool active;
	char *title;
	char **lines;
	int nlines;
	int top;
};

static struct popup popup;
static int overlay_rows = 10;	/* text rows the overlay has room for */

static void popup_close(void);

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

enum pane_result
popup_key(struct tui *t, int key)
{
	int rows = overlay_rows;
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
void
popup_draw(struct tui *t, WINDOW *overlay)
{
	int h = popup.nlines + 2 < getmaxy(overlay) ?
	    popup.nlines + 2 : getmaxy(overlay);
	WINDOW *w = newwin(h < 3 ? 3 : h, getmaxx(overlay), 2, 4);
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

bool
popup_active(void)
{
	return popup.active;
}

/* layout.c tells the size of the overlay the pop-up is drawn in. */
void
popup_set_overlay_rows(int rows)
{
	overlay_rows = rows;
}
