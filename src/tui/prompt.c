/*
 * prompt.c: the one-line prompt on the bottom row (goto, search, filter,
 * the : command line): a small line editor with a history per kind of
 * prompt; what the text is for is the caller's done() callback.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/pane.h"
#include "tui/tui-int.h"
#include "util.h"

#define NHIST 6
#define HIST_LEN 32

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

static struct prompt prompt;
static char *history[NHIST][HIST_LEN];

static void history_add(int kind, const char *s);

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

void
tui_prompt_text(const char *text)
{
	snprintf(prompt.buf, sizeof(prompt.buf), "%s", text);
	prompt.len = prompt.pos = (int)strlen(prompt.buf);
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
enum pane_result
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

/* The prompt on the bottom row, the terminal cursor where typing goes. */
void
prompt_draw(struct tui *t, int y)
{
	int lw = (int)strlen(prompt.label);
	int start = prompt.pos > COLS - lw - 2 ?
	    prompt.pos - (COLS - lw - 2) : 0;

	attrset(tui_attr(t, TC_KEY));
	mvaddnstr(y, 0, prompt.label, COLS);
	attrset(A_NORMAL);
	mvaddnstr(y, lw, prompt.buf + start, COLS - lw - 1);
	move(y, lw + prompt.pos - start);
}

bool
prompt_active(void)
{
	return prompt.active;
}
