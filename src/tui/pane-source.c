/*
 * pane-source.c: the source file of the selected frame (tui_frame: the
 * frame the Threads pane selects), its line marked "=>" and highlighted,
 * scrolled to the middle each time another frame is selected. The file
 * is found as `list` finds it (source.h: the debug information's path,
 * then the --source-dir directories) and read whole once, until another
 * file is wanted. A tab beside Memory; S or F12 shows it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source.h"
#include "tui/pane.h"
#include "unwind.h"
#include "util.h"

#define SOURCE_TAB 8

static struct {
	char *file;		/* the loaded file, as debug info names it */
	char **lines;		/* its lines, without newlines */
	size_t nlines;
	bool missing;		/* file could not be found */
	struct tui_view view;
} src;

static void source_forget(void);
static void source_load(const char *file);
static void source_expand(const char *in, char *out, size_t len);

static void
source_forget(void)
{
	for (size_t i = 0; i < src.nlines; i++)
		free(src.lines[i]);
	free(src.lines);
	free(src.file);
	src.lines = NULL;
	src.nlines = 0;
	src.file = NULL;
	src.missing = false;
}

/* Reads file whole, unless it is the one already read. */
static void
source_load(const char *file)
{
	char *found = NULL, *err = NULL, *text = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *f;

	if (src.file != NULL && strcmp(src.file, file) == 0)
		return;
	source_forget();
	src.file = xstrdup(file);
	if ((f = source_open(file, &found, &err)) == NULL) {
		src.missing = true;
		free(err);
		return;
	}
	while ((len = getline(&text, &cap, f)) >= 0) {
		if (len > 0 && text[len - 1] == '\n')
			text[--len] = '\0';
		src.lines = xreallocarray(src.lines, src.nlines + 1,
		    sizeof(*src.lines));
		src.lines[src.nlines++] = xstrdup(text);
	}
	free(text);
	free(found);
	fclose(f);
}

/* A source line for the screen: tabs to spaces, control bytes as '?'. */
static void
source_expand(const char *in, char *out, size_t len)
{
	size_t o = 0;

	for (; *in != '\0' && o + 1 < len; in++) {
		if (*in == '\t') {
			do
				out[o++] = ' ';
			while (o % SOURCE_TAB != 0 && o + 1 < len);
		} else {
			out[o++] = (unsigned char)*in < 0x20 ? '?' : *in;
		}
	}
	out[o] = '\0';
}

static void
source_draw(struct tui *t, WINDOW *w, bool focused)
{
	const struct frame *fr = tui_frame(t);
	int h = getmaxy(w), width = getmaxx(w);
	char text[512], row[600];

	(void)focused;
	if (fr == NULL) {
		tui_put(w, 0, 0, tui_attr(t, TC_ZERO), "(the selected frame's "
		    "source shows while the process is held)");
		return;
	}
	if (fr->file == NULL || fr->line <= 0) {
		snprintf(row, sizeof(row), "frame #%u (%s): no line "
		    "information", t->sel_frame, fr->function != NULL ?
		    fr->function : "??");
		tui_put(w, 0, 0, tui_attr(t, TC_ZERO), row);
		return;
	}
	source_load(fr->file);
	if (src.missing) {
		snprintf(row, sizeof(row), "no source: %s not found "
		    "(--source-dir)", fr->file);
		tui_put(w, 0, 0, tui_attr(t, TC_ERROR), row);
		return;
	}
	tui_view_place(&src.view, fr->line - 1, (int)src.nlines, h);
	for (int y = 0; y < h && src.view.top + y < (int)src.nlines; y++) {
		int no = src.view.top + y + 1;

		source_expand(src.lines[no - 1], text, sizeof(text));
		if (no == fr->line) {
			/* The whole row highlighted, for monochrome too. */
			snprintf(row, sizeof(row), "=>%5d  %-*s", no,
			    width > 9 ? width - 9 : 0, text);
			tui_put(w, y, 0, tui_attr(t, TC_CURSOR), row);
			continue;
		}
		snprintf(row, sizeof(row), "  %5d  ", no);
		tui_put(w, y, 0, tui_attr(t, TC_ZERO), row);
		tui_put(w, y, 9, A_NORMAL, text);
	}
}

static void
source_title(struct tui *t, char *buf, size_t len)
{
	const struct frame *fr = tui_frame(t);
	const char *base;

	if (fr == NULL || fr->file == NULL || fr->line <= 0)
		return;
	base = strrchr(fr->file, '/') ? strrchr(fr->file, '/') + 1 :
	    fr->file;
	snprintf(buf, len, "%s:%d in %s, frame #%u", base, fr->line,
	    fr->function != NULL ? fr->function : "??", t->sel_frame);
}

static enum pane_result
source_key(struct tui *t, int key)
{
	(void)t;
	return tui_view_key(&src.view, key);
}

static enum pane_result
source_mouse(struct tui *t, int y, int x, mmask_t bstate)
{
	(void)t;
	(void)y;
	(void)x;
	return tui_view_mouse(&src.view, bstate);
}

static void
source_event(struct tui *t, enum tui_event ev)
{
	(void)t;
	switch (ev) {
	case TUI_EV_PROC:
		source_forget();
		src.view.centre = true;
		break;
	case TUI_EV_PAUSED:
	case TUI_EV_THREAD:
	case TUI_EV_FRAME:
		src.view.centre = true;
		break;
	default:
		break;
	}
}

static const struct pane_key source_keys[] = {
	{ "S F12", "show the selected frame's source (F12 again: Code)" },
	{ "jk, arrows, PgUp PgDn", "scroll" },
	{ "g G", "the first and the last line" },
	{ "Enter", "back to the frame's line (marked =>)" },
	{ NULL, NULL },
};

const struct pane_ops pane_source_ops = {
	.name = "Source",
	.draw = source_draw,
	.key = source_key,
	.mouse = source_mouse,
	.title = source_title,
	.event = source_event,
	.keys = source_keys,
};
