/*
 * pane-inspector.c: the data inspector. The bytes at the memory cursor as
 * u8..u64, i8..i64, f32 and f64 in both byte orders, and the little-endian
 * qword as a pointer: region+offset (and the function when the unwinder
 * knows one). Reads its own copy of 8 bytes at each draw.
 *
 * A selected row can be edited: the prompt starts with its value, and what
 * is typed is written at the cursor as `set TYPE ADDR VALUE` writes it
 * (cmd_set_typed: the same parsing, range check and memory layer),
 * little-endian.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "mem.h"
#include "tui/format.h"
#include "tui/pane.h"

#define LE_X 5
#define BE_X 26
#define NROWS (FMT_INSP_ROWS + 1)
#define PTR_ROW FMT_INSP_ROWS

static int top;
static int sel;			/* the selected row */

/* What the open edit prompt writes to: set when it opens. */
static struct {
	pid_t pid;
	uint64_t addr;
	char type[8];
} edit;

static void insp_edit(struct tui *t);
static void insp_edit_done(struct tui *t, const char *text);

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
	top = tui_scroll_to(sel, top, h);
	for (int i = top, y = 0; i < NROWS && y < h; i++, y++) {
		attr_t name = tui_attr(t, focused && i == sel ? TC_CURSOR :
		    TC_TITLE);

		if (i == PTR_ROW) {
			char label[160];

			tui_put(w, y, 0, name, "ptr");
			if (got < 8) {
				tui_put(w, y, LE_X, A_NORMAL, "-");
				continue;
			}
			tui_addr_label(t, fmt_load_le(b, 8), label,
			    sizeof(label));
			tui_put(w, y, LE_X, tui_attr(t, TC_ADDR), label);
			continue;
		}
		tui_put(w, y, 0, name, rows[i].type);
		tui_put(w, y, LE_X, A_NORMAL, rows[i].le);
		tui_put(w, y, BE_X, A_NORMAL, rows[i].be);
	}
}

static void
insp_title(struct tui *t, char *buf, size_t len)
{
	snprintf(buf, len, "little-endian, big-endian");
}

/*
 * Opens the prompt on the selected row's value at the cursor, refused as
 * the memory pane refuses its edit mode (a core, a gone process) and when
 * the type's bytes are not all readable.
 */
static void
insp_edit(struct tui *t)
{
	struct fmt_insp_row rows[FMT_INSP_ROWS];
	uint8_t b[8];
	ssize_t got;
	size_t size;
	char label[64], value[32];

	if (t->proc != NULL && t->proc->core != NULL) {
		tui_msg(t, true, "edit: core is read-only (no live process)");
		return;
	}
	if (t->proc == NULL || (!t->paused && t->proc->state !=
	    PROC_RUNNING)) {
		tui_msg(t, true, "edit: the process is gone");
		return;
	}
	got = mem_read(t->proc, t->cursor, b, sizeof(b), NULL);
	fmt_inspect(b, got > 0 ? (size_t)got : 0, rows);
	snprintf(edit.type, sizeof(edit.type), "%s", sel == PTR_ROW ? "ptr" :
	    rows[sel].type);
	size = sel == PTR_ROW ? 8 : strtoul(edit.type + 1, NULL, 10) / 8;
	if (got <= 0) {
		tui_msg(t, true, "edit %s: 0x%" PRIx64 ": not readable",
		    edit.type, t->cursor);
		return;
	}
	if (got < (ssize_t)size) {
		tui_msg(t, true, "edit %s: 0x%" PRIx64 ": only %zd bytes "
		    "readable", edit.type, t->cursor, got);
		return;
	}
	edit.pid = t->pid;
	edit.addr = t->cursor;
	if (sel == PTR_ROW)
		snprintf(value, sizeof(value), "0x%" PRIx64,
		    fmt_load_le(b, 8));
	else
		snprintf(value, sizeof(value), "%s", rows[sel].le);
	snprintf(label, sizeof(label), "%s at 0x%" PRIx64 ": ", edit.type,
	    edit.addr);
	tui_prompt(t, label, 5, insp_edit_done);
	tui_prompt_text(value);
}

static void
insp_edit_done(struct tui *t, const char *text)
{
	struct cmd_ctx ctx;
	char *err = NULL;

	if (t->proc == NULL || t->pid != edit.pid) {
		tui_msg(t, true, "edit %s: pid %d is no longer shown",
		    edit.type, (int)edit.pid);
		return;
	}
	tui_cmd_ctx(t, &ctx);
	if (cmd_set_typed(&ctx, edit.type, edit.addr, text, &err) < 0) {
		tui_msg(t, true, "edit %s: %s", edit.type, err);
		free(err);
		return;
	}
	/* Its TUI_EV_MAPS makes Memory re-read, as after a : command. */
	if (tui_refresh_maps(t) == 0)
		tui_msg(t, false, "%s at 0x%" PRIx64 " = %s", edit.type,
		    edit.addr, text);
}

static enum pane_result
insp_key(struct tui *t, int key)
{
	switch (key) {
	case KEY_DOWN: case 'j':
		if (sel + 1 < NROWS)
			sel++;
		return PANE_REDRAW;
	case KEY_UP: case 'k':
		if (sel > 0)
			sel--;
		return PANE_REDRAW;
	case '\r': case '\n': case KEY_ENTER: case 'e':
		insp_edit(t);
		return PANE_REDRAW;
	case 'f': case KEY_BACKSPACE: case 127:
		/* Following a pointer and coming back are Memory's. */
		tui_focus(t, &pane_hex_ops);
		return pane_hex_ops.key(t, key == 'f' ? '\n' : key);
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
	if (y >= 0 && top + y < NROWS)
		sel = top + y;
	return PANE_REDRAW;
}

static const struct pane_key insp_keys[] = {
	{ "jk, arrows", "select a type" },
	{ "Enter, e", "edit its value at the cursor (as set TYPE ADDR VALUE)" },
	{ "f", "follow the pointer (as Enter in Memory)" },
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
