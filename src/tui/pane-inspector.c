/*
 * pane-inspector.c: the data inspector. The bytes at the memory cursor as
 * u8..u64, i8..i64, f32 and f64 in both byte orders, and the little-endian
 * qword as a pointer: region+offset (and the function when the unwinder
 * knows one). Reads its own copy of 8 bytes at each draw.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mem.h"
#include "tui/format.h"
#include "tui/pane.h"

#define LE_X 5
#define BE_X 26
#define NROWS (FMT_INSP_ROWS + 1)

static int top;

static void
insp_draw(struct tui *t, WINDOW *w, bool focused)
{
	uint8_t b[8];
	ssize_t got = -1;
	struct fmt_insp_row rows[FMT_INSP_ROWS];
	int h = getmaxy(w);

	if (t->proc != NULL && t->proc->state != PROC_GONE)
		got = mem_read(t->proc, t->cursor, b, sizeof(b), NULL);
	if (got <= 0) {
		tui_put(w, 0, 0, tui_attr(t, TC_ZERO),
		    "(nothing readable at the cursor)");
		return;
	}
	fmt_inspect(b, (size_t)got, rows);
	if (top > NROWS - h)
		top = NROWS - h > 0 ? NROWS - h : 0;
	for (int i = top, y = 0; i < NROWS && y < h; i++, y++) {
		if (i == FMT_INSP_ROWS) {
			char label[160];

			tui_put(w, y, 0, tui_attr(t, TC_TITLE), "ptr");
			if (got < 8) {
				tui_put(w, y, LE_X, A_NORMAL, "-");
				continue;
			}
			tui_addr_label(t, fmt_load_le(b, 8), label,
			    sizeof(label));
			tui_put(w, y, LE_X, tui_attr(t, TC_ADDR), label);
			continue;
		}
		tui_put(w, y, 0, tui_attr(t, TC_TITLE), rows[i].type);
		tui_put(w, y, LE_X, A_NORMAL, rows[i].le);
		tui_put(w, y, BE_X, A_NORMAL, rows[i].be);
	}
}

static void
insp_title(struct tui *t, char *buf, size_t len)
{
	snprintf(buf, len, "little-endian, big-endian");
}

static enum pane_result
insp_key(struct tui *t, int key)
{
	switch (key) {
	case KEY_DOWN: case 'j':
		top++;
		return PANE_REDRAW;
	case KEY_UP: case 'k':
		if (top > 0)
			top--;
		return PANE_REDRAW;
	case '\r': case '\n': case KEY_ENTER: case KEY_BACKSPACE: case 127:
		/* Following a pointer is the memory pane's. */
		tui_focus(t, &pane_hex_ops);
		return pane_hex_ops.key(t, key);
	}
	return PANE_IGNORED;
}

static enum pane_result
insp_mouse(struct tui *t, int y, int x, mmask_t bstate)
{
	if (bstate & BUTTON4_PRESSED)
		return insp_key(t, KEY_UP);
	if (bstate & BUTTON5_PRESSED)
		return insp_key(t, KEY_DOWN);
	return PANE_REDRAW;
}

static const struct pane_key insp_keys[] = {
	{ "jk, arrows", "scroll when the pane is short" },
	{ "Enter", "follow the pointer (as in Memory)" },
	{ NULL, NULL },
};

const struct pane_ops pane_inspector_ops = {
	.name = "Inspector",
	.draw = insp_draw,
	.key = insp_key,
	.mouse = insp_mouse,
	.title = insp_title,
	.keys = insp_keys,
};
