/*
 * pane-regs.c: the selected thread's registers while the process is held.
 * A register whose value differs from the last time this thread's
 * registers were shown (another pause, a `:` command that changed it) is
 * highlighted. Enter shows the memory a register points to.
 */
#include "config.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maps.h"
#include "tracer.h"
#include "tui/pane.h"
#include "util.h"

#define NREGS ARRAY_SIZE(reg_table)
#define MAX_SEEN 64

#define REG(n, s, f) { n, s, offsetof(struct user_regs_struct, f) }
static const struct {
	const char *name;
	const char *short_name;	/* for a narrow pane */
	size_t off;
} reg_table[] = {
	REG("rip", "rip", rip), REG("rsp", "rsp", rsp), REG("rbp", "rbp", rbp),
	REG("rax", "rax", rax), REG("rbx", "rbx", rbx), REG("rcx", "rcx", rcx),
	REG("rdx", "rdx", rdx), REG("rsi", "rsi", rsi), REG("rdi", "rdi", rdi),
	REG("r8", "r8", r8), REG("r9", "r9", r9), REG("r10", "r10", r10),
	REG("r11", "r11", r11), REG("r12", "r12", r12), REG("r13", "r13", r13),
	REG("r14", "r14", r14), REG("r15", "r15", r15),
	REG("eflags", "efl", eflags), REG("orig_rax", "orx", orig_rax),
	REG("fs_base", "fsb", fs_base), REG("gs_base", "gsb", gs_base),
	REG("cs", "cs", cs), REG("ss", "ss", ss), REG("ds", "ds", ds),
	REG("es", "es", es), REG("fs", "fs", fs), REG("gs", "gs", gs),
};

/* The registers last shown for each thread, to see what changed. */
static struct seen {
	pid_t tid;
	struct user_regs_struct regs;
} seen[MAX_SEEN];

static struct {
	bool valid;
	pid_t tid;
	struct user_regs_struct regs;
	bool changed[NREGS];
	char *error;
	int sel;
	int top;
	int rows;
} rs;

static uint64_t
reg_value(const struct user_regs_struct *r, size_t i)
{
	uint64_t v;

	memcpy(&v, (const char *)r + reg_table[i].off, sizeof(v));
	return v;
}

/* Fetches the selected thread's registers and compares with last time. */
static void
regs_fetch(struct tui *t)
{
	struct thread *th = tui_thread(t);
	struct seen *s = NULL;

	free(rs.error);
	rs.error = NULL;
	rs.valid = false;
	memset(rs.changed, 0, sizeof(rs.changed));
	if (th == NULL || !t->paused)
		return;
	if (thread_program_regs(th, &rs.regs, &rs.error) < 0)
		return;
	rs.valid = true;
	rs.tid = th->tid;
	for (size_t i = 0; i < MAX_SEEN && s == NULL; i++)
		if (seen[i].tid == th->tid)
			s = &seen[i];
	if (s != NULL) {
		for (size_t i = 0; i < NREGS; i++)
			rs.changed[i] = reg_value(&s->regs, i) !=
			    reg_value(&rs.regs, i);
	} else {
		/* A new thread: forget the oldest one. */
		memmove(&seen[0], &seen[1], (MAX_SEEN - 1) * sizeof(seen[0]));
		s = &seen[MAX_SEEN - 1];
	}
	s->tid = th->tid;
	s->regs = rs.regs;
}

static void
regs_draw(struct tui *t, WINDOW *w, bool focused)
{
	int h = getmaxy(w), width = getmaxx(w);
	bool narrow = width < 8 + 1 + 16;

	rs.rows = h;
	if (!rs.valid) {
		tui_put(w, 0, 0, tui_attr(t, TC_ZERO), rs.error != NULL ?
		    rs.error : t->proc != NULL && t->proc->state ==
		    PROC_RUNNING ? "(running)" :
		    "(no registers)");
		return;
	}
	rs.top = tui_scroll_to(rs.sel, rs.top, h);
	for (int y = 0; y < h && rs.top + y < (int)NREGS; y++) {
		size_t i = (size_t)(rs.top + y);
		char line[64];
		attr_t a = A_NORMAL;

		snprintf(line, sizeof(line), narrow ? "%-3s %016" PRIx64 :
		    "%-8s %016" PRIx64, narrow ? reg_table[i].short_name :
		    reg_table[i].name, reg_value(&rs.regs, i));
		if (rs.changed[i])
			a = tui_attr(t, TC_CHANGED);
		if (focused && (int)i == rs.sel)
			a = tui_attr(t, TC_CURSOR);
		tui_put(w, y, 0, a, line);
	}
}

static void
regs_title(struct tui *t, char *buf, size_t len)
{
	if (rs.valid)
		snprintf(buf, len, "%d", (int)rs.tid);
}

static enum pane_result
regs_key(struct tui *t, int key)
{
	switch (key) {
	case KEY_DOWN: case 'j':
		if (rs.sel + 1 < (int)NREGS)
			rs.sel++;
		return PANE_REDRAW;
	case KEY_UP: case 'k':
		if (rs.sel > 0)
			rs.sel--;
		return PANE_REDRAW;
	case KEY_HOME: case 'g':
		rs.sel = 0;
		return PANE_REDRAW;
	case KEY_END: case 'G':
		rs.sel = (int)NREGS - 1;
		return PANE_REDRAW;
	case '\r': case '\n': case KEY_ENTER: {
		uint64_t v;

		if (!rs.valid)
			return PANE_HANDLED;
		v = reg_value(&rs.regs, (size_t)rs.sel);
		if (maps_find(&t->maps, v) == NULL) {
			tui_msg(t, true, "%s: 0x%" PRIx64 ": not a mapped "
			    "address", reg_table[rs.sel].name, v);
			return PANE_REDRAW;
		}
		tui_goto(t, v);
		return PANE_REDRAW;
	}
	}
	return PANE_IGNORED;
}

static enum pane_result
regs_mouse(struct tui *t, int y, int x, mmask_t bstate)
{
	if (bstate & BUTTON4_PRESSED)
		return regs_key(t, KEY_UP);
	if (bstate & BUTTON5_PRESSED)
		return regs_key(t, KEY_DOWN);
	if (rs.top + y < (int)NREGS)
		rs.sel = rs.top + y;
	return PANE_REDRAW;
}

static void
regs_event(struct tui *t, enum tui_event ev)
{
	switch (ev) {
	case TUI_EV_PAUSED:
	case TUI_EV_THREAD:
	case TUI_EV_MAPS:	/* also after a `:` command */
		if (t->paused)
			regs_fetch(t);
		break;
	case TUI_EV_PROC:
	case TUI_EV_RESUMED:
	case TUI_EV_GONE:
		rs.valid = false;
		free(rs.error);
		rs.error = NULL;
		break;
	default:
		break;
	}
}

static const struct pane_key regs_keys[] = {
	{ "jk, arrows", "select a register" },
	{ "Enter", "show the memory it points to" },
	{ "(highlight)", "changed since this thread's were last shown" },
	{ NULL, NULL },
};

const struct pane_ops pane_regs_ops = {
	.name = "Registers",
	.draw = regs_draw,
	.key = regs_key,
	.mouse = regs_mouse,
	.title = regs_title,
	.event = regs_event,
	.keys = regs_keys,
};
