/*
 * pane-regions.c: the regions of the shown process from its maps snapshot:
 * start (and end when there is room), permissions, size, resident size
 * (RSS), how ptinspect reaches it (S: shared, live and zero-copy; c: copy
 * path) and name. Filter by a substring of the name or permissions, sort
 * by address, size, RSS or name; Enter shows the region in the memory
 * pane.
 *
 * RSS is smaps' Rss of the tracee's own mapping, read with the maps. For
 * redirected memory (the program's private memory moved into ptinspect's
 * MAP_SHARED memfd) that counts the memfd pages the tracee's page tables
 * map: pages it has touched. A page only ptinspect wrote through its own
 * mapping is resident in the memfd but not counted, as a page of any
 * shared file mapping the process has not touched would not be. On a
 * snapshot it is the saved smaps' (the process as it was paused); a plain
 * core has none.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maps.h"
#include "mem.h"
#include "snapshot-read.h"
#include "tui/format.h"
#include "tui/pane.h"
#include "util.h"

enum sort_key { SORT_ADDR, SORT_SIZE, SORT_RSS, SORT_NAME, SORT_COUNT };

static const char *const sort_names[SORT_COUNT] = { "address", "size",
	"RSS", "name" };

static struct {
	size_t *view;		/* indices into t->maps.regions */
	size_t nview;
	int sel;
	int top;
	int rows;
	char *filter;
	enum sort_key sort;
	uint64_t *rss_kb;	/* per t->maps region; UINT64_MAX: unknown */
	size_t nrss;
} rg;

static const struct maps *sort_maps;

static uint64_t region_rss(const struct maps *m, const struct region *r);
static void read_rss(struct tui *t);

/* A region's RSS in kB, or UINT64_MAX when smaps did not say. */
static uint64_t
region_rss(const struct maps *m, const struct region *r)
{
	size_t i = (size_t)(r - m->regions);

	return i < rg.nrss ? rg.rss_kb[i] : UINT64_MAX;
}

/* smaps for the maps just read (snapshot_rss_kb). */
static void
read_rss(struct tui *t)
{
	free(rg.rss_kb);
	rg.rss_kb = NULL;
	rg.nrss = 0;
	if (t->proc == NULL || t->proc->state == PROC_GONE ||
	    t->maps.count == 0 ||
	    (rg.rss_kb = snapshot_rss_kb(t->proc, &t->maps)) == NULL)
		return;
	rg.nrss = t->maps.count;
}

static int
region_cmp(const void *a, const void *b)
{
	const struct region *x = &sort_maps->regions[*(const size_t *)a];
	const struct region *y = &sort_maps->regions[*(const size_t *)b];
	int c = 0;

	if (rg.sort == SORT_SIZE) {
		uint64_t sx = x->end - x->start, sy = y->end - y->start;

		c = sx > sy ? -1 : sx < sy ? 1 : 0;
	} else if (rg.sort == SORT_RSS) {
		uint64_t rx = region_rss(sort_maps, x);
		uint64_t ry = region_rss(sort_maps, y);

		c = rx + 1 > ry + 1 ? -1 : rx + 1 < ry + 1 ? 1 : 0;
	} else if (rg.sort == SORT_NAME) {
		c = strcmp(region_basename(x), region_basename(y));
	}
	if (c == 0)
		c = x->start < y->start ? -1 : x->start > y->start ? 1 : 0;
	return c;
}

/* Rebuilds the filtered, sorted view of t->maps. */
static void
rebuild(struct tui *t)
{
	free(rg.view);
	rg.view = xreallocarray(NULL, t->maps.count + 1, sizeof(*rg.view));
	rg.nview = 0;
	for (size_t i = 0; i < t->maps.count; i++) {
		const struct region *r = &t->maps.regions[i];

		if (rg.filter != NULL &&
		    strstr(region_basename(r), rg.filter) == NULL &&
		    strstr(r->perms, rg.filter) == NULL)
			continue;
		rg.view[rg.nview++] = i;
	}
	sort_maps = &t->maps;
	qsort(rg.view, rg.nview, sizeof(*rg.view), region_cmp);
	if (rg.sel >= (int)rg.nview)
		rg.sel = rg.nview > 0 ? (int)rg.nview - 1 : 0;
}

static void
regions_draw(struct tui *t, WINDOW *w, bool focused)
{
	int h = getmaxy(w), width = getmaxx(w);
	bool ends = width >= 72;

	rg.rows = h;
	if (t->maps.count == 0) {
		tui_put(w, 0, 0, tui_attr(t, TC_ZERO), t->proc == NULL ||
		    t->proc->state == PROC_GONE ? "(the process is gone)" :
		    "(no maps read yet)");
		return;
	}
	if (rg.nview == 0) {
		tui_put(w, 0, 0, tui_attr(t, TC_ZERO),
		    "(no region matches the filter; / changes it)");
		return;
	}
	rg.top = tui_scroll_to(rg.sel, rg.top, h);
	for (int y = 0; y < h && rg.top + y < (int)rg.nview; y++) {
		int i = rg.top + y;
		const struct region *r = &t->maps.regions[rg.view[i]];
		bool shared = strcmp(mem_region_access(t->proc, r),
		    "shared") == 0;
		bool here = t->cursor >= r->start && t->cursor < r->end;
		uint64_t kb = region_rss(&t->maps, r);
		char size[16], rss[16] = "?", line[512];
		int x;

		fmt_size(r->end - r->start, size, sizeof(size));
		if (kb != UINT64_MAX)
			fmt_size(kb * 1024, rss, sizeof(rss));
		if (ends)
			x = snprintf(line, sizeof(line), "%c%012" PRIx64 "-%012"
			    PRIx64 " %s %5s %5s ", here ? '>' : ' ', r->start,
			    r->end, r->perms, size, rss);
		else
			x = snprintf(line, sizeof(line), "%c%012" PRIx64
			    " %s %5s %5s ", here ? '>' : ' ', r->start,
			    r->perms, size, rss);
		if (i == rg.sel) {
			wattrset(w, tui_attr(t, focused ? TC_CURSOR :
			    TC_CURSOR_DIM));
			mvwhline(w, y, 0, ' ', width);
		}
		tui_put(w, y, 0, i == rg.sel ? tui_attr(t, focused ?
		    TC_CURSOR : TC_CURSOR_DIM) : A_NORMAL, line);
		tui_put(w, y, x, i == rg.sel && focused ?
		    tui_attr(t, TC_CURSOR) : tui_attr(t, shared ? TC_SHARED :
		    TC_COPY), shared ? "S" : "c");
		tui_put(w, y, x + 2, i == rg.sel ? tui_attr(t, focused ?
		    TC_CURSOR : TC_CURSOR_DIM) : A_NORMAL,
		    ends && *region_basename(r) != '\0' ? r->name :
		    region_basename(r));
	}
}

static void
regions_title(struct tui *t, char *buf, size_t len)
{
	snprintf(buf, len, "%zu of %zu, by %s%s%s%s", rg.nview, t->maps.count,
	    sort_names[rg.sort], rg.filter ? ", filter \"" : "",
	    rg.filter ? rg.filter : "", rg.filter ? "\"" : "");
}

static void
filter_done(struct tui *t, const char *text)
{
	free(rg.filter);
	rg.filter = *text != '\0' ? xstrdup(text) : NULL;
	rg.sel = 0;
	rebuild(t);
}

static enum pane_result
regions_key(struct tui *t, int key)
{
	int page = rg.rows > 1 ? rg.rows - 1 : 1;

	switch (key) {
	case KEY_DOWN: case 'j':
		rg.sel++;
		break;
	case KEY_UP: case 'k':
		rg.sel--;
		break;
	case KEY_NPAGE: case ' ':
		rg.sel += page;
		break;
	case KEY_PPAGE: case 'b':
		rg.sel -= page;
		break;
	case KEY_HOME: case 'g':
		rg.sel = 0;
		break;
	case KEY_END: case 'G':
		rg.sel = (int)rg.nview - 1;
		break;
	case '/':
		tui_prompt(t, "filter regions (name or perms, empty: all): ",
		    3, filter_done);
		return PANE_REDRAW;
	case 's':
		rg.sort = (rg.sort + 1) % SORT_COUNT;
		rebuild(t);
		tui_msg(t, false, "regions sorted by %s", sort_names[rg.sort]);
		break;
	case 'r':
		tui_refresh_maps(t);
		break;
	case '\r': case '\n': case KEY_ENTER:
		if (rg.sel < (int)rg.nview)
			tui_goto(t, t->maps.regions[rg.view[rg.sel]].start);
		return PANE_REDRAW;
	default:
		return PANE_IGNORED;
	}
	if (rg.sel >= (int)rg.nview)
		rg.sel = (int)rg.nview - 1;
	if (rg.sel < 0)
		rg.sel = 0;
	return PANE_REDRAW;
}

static enum pane_result
regions_mouse(struct tui *t, int y, int x, mmask_t bstate)
{
	if (bstate & BUTTON4_PRESSED)
		return regions_key(t, KEY_UP);
	if (bstate & BUTTON5_PRESSED)
		return regions_key(t, KEY_DOWN);
	if (rg.top + y < (int)rg.nview) {
		bool again = rg.sel == rg.top + y;

		rg.sel = rg.top + y;
		/* A second click on the selected region opens it. */
		if (again || (bstate & BUTTON1_DOUBLE_CLICKED))
			return regions_key(t, '\n');
	}
	return PANE_REDRAW;
}

static void
regions_event(struct tui *t, enum tui_event ev)
{
	if (ev == TUI_EV_MAPS || ev == TUI_EV_GONE || ev == TUI_EV_PROC) {
		read_rss(t);
		rebuild(t);
	}
}

static const struct pane_key regions_keys[] = {
	{ "jk, arrows, PgUp PgDn", "select a region" },
	{ "g G, Home End", "first and last region" },
	{ "Enter, click twice", "show the region in Memory" },
	{ "/, F4", "filter by name or permissions" },
	{ "s, F6", "sort by address, size, RSS, name" },
	{ "r", "read the maps again" },
	{ "(columns)", "start, perms, size, RSS (smaps), mark, name" },
	{ "S c", "(marks) S: shared, read live; c: copy path" },
	{ NULL, NULL },
};

const struct pane_ops pane_regions_ops = {
	.name = "Regions",
	.draw = regions_draw,
	.key = regions_key,
	.mouse = regions_mouse,
	.title = regions_title,
	.event = regions_event,
	.keys = regions_keys,
};
