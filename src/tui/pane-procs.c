/*
 * pane-procs.c: with -f, every process the tracer follows (running, held at
 * its exit, exiting, gone); Enter shows the selected one in every pane.
 */
#include "config.h"

#include <stdio.h>
#include <sys/wait.h>

#include "tracer.h"
#include "tui/pane.h"
#include "util.h"

static struct {
	int sel;
	int top;
	pid_t pids[4096];	/* the list at the last draw */
	int n;
} pr;

static void
proc_text(const struct proc *p, char *buf, size_t len)
{
	char state[64];

	if (p->state == PROC_PAUSED && p->reason == PAUSE_SIGNAL)
		snprintf(state, sizeof(state), "held before %s",
		    signal_name(p->signal) ? signal_name(p->signal) : "signal");
	else if (p->state == PROC_PAUSED)
		snprintf(state, sizeof(state), p->last_thread_exit ?
		    "held at last thread's exit(%d)" : "held at exit_group(%d)",
		    p->exit_code);
	else if (p->state == PROC_GONE && WIFSIGNALED(p->wait_status))
		snprintf(state, sizeof(state), "killed by %s",
		    signal_name(WTERMSIG(p->wait_status)) ?
		    signal_name(WTERMSIG(p->wait_status)) : "signal");
	else if (p->state == PROC_GONE)
		snprintf(state, sizeof(state), "exited %d",
		    WEXITSTATUS(p->wait_status));
	else
		snprintf(state, sizeof(state), "%s", p->state == PROC_RUNNING ?
		    "running" : p->state == PROC_PAUSING ? "pausing" :
		    "exiting");
	snprintf(buf, len, "%6d %6d  %-10.10s %s", (int)p->pid,
	    (int)p->parent_pid, p->comm, state);
}

static void
procs_draw(struct tui *t, WINDOW *w, bool focused)
{
	static struct proc *procs[ARRAY_SIZE(pr.pids)];
	int h = getmaxy(w);

	/* Reaped processes stay on the tracer's list, with their status. */
	pr.n = 0;
	for (struct proc *p = tui_procs(t); p != NULL &&
	    pr.n < (int)ARRAY_SIZE(pr.pids); p = p->next) {
		procs[pr.n] = p;
		pr.pids[pr.n++] = p->pid;
	}
	if (pr.sel >= pr.n)
		pr.sel = pr.n > 0 ? pr.n - 1 : 0;
	tui_put(w, 0, 0, tui_attr(t, TC_TITLE), "    pid parent  name       "
	    "state");
	pr.top = tui_scroll_to(pr.sel, pr.top, h - 1);
	for (int y = 1; y < h && pr.top + y - 1 < pr.n; y++) {
		int i = pr.top + y - 1;
		struct proc *p = procs[i];
		char line[200];
		attr_t a = A_NORMAL;

		line[0] = p->pid == t->pid ? '>' : ' ';
		proc_text(p, line + 1, sizeof(line) - 1);
		if (p->state == PROC_PAUSED)
			a = tui_attr(t, TC_CHANGED);
		if (i == pr.sel)
			a = tui_attr(t, focused ? TC_CURSOR : TC_CURSOR_DIM);
		tui_put(w, y, 0, a, line);
	}
}

static enum pane_result
procs_key(struct tui *t, int key)
{
	switch (key) {
	case KEY_DOWN: case 'j':
		pr.sel++;
		break;
	case KEY_UP: case 'k':
		pr.sel = pr.sel > 0 ? pr.sel - 1 : 0;
		break;
	case KEY_HOME: case 'g':
		pr.sel = 0;
		break;
	case KEY_END: case 'G':
		pr.sel = pr.n - 1;
		break;
	case '\r': case '\n': case KEY_ENTER:
		if (pr.sel < pr.n)
			tui_select_proc(t, pr.pids[pr.sel]);
		break;
	default:
		return PANE_IGNORED;
	}
	return PANE_REDRAW;
}

static enum pane_result
procs_mouse(struct tui *t, int y, int x, mmask_t bstate)
{
	if (bstate & BUTTON4_PRESSED)
		return procs_key(t, KEY_UP);
	if (bstate & BUTTON5_PRESSED)
		return procs_key(t, KEY_DOWN);
	if (y >= 1 && pr.top + y - 1 < pr.n) {
		if (pr.sel == pr.top + y - 1)
			return procs_key(t, '\n');
		pr.sel = pr.top + y - 1;
	}
	return PANE_REDRAW;
}

static const struct pane_key procs_keys[] = {
	{ "jk, arrows", "select a process" },
	{ "Enter, click twice", "show it in every pane" },
	{ NULL, NULL },
};

const struct pane_ops pane_procs_ops = {
	.name = "Processes",
	.draw = procs_draw,
	.key = procs_key,
	.mouse = procs_mouse,
	.keys = procs_keys,
};
