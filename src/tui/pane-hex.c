/*
 * pane-hex.c: the memory pane. Address | hex | ASCII, with a cursor that
 * the inspector follows; page up/down; go to an address expression; search
 * hex bytes or a "string" with next/previous; follow the pointer under the
 * cursor and come back; bytes, words, dwords or qwords; editing in place in
 * the hex or the ASCII column with undo.
 *
 * The bytes on screen are re-read through mem_read at every frame while the
 * process runs (every live tick for shared regions, at 2 Hz for copy ones)
 * and on every key; bytes that differ from the previous read at the same
 * address are highlighted for about a second of frames (paused: until the
 * next read). Nothing here is kept across reads but copies.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "cmd.h"
#include "maps.h"
#include "mem.h"
#include "tui/format.h"
#include "tui/pane.h"
#include "util.h"

#define ADDR_COLS 12
#define HEX_X (ADDR_COLS + 2)
#define COPY_REFRESH_MS 500
#define MAX_BACK 64
#define MAX_UNDO 256
#define MAX_MATCHES 65536

struct undo {
	uint64_t addr;
	uint8_t old;
};

static struct {
	bool placed;		/* the cursor has been put somewhere */
	bool moved;		/* ... by the user, not by default */
	uint64_t top;		/* address of the first row */
	int unit;		/* 1, 2, 4 or 8 bytes per cell */
	int per_row;		/* 16, or 8 on a narrow pane */
	int rows;		/* rows shown at the last draw */
	bool editing;
	bool edit_ascii;	/* typing goes to the ASCII column */
	int nibble;		/* 0: next hex digit is the high one */

	/* The bytes on screen and when each last changed (read generation). */
	uint64_t buf_addr;
	size_t buf_len;
	uint8_t *buf;
	bool *valid;
	unsigned long *changed;
	unsigned long gen;
	bool stale;		/* read again at the next draw */
	uint64_t read_ms;
	bool copy_view;		/* a byte on screen is on the copy path */

	uint64_t back[MAX_BACK];
	int nback;
	struct undo undo[MAX_UNDO];
	int nundo;

	uint64_t *matches;	/* of the last search, in address order */
	size_t nmatches;
} hx = { .unit = 1, .per_row = 16, .rows = 16 };

static void hex_read(struct tui *t);
static void gone_text(struct tui *t, char *buf, size_t len);
static void hex_place(struct tui *t, uint64_t cursor);
static void hex_goto(struct tui *t, uint64_t addr, bool remember);
static void hex_show_addr(struct tui *t, uint64_t addr);
static void hex_scroll_into_view(struct tui *t);
static int unit_attr(struct tui *t, uint64_t a, int n);
static void draw_row(struct tui *t, WINDOW *w, int y);
static void goto_done(struct tui *t, const char *text);
static void search_done(struct tui *t, const char *text);
static void search_step(struct tui *t, int dir);
static void follow_pointer(struct tui *t);
static void edit_key(struct tui *t, int key);
static void write_byte(struct tui *t, uint64_t addr, uint8_t v, bool undo);

/* Reads the visible bytes one page at a time, so a hole spoils only itself. */
static void
hex_read(struct tui *t)
{
	size_t n = (size_t)hx.rows * (size_t)hx.per_row;
	uint8_t *nbuf = xcalloc(n, 1);
	bool *nvalid = xcalloc(n, sizeof(*nvalid));
	unsigned long *nchanged = xcalloc(n, sizeof(*nchanged));
	size_t off = 0;

	hx.gen++;
	hx.copy_view = false;
	while (t->proc != NULL && t->proc->state != PROC_GONE && off < n) {
		uint64_t a = hx.top + off;
		size_t chunk = PTI_PAGE_SIZE - (size_t)(a % PTI_PAGE_SIZE);
		const struct region *r = maps_find(&t->maps, a);
		ssize_t got;

		if (chunk > n - off)
			chunk = n - off;
		if (a < hx.top)		/* wrapped past the top */
			break;
		got = mem_read(t->proc, a, nbuf + off, chunk, NULL);
		for (ssize_t i = 0; i < got; i++)
			nvalid[off + (size_t)i] = true;
		if (r != NULL && strcmp(mem_region_access(t->proc, r),
		    "shared") != 0)
			hx.copy_view = true;
		off += chunk;
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t a = hx.top + i;
		size_t j;

		if (a < hx.buf_addr || a >= hx.buf_addr + hx.buf_len)
			continue;
		j = (size_t)(a - hx.buf_addr);
		nchanged[i] = hx.changed[j];
		if (hx.valid[j] && nvalid[i] && hx.buf[j] != nbuf[i])
			nchanged[i] = hx.gen;
	}
	free(hx.buf);
	free(hx.valid);
	free(hx.changed);
	hx.buf = nbuf;
	hx.valid = nvalid;
	hx.changed = nchanged;
	hx.buf_addr = hx.top;
	hx.buf_len = n;
	hx.stale = false;
	hx.read_ms = t->now_ms;
}

/*
 * "(the process is gone (exit 3): no memory to show)"; without -p, how to
 * keep it: a short program is usually gone before anyone looks.
 */
static void
gone_text(struct tui *t, char *buf, size_t len)
{
	char how[48] = "";
	int st = t->proc != NULL ? t->proc->wait_status : 0;
	const char *sig = WIFSIGNALED(st) ? signal_name(WTERMSIG(st)) : NULL;

	if (t->proc != NULL && WIFSIGNALED(st))
		snprintf(how, sizeof(how), " (%s)", sig ? sig : "signal");
	else if (t->proc != NULL)
		snprintf(how, sizeof(how), " (exit %d)", WEXITSTATUS(st));
	snprintf(buf, len, "(the process is gone%s%s)", how,
	    t->pause_on_exit ? ": no memory to show" :
	    "; run with -p to hold it at its exit");
}

/* Moves the view so the cursor's row is on screen. */
static void
hex_scroll_into_view(struct tui *t)
{
	uint64_t span = (uint64_t)hx.rows * (uint64_t)hx.per_row;
	uint64_t row = t->cursor - t->cursor % (uint64_t)hx.per_row;

	if (row < hx.top)
		hx.top = row;
	else if (row >= hx.top + span)
		hx.top = row - span + (uint64_t)hx.per_row;
	hx.stale = true;
}

/* Puts the cursor on an address with its row at the top of the view. */
static void
hex_place(struct tui *t, uint64_t cursor)
{
	t->cursor = cursor - cursor % (uint64_t)hx.unit;
	hx.top = t->cursor - t->cursor % (uint64_t)hx.per_row;
	hx.placed = true;
	hx.nibble = 0;
	hx.stale = true;
}

static void
hex_goto(struct tui *t, uint64_t addr, bool remember)
{
	if (remember && hx.placed) {
		if (hx.nback == MAX_BACK) {
			memmove(hx.back, hx.back + 1,
			    (MAX_BACK - 1) * sizeof(hx.back[0]));
			hx.nback--;
		}
		hx.back[hx.nback++] = t->cursor;
	}
	hex_place(t, addr);
	hx.moved = true;
}

/* tui_goto: remembered for Backspace. */
static void
hex_show_addr(struct tui *t, uint64_t addr)
{
	hex_goto(t, addr, true);
}

/* The first place worth showing: the heap, else the first writable region. */
static void
hex_place_default(struct tui *t)
{
	const struct region *r = maps_find_name(&t->maps, "[heap]");

	/* Before exec the maps are ptinspect's own child's: wait. */
	if (t->proc == NULL || !t->proc->execed)
		return;
	for (size_t i = 0; r == NULL && i < t->maps.count; i++)
		if (t->maps.regions[i].perms[1] == 'w')
			r = &t->maps.regions[i];
	if (r != NULL)
		hex_place(t, r->start);
}

static int
unit_attr(struct tui *t, uint64_t a, int n)
{
	unsigned long recent = t->paused || t->proc == NULL ||
	    t->proc->state != PROC_RUNNING ? 1 : (unsigned long)t->live_hz;
	bool zero = true, changed = false;

	for (int i = 0; i < n; i++) {
		size_t j = (size_t)(a + (uint64_t)i - hx.buf_addr);

		if (hx.buf[j] != 0)
			zero = false;
		if (hx.changed[j] != 0 && hx.gen - hx.changed[j] < recent)
			changed = true;
	}
	if (changed)
		return TC_CHANGED;
	return zero ? TC_ZERO : TC_NORMAL;
}

static void
draw_row(struct tui *t, WINDOW *w, int y)
{
	uint64_t addr = hx.top + (uint64_t)y * (uint64_t)hx.per_row;
	int units = hx.per_row / hx.unit;
	int ascii_x = HEX_X + fmt_hex_width(hx.unit, hx.per_row) + 1;
	char s[32];

	snprintf(s, sizeof(s), addr > 0xffffffffffffULL ? "%016" PRIx64 :
	    "%012" PRIx64, addr);
	tui_put(w, y, 0, tui_attr(t, TC_ADDR), s);
	for (int u = 0; u < units; u++) {
		uint64_t a = addr + (uint64_t)(u * hx.unit);
		size_t j = (size_t)(a - hx.buf_addr);
		bool ok = true;
		bool cur = t->cursor >= a && t->cursor < a + (uint64_t)hx.unit;
		enum tui_color c;

		for (int i = 0; i < hx.unit; i++)
			ok = ok && hx.valid[j + (size_t)i];
		if (ok) {
			fmt_unit_hex(hx.buf + j, hx.unit, s);
			c = (enum tui_color)unit_attr(t, a, hx.unit);
		} else {
			memset(s, '?', (size_t)(2 * hx.unit));
			s[2 * hx.unit] = '\0';
			c = TC_ZERO;
		}
		if (cur)
			c = hx.editing && !hx.edit_ascii ? TC_EDIT :
			    hx.editing ? TC_CURSOR_DIM : TC_CURSOR;
		tui_put(w, y, HEX_X + fmt_hex_col(u, hx.unit, hx.per_row),
		    tui_attr(t, c), s);
	}
	for (int i = 0; i < hx.per_row; i++) {
		uint64_t a = addr + (uint64_t)i;
		size_t j = (size_t)(a - hx.buf_addr);
		enum tui_color c = TC_ZERO;

		s[1] = '\0';
		s[0] = ' ';
		if (hx.valid[j]) {
			s[0] = fmt_ascii(hx.buf[j]);
			c = unit_attr(t, a, 1) == TC_CHANGED ? TC_CHANGED :
			    s[0] == '.' && hx.buf[j] != '.' ? TC_ZERO :
			    TC_ASCII;
		}
		if (t->cursor == a)
			c = hx.editing && hx.edit_ascii ? TC_EDIT :
			    TC_CURSOR_DIM;
		tui_put(w, y, ascii_x + i, tui_attr(t, c), s);
	}
}

static void
hex_draw(struct tui *t, WINDOW *w, bool focused)
{
	int rows = getmaxy(w);
	int per_row = getmaxx(w) >= HEX_X + fmt_hex_width(1, 16) + 17 ?
	    16 : 8;
	char text[96];

	if (!hx.placed)
		hex_place_default(t);
	if (per_row != hx.per_row || rows != hx.rows) {
		hx.per_row = per_row;
		hx.rows = rows > 0 ? rows : 1;
		hx.top = t->cursor - t->cursor % (uint64_t)hx.per_row;
		hx.stale = true;
	}
	if (t->proc == NULL || t->proc->state == PROC_GONE) {
		gone_text(t, text, sizeof(text));
		tui_put(w, 0, 0, tui_attr(t, TC_ZERO), text);
		return;
	}
	if (!hx.placed) {
		tui_put(w, 0, 0, tui_attr(t, TC_ZERO),
		    "(no memory yet: g goes to an address)");
		return;
	}
	if (hx.stale || hx.buf_addr != hx.top ||
	    hx.buf_len != (size_t)(hx.rows * hx.per_row))
		hex_read(t);
	for (int y = 0; y < hx.rows; y++)
		draw_row(t, w, y);
}

static void
hex_title(struct tui *t, char *buf, size_t len)
{
	const struct region *r = maps_find(&t->maps, t->cursor);
	char label[128];
	const char *rate;

	if (!hx.placed || t->proc == NULL || t->proc->state == PROC_GONE)
		return;
	tui_addr_label(t, t->cursor, label, sizeof(label));
	if (t->proc->state != PROC_RUNNING)
		rate = "held";
	else if (hx.copy_view)
		rate = "copy: 2 Hz, r reloads";
	else
		rate = "live";
	snprintf(buf, len, "%012" PRIx64 " %s  %s%s%s%s", t->cursor, label,
	    r != NULL ? mem_region_access(t->proc, r) : "",
	    r != NULL ? "  " : "", rate,
	    hx.editing ? (hx.edit_ascii ? "  EDIT ascii" : "  EDIT hex") :
	    hx.unit == 1 ? "" : hx.unit == 2 ? "  u16" : hx.unit == 4 ?
	    "  u32" : "  u64");
}

static void
goto_done(struct tui *t, const char *text)
{
	struct cmd_ctx ctx;
	uint64_t addr;
	char *err = NULL;

	tui_cmd_ctx(t, &ctx);
	if (cmd_eval_address(&ctx, text, &addr, &err) < 0) {
		tui_msg(t, true, "goto: %s", err);
		free(err);
		return;
	}
	hex_goto(t, addr, true);
}

static int
collect_match(uint64_t addr, void *arg)
{
	(void)arg;
	if (hx.nmatches == MAX_MATCHES)
		return 1;
	hx.matches[hx.nmatches++] = addr;
	return 0;
}

static void
search_done(struct tui *t, const char *text)
{
	char *err = NULL;
	uint8_t *needle;
	size_t len;

	if (cmd_parse_data(text, &needle, &len, &err) < 0) {
		tui_msg(t, true, "search: %s", err);
		free(err);
		return;
	}
	if (len == 0) {
		free(needle);
		tui_msg(t, true, "search: nothing to search for");
		return;
	}
	if (tui_refresh_maps(t) < 0) {
		free(needle);
		return;
	}
	if (hx.matches == NULL)
		hx.matches = xreallocarray(NULL, MAX_MATCHES,
		    sizeof(*hx.matches));
	hx.nmatches = 0;
	if (mem_find(t->proc, &t->maps, NULL, needle, len, collect_match,
	    NULL, &err) < 0) {
		tui_msg(t, true, "search: %s", err);
		free(err);
		free(needle);
		return;
	}
	free(needle);
	if (hx.nmatches == 0) {
		tui_msg(t, true, "search: %s: not found", text);
		return;
	}
	t->cursor--;
	search_step(t, 1);
}

/* Goes to the next (dir 1) or previous (-1) match from the cursor. */
static void
search_step(struct tui *t, int dir)
{
	size_t i, pick = 0;
	bool found = false, wrapped = false;

	if (hx.nmatches == 0) {
		tui_msg(t, true, "search: no search yet (/ or F3)");
		return;
	}
	for (i = 0; i < hx.nmatches; i++) {
		size_t k = dir > 0 ? i : hx.nmatches - 1 - i;

		if ((dir > 0 && hx.matches[k] > t->cursor) ||
		    (dir < 0 && hx.matches[k] < t->cursor)) {
			pick = k;
			found = true;
			break;
		}
	}
	if (!found) {
		pick = dir > 0 ? 0 : hx.nmatches - 1;
		wrapped = true;
	}
	hex_goto(t, hx.matches[pick], false);
	tui_msg(t, false, "match %zu of %zu at 0x%" PRIx64 "%s", pick + 1,
	    hx.nmatches, hx.matches[pick], wrapped ? " (wrapped)" : "");
}

static void
follow_pointer(struct tui *t)
{
	uint8_t b[8];
	uint64_t v;
	char *err = NULL;

	if (t->proc == NULL || mem_read(t->proc, t->cursor, b, 8, &err) < 8) {
		tui_msg(t, true, "follow: %s", err != NULL ? err :
		    "fewer than 8 bytes readable");
		free(err);
		return;
	}
	v = fmt_load_le(b, 8);
	if (maps_find(&t->maps, v) == NULL) {
		tui_msg(t, true, "follow: 0x%" PRIx64 ": not a mapped address",
		    v);
		return;
	}
	hex_goto(t, v, true);
	tui_msg(t, false, "followed 0x%" PRIx64 " (Backspace goes back)", v);
}

static void
write_byte(struct tui *t, uint64_t addr, uint8_t v, bool undo)
{
	uint8_t old;
	char *err = NULL;

	if (t->proc == NULL || mem_read(t->proc, addr, &old, 1, &err) < 1 ||
	    mem_write(t->proc, addr, &v, 1, &err) < 0) {
		tui_msg(t, true, "write: %s", err != NULL ? err :
		    "the process is gone");
		free(err);
		return;
	}
	if (undo) {
		if (hx.nundo == MAX_UNDO) {
			memmove(hx.undo, hx.undo + 1,
			    (MAX_UNDO - 1) * sizeof(hx.undo[0]));
			hx.nundo--;
		}
		hx.undo[hx.nundo++] = (struct undo){ addr, old };
	}
	hx.stale = true;
}

/*
 * Typing in edit mode: a hex digit (one nibble) or an ASCII character.
 * The byte is read from the process, never from the bytes on screen: keys
 * that arrive in one burst (a paste) are handled before the next redraw
 * re-reads them, and the low nibble must join the high one just written.
 */
static void
edit_key(struct tui *t, int key)
{
	uint8_t cur;

	if (t->proc == NULL || mem_read(t->proc, t->cursor, &cur, 1,
	    NULL) < 1) {
		tui_msg(t, true, "write: 0x%" PRIx64 ": address not mapped",
		    t->cursor);
		return;
	}
	if (hx.edit_ascii) {
		write_byte(t, t->cursor, (uint8_t)key, true);
		t->cursor++;
	} else {
		int d = hex_digit(key);
		uint8_t v = hx.nibble == 0 ? (uint8_t)((d << 4) | (cur & 15)) :
		    (uint8_t)((cur & 0xf0) | d);

		write_byte(t, t->cursor, v, hx.nibble == 0);
		if (++hx.nibble == 2) {
			hx.nibble = 0;
			t->cursor++;
		}
	}
	hex_scroll_into_view(t);
}

static void
undo_last(struct tui *t)
{
	struct undo u;

	if (hx.nundo == 0) {
		tui_msg(t, true, "undo: no edit to undo");
		return;
	}
	u = hx.undo[--hx.nundo];
	write_byte(t, u.addr, u.old, false);
	t->cursor = u.addr;
	hex_scroll_into_view(t);
	tui_msg(t, false, "undid the edit at 0x%" PRIx64 " (%d more)", u.addr,
	    hx.nundo);
}

static void
move_cursor(struct tui *t, int64_t delta)
{
	if (delta < 0 && (uint64_t)-delta > t->cursor)
		t->cursor = 0;
	else
		t->cursor += (uint64_t)delta;
	hx.moved = true;
	hx.nibble = 0;
	hex_scroll_into_view(t);
}

static enum pane_result
hex_key(struct tui *t, int key)
{
	int64_t page = (int64_t)hx.rows * hx.per_row;

	if (!hx.placed && key != 'g' && key != '/')
		return PANE_IGNORED;
	if (hx.editing) {
		switch (key) {
		case 27:
			hx.editing = false;
			return PANE_REDRAW;
		case '\t':
			hx.edit_ascii = !hx.edit_ascii;
			hx.nibble = 0;
			return PANE_REDRAW;
		case KEY_BACKSPACE:
		case 127:
			move_cursor(t, -1);
			return PANE_REDRAW;
		case KEY_UP: case KEY_DOWN: case KEY_LEFT: case KEY_RIGHT:
		case KEY_NPAGE: case KEY_PPAGE: case KEY_HOME: case KEY_END:
			break;
		default:
			if (hx.edit_ascii ? key >= 0x20 && key < 0x7f :
			    hex_digit(key) >= 0) {
				edit_key(t, key);
				return PANE_REDRAW;
			}
			if (!hx.edit_ascii && key == 'u') {
				undo_last(t);
				return PANE_REDRAW;
			}
			return key >= 0x20 && key < 0x7f ? PANE_HANDLED :
			    PANE_IGNORED;
		}
	}
	switch (key) {
	case KEY_LEFT: case 'h':
		move_cursor(t, -hx.unit);
		break;
	case KEY_RIGHT: case 'l':
		move_cursor(t, hx.unit);
		break;
	case KEY_UP: case 'k':
		move_cursor(t, -hx.per_row);
		break;
	case KEY_DOWN: case 'j':
		move_cursor(t, hx.per_row);
		break;
	case KEY_NPAGE: case ' ': case 'f' & 0x1f:
		hx.top += (uint64_t)page;
		move_cursor(t, page);
		break;
	case KEY_PPAGE: case 'b': case 'b' & 0x1f:
		hx.top = hx.top >= (uint64_t)page ? hx.top - (uint64_t)page : 0;
		move_cursor(t, -page);
		break;
	case KEY_HOME: case '0': case '^':
		move_cursor(t, -(int64_t)(t->cursor % (uint64_t)hx.per_row));
		break;
	case KEY_END: case '$':
		move_cursor(t, hx.per_row - hx.unit -
		    (int64_t)(t->cursor % (uint64_t)hx.per_row));
		break;
	case 'g':
		tui_prompt(t, "goto (address, $reg, [heap]+0x40): ", 1,
		    goto_done);
		break;
	case '/':
		tui_prompt(t, "search (hex bytes or \"string\"): ", 2,
		    search_done);
		break;
	case 'n':
		search_step(t, 1);
		break;
	case 'N':
		search_step(t, -1);
		break;
	case '\r': case '\n': case KEY_ENTER:
		follow_pointer(t);
		break;
	case KEY_BACKSPACE: case 127: case 'h' & 0x1f:
		if (hx.nback == 0) {
			tui_msg(t, true, "back: nowhere to go back to");
			break;
		}
		hex_place(t, hx.back[--hx.nback]);
		break;
	case 'w':
		hx.unit = hx.unit == 8 ? 1 : hx.unit * 2;
		t->cursor -= t->cursor % (uint64_t)hx.unit;
		hx.stale = true;
		break;
	case 'e': case 'i':
		if (t->proc != NULL && t->proc->core != NULL) {
			tui_msg(t, true, "edit: core is read-only (no live "
			    "process)");
			break;
		}
		if (!t->paused && (t->proc == NULL ||
		    t->proc->state != PROC_RUNNING)) {
			tui_msg(t, true, "edit: the process is gone");
			break;
		}
		hx.unit = 1;
		hx.editing = true;
		hx.nibble = 0;
		break;
	case 'u':
		undo_last(t);
		break;
	case 'r':
		hx.stale = true;
		break;
	default:
		return PANE_IGNORED;
	}
	return PANE_REDRAW;
}

static enum pane_result
hex_mouse(struct tui *t, int y, int x, mmask_t bstate)
{
	int ascii_x = HEX_X + fmt_hex_width(hx.unit, hx.per_row) + 1;

	if (!hx.placed)
		return PANE_IGNORED;
	if (bstate & BUTTON4_PRESSED) {
		hx.top = hx.top >= (uint64_t)(3 * hx.per_row) ?
		    hx.top - (uint64_t)(3 * hx.per_row) : 0;
		move_cursor(t, -3 * hx.per_row);
		return PANE_REDRAW;
	}
	if (bstate & BUTTON5_PRESSED) {
		hx.top += (uint64_t)(3 * hx.per_row);
		move_cursor(t, 3 * hx.per_row);
		return PANE_REDRAW;
	}
	if (y < 0 || y >= hx.rows)
		return PANE_HANDLED;
	if (x >= ascii_x && x < ascii_x + hx.per_row) {
		t->cursor = hx.top + (uint64_t)(y * hx.per_row + x - ascii_x);
		hx.edit_ascii = true;
	} else if (x >= HEX_X && x < ascii_x) {
		int units = hx.per_row / hx.unit;
		int u = 0;

		while (u + 1 < units &&
		    x >= HEX_X + fmt_hex_col(u + 1, hx.unit, hx.per_row))
			u++;
		t->cursor = hx.top + (uint64_t)(y * hx.per_row + u * hx.unit);
		hx.edit_ascii = false;
	}
	hx.nibble = 0;
	hx.stale = true;
	return PANE_REDRAW;
}

static void
hex_event(struct tui *t, enum tui_event ev)
{
	switch (ev) {
	case TUI_EV_PAUSED:
	case TUI_EV_MAPS:
		/* Until the user moves, follow the default place. */
		if (!hx.moved)
			hx.placed = false;
		hx.stale = true;
		break;
	case TUI_EV_PROC:
		hx.placed = false;
		hx.moved = false;
		hx.nback = 0;
		hx.nundo = 0;
		hx.nmatches = 0;
		hx.editing = false;
		hx.buf_len = 0;
		break;
	case TUI_EV_TICK:
		if (!hx.copy_view || t->now_ms - hx.read_ms >= COPY_REFRESH_MS)
			hx.stale = true;
		break;
	case TUI_EV_GONE:
		hx.editing = false;
		break;
	default:
		hx.stale = true;
		break;
	}
}

static const struct pane_key hex_keys[] = {
	{ "arrows, hjkl", "move the cursor" },
	{ "PgUp PgDn, b Space", "page up and down" },
	{ "Home End, 0 $", "start and end of the row" },
	{ "g, F5", "go to an expression: 0x7ffd..., $rsp, [heap]+0x40" },
	{ "/, F3", "search hex bytes (de ad) or a \"string\"" },
	{ "n N", "next and previous match" },
	{ "Enter", "follow the pointer under the cursor" },
	{ "Backspace", "go back where you followed from" },
	{ "w, F7", "show bytes, words, dwords, qwords" },
	{ "e i, F2", "edit in place; Tab: hex or ASCII; Esc stops" },
	{ "u", "undo the last edit (in the hex column too)" },
	{ "r", "read again (copy regions refresh at 2 Hz)" },
	{ "mouse", "click a byte; wheel scrolls" },
	{ NULL, NULL },
};

const struct pane_ops pane_hex_ops = {
	.name = "Memory",
	.draw = hex_draw,
	.key = hex_key,
	.mouse = hex_mouse,
	.title = hex_title,
	.event = hex_event,
	.keys = hex_keys,
	.show_addr = hex_show_addr,
};
