/*
 * pane-code.c: the machine code of the selected frame (tui_frame), as
 * `disas` shows it: decoded by disas.h from the start of the function the
 * frame's pc is in (so no guess at where an instruction begins), the
 * frame's instruction marked "=>" and highlighted, direct branch targets
 * named ("<level_c>"), scrolled to the middle each time another
 * frame is selected. Each line is "+offset" into the function, with the
 * address and symbol instead when the pane is wide; the title names
 * function and offset. Where the function ends (its ELF symbol's size)
 * a "-- end of NAME --" row separates it from the code that follows.
 * A tab beside the Inspector; C or F12 in Source shows it.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "disas.h"
#include "mem.h"
#include "symbols.h"
#include "tui/pane.h"
#include "unwind.h"
#include "util.h"

/* Decoded past the frame's pc (the function's start is decoded from). */
#define CODE_AFTER 64
/* Farther into a function than this, decoding starts at the pc. */
#define CODE_MAX_PREFIX 65536
/* From this width on, each line shows the address. */
#define CODE_WIDE 72

static struct {
	bool loaded;		/* insns are for pc */
	uint64_t pc;
	char *function;		/* the function pc is in, or NULL */
	struct disas_insn *insns;
	size_t n;
	size_t cur;		/* the index of pc, n when it is not there */
	size_t end;		/* the first past the function's end, or n */
	char *err;		/* why nothing is shown */
	struct tui_view view;
} code;

static void code_forget(void);
static long code_decode(struct tui *t, uint64_t addr, size_t len,
    char **errp);
static void code_load(struct tui *t, uint64_t pc);
static void code_line(struct tui *t, const struct disas_insn *in, bool wide,
    char *buf, size_t len);

static void
code_forget(void)
{
	free(code.insns);
	free(code.err);
	free(code.function);
	code.insns = NULL;
	code.err = NULL;
	code.function = NULL;
	code.n = 0;
	code.loaded = false;
}

/* Reads len bytes at addr and decodes them into code.insns. */
static long
code_decode(struct tui *t, uint64_t addr, size_t len, char **errp)
{
	uint8_t *buf = xmalloc(len);
	ssize_t got;
	long n;

	free(code.insns);
	code.insns = NULL;
	got = mem_read(t->proc, addr, buf, len, errp);
	if (got <= 0) {
		free(buf);
		return -1;
	}
	code.insns = xreallocarray(NULL, (size_t)got, sizeof(*code.insns));
	n = disas_decode(buf, (size_t)got, addr, code.insns, (size_t)got,
	    errp);
	free(buf);
	if (n == 0)
		set_error(errp, "0x%" PRIx64 ": not an instruction", addr);
	return n > 0 ? n : -1;
}

/* Decodes around pc: from its function's start when the symbols know. */
static void
code_load(struct tui *t, uint64_t pc)
{
	const struct sym_info *si = unwind_lookup(t->proc, pc);
	char *err = NULL;
	long n = -1;

	if (code.loaded && code.pc == pc)
		return;
	code_forget();
	code.loaded = true;
	code.pc = pc;
	code.view.centre = true;
	if (si != NULL && si->function != NULL)
		code.function = xstrdup(si->function);
	if (si != NULL && si->function != NULL &&
	    si->offset <= CODE_MAX_PREFIX)
		n = code_decode(t, pc - si->offset, si->offset + CODE_AFTER *
		    DISAS_MAX_INSN, NULL);
	for (code.cur = 0; n > 0 && code.cur < (size_t)n; code.cur++)
		if (code.insns[code.cur].addr == pc)
			break;
	if (n <= 0 || code.cur == (size_t)n) {
		/* No function, or decoding from it did not land on pc. */
		n = code_decode(t, pc, CODE_AFTER * DISAS_MAX_INSN, &err);
		code.cur = 0;
	}
	if (n < 0) {
		code.err = err != NULL ? err : xstrdup("cannot decode");
		n = 0;
	}
	code.n = (size_t)n;
	code.end = code.n;
	for (size_t i = code.cur + 1; si != NULL && si->size > si->offset &&
	    i < code.n; i++)
		if (code.insns[i].addr >= pc - si->offset + si->size) {
			code.end = i;
			break;
		}
	/* Zero bytes past pc: the end of the code, not "addb %al,(%rax)". */
	for (size_t i = code.cur + 1; i < code.n; i++) {
		size_t k = 0;

		while (k < code.insns[i].size && code.insns[i].bytes[k] == 0)
			k++;
		if (k == code.insns[i].size) {
			code.n = i;
			break;
		}
	}
	if (code.end > code.n)
		code.end = code.n;
}

/*
 * "=> +0x1d      callq  0x401120 <level_c>": the offset into the frame's
 * function, or "name+0xoff" past its end, or the address outside any;
 * when wide, the address and "<name+0xoff>" always.
 */
static void
code_line(struct tui *t, const struct disas_insn *in, bool wide, char *buf,
    size_t len)
{
	char sym[160], target[160];
	const char *where = sym;
	bool has_sym;
	int n;

	has_sym = unwind_symbolize(t->proc, in->addr, sym, sizeof(sym));
	if (has_sym && code.function != NULL && strncmp(sym, code.function,
	    strlen(code.function)) == 0 && sym[strlen(code.function)] == '+')
		where = sym + strlen(code.function);
	target[0] = '\0';
	if (in->has_target && unwind_symbolize(t->proc, in->target,
	    target + 2, sizeof(target) - 3)) {
		size_t tl = strlen(target + 2) + 2;

		/* "<level_c>" rather than "<level_c+0x0>", as disas. */
		if (tl > 6 && strcmp(target + tl - 4, "+0x0") == 0)
			tl -= 4;
		memcpy(target, " <", 2);
		memcpy(target + tl, ">", 2);
	}
	n = snprintf(buf, len, "%s", in->addr == code.pc ? "=> " : "   ");
	if (wide || !has_sym)
		n += snprintf(buf + n, len - (size_t)n, "0x%012" PRIx64 " ",
		    in->addr);
	if (wide && has_sym)
		n += snprintf(buf + n, len - (size_t)n, "<%s> ", sym);
	else if (has_sym)
		n += snprintf(buf + n, len - (size_t)n, "%-8s ", where);
	snprintf(buf + n, len - (size_t)n, "%s%s", in->text, target);
}

static void
code_draw(struct tui *t, WINDOW *w, bool focused)
{
	const struct frame *fr = tui_frame(t);
	int h = getmaxy(w), width = getmaxx(w);
	char line[512], row[600];
	size_t rows;

	(void)focused;
	if (fr == NULL) {
		tui_put(w, 0, 0, tui_attr(t, TC_ZERO), "(the selected frame's "
		    "code shows while the process is held)");
		return;
	}
	code_load(t, fr->pc);
	if (code.err != NULL) {
		snprintf(row, sizeof(row), "0x%" PRIx64 ": %s", fr->pc,
		    code.err);
		tui_put(w, 0, 0, tui_attr(t, TC_ERROR), row);
		return;
	}
	/* Rows: the instructions, and the end row before insns[end]. */
	rows = code.n + (code.end < code.n && code.function != NULL);
	tui_view_place(&code.view, (int)code.cur, (int)rows, h);
	for (int y = 0; y < h && code.view.top + y < (int)rows; y++) {
		size_t r = (size_t)(code.view.top + y);
		const struct disas_insn *in;

		if (rows > code.n && r == code.end) {
			snprintf(row, sizeof(row), "   -- end of %s --",
			    code.function);
			tui_put(w, y, 0, tui_attr(t, TC_ZERO), row);
			continue;
		}
		in = &code.insns[rows > code.n && r > code.end ? r - 1 : r];
		code_line(t, in, width >= CODE_WIDE, line, sizeof(line));
		if (in->addr == code.pc) {
			snprintf(row, sizeof(row), "%-*s", width, line);
			tui_put(w, y, 0, tui_attr(t, TC_CURSOR), row);
		} else {
			tui_put(w, y, 0, A_NORMAL, line);
		}
	}
}

static void
code_title(struct tui *t, char *buf, size_t len)
{
	const struct frame *fr = tui_frame(t);

	if (fr != NULL && !unwind_symbolize(t->proc, fr->pc, buf, len))
		snprintf(buf, len, "0x%" PRIx64, fr->pc);
}

static enum pane_result
code_key(struct tui *t, int key)
{
	(void)t;
	return tui_view_key(&code.view, key);
}

static enum pane_result
code_mouse(struct tui *t, int y, int x, mmask_t bstate)
{
	(void)t;
	(void)y;
	(void)x;
	return tui_view_mouse(&code.view, bstate);
}

static void
code_event(struct tui *t, enum tui_event ev)
{
	(void)t;
	switch (ev) {
	case TUI_EV_PROC:
	case TUI_EV_PAUSED:
	case TUI_EV_RESUMED:
		/* The same pc may hold other code now (JIT, dlopen). */
		code_forget();
		code.view.centre = true;
		break;
	case TUI_EV_THREAD:
	case TUI_EV_FRAME:
		code.view.centre = true;
		break;
	default:
		break;
	}
}

static const struct pane_key code_keys[] = {
	{ "C, F12 in Source", "show the selected frame's code" },
	{ "jk, arrows, PgUp PgDn", "scroll" },
	{ "g G", "the function's start, the end of what is decoded" },
	{ "Enter", "back to the frame's instruction (marked =>)" },
	{ NULL, NULL },
};

const struct pane_ops pane_code_ops = {
	.name = "Code",
	.draw = code_draw,
	.key = code_key,
	.mouse = code_mouse,
	.title = code_title,
	.event = code_event,
	.keys = code_keys,
};
