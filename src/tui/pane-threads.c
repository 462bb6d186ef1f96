/*
 * pane-threads.c: the shown process's threads and, while it is held, each
 * thread's backtrace from unwind.h (function+offset, source line, signal
 * frames, a note when the walk was cut short). Every row is selectable:
 * selecting a row selects its thread (registers and $regs follow); Enter
 * on a frame shows its code in the memory pane, on a thread its stack.
 * Backtraces are taken once per pause and kept until the process moves.
 * The thread that caused the pause comes first, and is selected; after a
 * fatal signal, its faulting frame is (the first one of the program, not
 * of libc's raise and abort), with Source and Code shown on it. The
 * selected frame is the TUI's (tui_select_frame), which Source, Code and
 * : commands follow.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot-read.h"
#include "tracer.h"
#include "tui/pane.h"
#include "unwind.h"
#include "util.h"

#define MAX_UNWOUND 64

struct trow {
	pid_t tid;
	int frame;		/* -1: the thread's own row */
};

static struct {
	struct backtrace *bts;	/* one per unwound thread */
	size_t nbts;
	bool unwound;		/* bts are for the current pause */
	struct trow *rows;
	size_t nrows;
	int sel;
	int top;
	int height;
	bool crash_pending;	/* select the faulting frame once unwound */
} th;

static const char *threads_function(struct tui *t, pid_t tid);
static void rows_build(struct tui *t);
static unsigned fault_frame(const struct backtrace *bt);
static void select_fault(struct tui *t);

static void
forget(void)
{
	for (size_t i = 0; i < th.nbts; i++)
		backtrace_free(&th.bts[i]);
	free(th.bts);
	th.bts = NULL;
	th.nbts = 0;
	th.unwound = false;
}

static const struct backtrace *
bt_of(pid_t tid)
{
	for (size_t i = 0; i < th.nbts; i++)
		if (th.bts[i].tid == tid)
			return &th.bts[i];
	return NULL;
}

/*
 * The process's threads in the order the pane lists them: the thread that
 * caused the pause first (as batch mode does), then the others.
 */
static size_t
threads_in_order(struct proc *p, struct thread **out, size_t max)
{
	struct thread *first = p->state == PROC_PAUSED ?
	    proc_find_thread(p, p->paused_tid) : NULL;
	size_t n = 0;

	if (first != NULL && n < max)
		out[n++] = first;
	for (struct thread *x = p->threads; x != NULL && n < max;
	    x = x->next)
		if (x != first)
			out[n++] = x;
	return n;
}

/* Unwinds every held thread once per pause (at most MAX_UNWOUND). */
static void
unwind_all(struct tui *t)
{
	struct thread *order[MAX_UNWOUND];
	size_t n;

	if (th.unwound || !t->paused || t->proc == NULL)
		return;
	th.unwound = true;
	n = threads_in_order(t->proc, order, MAX_UNWOUND);
	for (size_t i = 0; i < n; i++) {
		struct thread *x = order[i];
		struct backtrace bt;
		char *err = NULL;

		memset(&bt, 0, sizeof(bt));
		if (unwind_thread(t->proc, x, &bt, &err) < 0) {
			bt.tid = x->tid;
			bt.error = err;
			bt.truncated = true;
		}
		bt.tid = x->tid;
		th.bts = xreallocarray(th.bts, th.nbts + 1, sizeof(*th.bts));
		th.bts[th.nbts++] = bt;
	}
	if (th.crash_pending)
		select_fault(t);
}

/*
 * Where a fatal signal hit the program: the first frame not in the C
 * library or the dynamic linker (raise, abort, pthread_kill), nor the
 * signal trampoline; frame #0 when every frame is theirs.
 */
static unsigned
fault_frame(const struct backtrace *bt)
{
	static const char *const libs[] = { "libc.so", "libc-", "ld-linux",
		"libpthread" };

	for (size_t i = 0; i < bt->count; i++) {
		const struct frame *f = &bt->frames[i];
		const char *base;
		bool lib = false;

		if (f->signal_frame || f->module == NULL)
			continue;
		base = strrchr(f->module, '/') ? strrchr(f->module, '/') + 1 :
		    f->module;
		for (size_t k = 0; k < ARRAY_SIZE(libs); k++)
			if (strncmp(base, libs[k], strlen(libs[k])) == 0)
				lib = true;
		if (!lib)
			return (unsigned)i;
	}
	return 0;
}

/* Selects the faulting frame's row of the thread that took the signal. */
static void
select_fault(struct tui *t)
{
	pid_t tid = t->proc->paused_tid;
	const struct backtrace *bt = bt_of(tid);
	unsigned n;

	th.crash_pending = false;
	if (bt == NULL || bt->count == 0)
		return;
	n = fault_frame(bt);
	rows_build(t);
	for (size_t i = 0; i < th.nrows; i++)
		if (th.rows[i].tid == tid && th.rows[i].frame == (int)n)
			th.sel = (int)i;
	tui_select_frame(t, tid, n);
}

static const struct frame *
threads_frame(struct tui *t, pid_t tid, unsigned n)
{
	const struct backtrace *bt;

	unwind_all(t);
	bt = bt_of(tid);
	return bt != NULL && n < bt->count ? &bt->frames[n] : NULL;
}

static const char *
threads_function(struct tui *t, pid_t tid)
{
	const struct backtrace *bt;

	unwind_all(t);
	bt = bt_of(tid);
	if (bt == NULL || bt->count == 0)
		return NULL;
	return bt->frames[0].function;
}

static void
rows_add(pid_t tid, int frame)
{
	th.rows = xreallocarray(th.rows, th.nrows + 1, sizeof(*th.rows));
	th.rows[th.nrows++] = (struct trow){ tid, frame };
}

/* One row per thread, then one per frame (and one for a truncation). */
static void
rows_build(struct tui *t)
{
	struct thread **order;
	size_t n;

	th.nrows = 0;
	if (t->proc == NULL || t->proc->state == PROC_GONE)
		return;
	order = xreallocarray(NULL, (size_t)t->proc->nthreads + 1,
	    sizeof(*order));
	n = threads_in_order(t->proc, order, (size_t)t->proc->nthreads + 1);
	for (size_t k = 0; k < n; k++) {
		struct thread *x = order[k];
		const struct backtrace *bt = bt_of(x->tid);

		rows_add(x->tid, -1);
		for (size_t i = 0; bt != NULL && i < bt->count; i++)
			rows_add(x->tid, (int)i);
		if (bt != NULL && bt->truncated)
			rows_add(x->tid, (int)bt->count);
	}
	free(order);
	if (th.sel >= (int)th.nrows)
		th.sel = th.nrows > 0 ? (int)th.nrows - 1 : 0;
}

static void
frame_text(const struct backtrace *bt, int i, char *buf, size_t len)
{
	const struct frame *f;
	int n;

	if (i >= (int)bt->count) {
		snprintf(buf, len, "   (stack cut short%s%s)",
		    bt->error ? ": " : "", bt->error ? bt->error : "");
		return;
	}
	f = &bt->frames[i];
	if (f->signal_frame) {
		snprintf(buf, len, "   #%-2d <signal handler called>", i);
		return;
	}
	if (f->function != NULL)
		n = snprintf(buf, len, "   #%-2d %s+0x%" PRIx64, i, f->function,
		    f->offset);
	else
		n = snprintf(buf, len, "   #%-2d 0x%" PRIx64 "%s%s", i, f->pc,
		    f->module ? " in " : "", f->module ?
		    strrchr(f->module, '/') ? strrchr(f->module, '/') + 1 :
		    f->module : "");
	if (f->file != NULL && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " %s:%d",
		    strrchr(f->file, '/') ? strrchr(f->file, '/') + 1 : f->file,
		    f->line);
}

static void
thread_text(struct tui *t, struct thread *x, char *buf, size_t len)
{
	char *comm = snapshot_thread_name(t->proc, x->tid);

	snprintf(buf, len, "%c %d %s  %s", x->tid == t->tid ? '>' : ' ',
	    (int)x->tid, comm ? comm : "?", x->stopped ? "held" : "running");
	free(comm);
}

static void
threads_draw(struct tui *t, WINDOW *w, bool focused)
{
	int h = getmaxy(w);

	th.height = h;
	unwind_all(t);
	rows_build(t);
	if (th.nrows == 0) {
		tui_put(w, 0, 0, tui_attr(t, TC_ZERO), "(no threads)");
		return;
	}
	th.top = tui_scroll_to(th.sel, th.top, h);
	for (int y = 0; y < h && th.top + y < (int)th.nrows; y++) {
		const struct trow *r = &th.rows[th.top + y];
		struct thread *x = proc_find_thread(t->proc, r->tid);
		char line[512];
		attr_t a = A_NORMAL;

		if (r->frame < 0) {
			if (x == NULL)
				continue;
			thread_text(t, x, line, sizeof(line));
			a = tui_attr(t, TC_TITLE) | A_BOLD;
		} else {
			frame_text(bt_of(r->tid), r->frame, line,
			    sizeof(line));
			if (r->frame >= (int)bt_of(r->tid)->count)
				a = tui_attr(t, TC_ERROR);
		}
		if (th.top + y == th.sel)
			a = tui_attr(t, focused ? TC_CURSOR : TC_CURSOR_DIM);
		tui_put(w, y, 0, a, line);
	}
}

static void
threads_title(struct tui *t, char *buf, size_t len)
{
	if (t->proc != NULL && t->proc->state != PROC_GONE)
		snprintf(buf, len, "%d, %s", t->proc->nthreads, t->paused ?
		    "backtraces" : "backtraces when paused");
}

static enum pane_result
threads_select(struct tui *t, int sel)
{
	const struct trow *r;
	const struct backtrace *bt;

	if (th.nrows == 0)
		return PANE_REDRAW;
	if (sel < 0)
		sel = 0;
	if (sel >= (int)th.nrows)
		sel = (int)th.nrows - 1;
	th.sel = sel;
	r = &th.rows[sel];
	bt = bt_of(r->tid);
	/* A thread's own row (or the cut-short note): its frame #0. */
	tui_select_frame(t, r->tid, r->frame >= 0 && bt != NULL &&
	    r->frame < (int)bt->count ? (unsigned)r->frame : 0);
	return PANE_REDRAW;
}

static enum pane_result
threads_enter(struct tui *t)
{
	const struct trow *r;
	const struct backtrace *bt;
	struct thread *x;
	struct user_regs_struct regs;
	char *err = NULL;

	if (th.sel >= (int)th.nrows)
		return PANE_HANDLED;
	r = &th.rows[th.sel];
	bt = bt_of(r->tid);
	if (r->frame >= 0 && bt != NULL && r->frame < (int)bt->count) {
		tui_goto(t, bt->frames[r->frame].pc);
		return PANE_REDRAW;
	}
	x = proc_find_thread(t->proc, r->tid);
	if (x == NULL || thread_program_regs(x, &regs, &err) < 0) {
		tui_msg(t, true, "thread %d: %s", (int)r->tid, err != NULL ?
		    err : "gone");
		free(err);
		return PANE_REDRAW;
	}
	tui_goto(t, regs.rsp);
	return PANE_REDRAW;
}

static enum pane_result
threads_key(struct tui *t, int key)
{
	int page = th.height > 1 ? th.height - 1 : 1;

	switch (key) {
	case KEY_DOWN: case 'j':
		return threads_select(t, th.sel + 1);
	case KEY_UP: case 'k':
		return threads_select(t, th.sel - 1);
	case KEY_NPAGE: case ' ':
		return threads_select(t, th.sel + page);
	case KEY_PPAGE: case 'b':
		return threads_select(t, th.sel - page);
	case KEY_HOME: case 'g':
		return threads_select(t, 0);
	case KEY_END: case 'G':
		return threads_select(t, (int)th.nrows - 1);
	case '\r': case '\n': case KEY_ENTER:
		return threads_enter(t);
	}
	return PANE_IGNORED;
}

static enum pane_result
threads_mouse(struct tui *t, int y, int x, mmask_t bstate)
{
	if (bstate & BUTTON4_PRESSED)
		return threads_key(t, KEY_UP);
	if (bstate & BUTTON5_PRESSED)
		return threads_key(t, KEY_DOWN);
	if (th.top + y == th.sel)
		return threads_enter(t);
	return threads_select(t, th.top + y);
}

/* A frame selected elsewhere (: frame, up, down): select its row. */
static void
threads_follow(struct tui *t)
{
	const struct trow *r = th.sel < (int)th.nrows ? &th.rows[th.sel] :
	    NULL;

	if (r != NULL && r->tid == t->tid && (r->frame == (int)t->sel_frame ||
	    (r->frame < 0 && t->sel_frame == 0)))
		return;
	for (size_t i = 0; i < th.nrows; i++)
		if (th.rows[i].tid == t->tid &&
		    th.rows[i].frame == (int)t->sel_frame)
			th.sel = (int)i;
}

static void
threads_event(struct tui *t, enum tui_event ev)
{
	switch (ev) {
	case TUI_EV_PROC:
	case TUI_EV_RESUMED:
	case TUI_EV_GONE:
	case TUI_EV_PAUSED:
		forget();
		th.sel = 0;
		t->sel_frame = 0;
		th.crash_pending = ev == TUI_EV_PAUSED && t->proc != NULL &&
		    t->proc->reason == PAUSE_SIGNAL;
		if (th.crash_pending) {
			/* Source above, Code beside: Threads moves both. */
			tui_focus(t, &pane_source_ops);
			tui_focus(t, &pane_code_ops);
			tui_focus(t, &pane_threads_ops);
		}
		break;
	case TUI_EV_FRAME:
		threads_follow(t);
		break;
	default:
		break;
	}
}

static const struct pane_key threads_keys[] = {
	{ "jk, arrows, PgUp PgDn", "select a thread or a frame" },
	{ "Enter, click twice", "frame: its code in Memory; thread: stack" },
	{ "(frame)", "Source (S) and Code (C) show the selected frame" },
	{ "(selection)", "the selected thread's registers are shown" },
	{ NULL, NULL },
};

const struct pane_ops pane_threads_ops = {
	.name = "Threads",
	.draw = threads_draw,
	.key = threads_key,
	.mouse = threads_mouse,
	.title = threads_title,
	.event = threads_event,
	.keys = threads_keys,
	.thread_function = threads_function,
	.frame = threads_frame,
};
