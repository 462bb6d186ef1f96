/*
 * session.c: the shown process. It turns the tracer's events and the
 * process's state changes into events for the panes, lets processes go
 * or kills them at the quit question, and provides the part of the pane
 * API (pane.h) that is about the process: threads, frames, maps, command
 * contexts, address labels, goto; the panes reach these through t->ops
 * (tui.c's table), never by name. Below the loop, input and relay; above
 * layout, the panes (reached through their struct pane_ops) and bars.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "maps.h"
#include "mem.h"
#include "snapshot.h"
#include "tracer.h"
#include "tui/pane.h"
#include "tui/tui-int.h"
#include "unwind.h"
#include "util.h"

static int last_state = -1;

static void select_thread(struct tui *t, pid_t tid);
static struct proc *find_proc(struct tui *t, pid_t pid);

struct thread *
session_thread(struct tui *t)
{
	struct thread *th;

	if (t->proc == NULL)
		return NULL;
	th = proc_find_thread(t->proc, t->tid);
	if (th == NULL) {
		th = proc_main_thread(t->proc);
		if (th != NULL)
			t->tid = th->tid;
	}
	return th;
}

static void
select_thread(struct tui *t, pid_t tid)
{
	if (tid == t->tid)
		return;
	t->tid = tid;
	t->sel_frame = 0;
	tui_broadcast(t, TUI_EV_THREAD);
}

void
session_select_frame(struct tui *t, pid_t tid, unsigned n)
{
	select_thread(t, tid);
	if (n == t->sel_frame)
		return;
	t->sel_frame = n;
	tui_broadcast(t, TUI_EV_FRAME);
}

/*
 * The selected frame of the selected thread while held, from the pane
 * that keeps the backtraces (Threads).
 */
const struct frame *
session_frame(struct tui *t)
{
	const struct pane_ops *const *panes = layout_panes();

	if (t->proc == NULL || !t->paused || session_thread(t) == NULL)
		return NULL;
	for (int i = 0; panes[i] != NULL; i++)
		if (panes[i]->frame != NULL)
			return panes[i]->frame(t, t->tid, t->sel_frame);
	return NULL;
}

void
session_select_proc(struct tui *t, pid_t pid)
{
	struct proc *p = find_proc(t, pid);

	if (p == NULL || pid == t->pid)
		return;
	t->pid = pid;
	t->proc = p;
	t->tid = 0;
	t->paused = false;
	last_state = -1;
	maps_free(&t->maps);
	t->maps_ms = 0;
	tui_broadcast(t, TUI_EV_PROC);
	tui_sync_proc(t);
}

struct proc *
session_procs(struct tui *t)
{
	return t->tr != NULL ? tracer_procs(t->tr) : t->proc;
}

int
session_refresh_maps(struct tui *t)
{
	struct maps m;
	char *err = NULL;

	t->maps_ms = t->now_ms;
	if (t->proc == NULL || t->proc->state == PROC_GONE) {
		maps_free(&t->maps);
		return -1;
	}
	if (mem_maps_read(t->proc, &m, &err) < 0) {
		tui_msg(t, true, "maps: %s", err);
		free(err);
		return -1;
	}
	maps_free(&t->maps);
	t->maps = m;
	tui_broadcast(t, TUI_EV_MAPS);
	return 0;
}

void
session_cmd_ctx(struct tui *t, struct cmd_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->tracer = t->tr;
	ctx->proc = t->proc;
	ctx->thread = session_thread(t);
	ctx->frame = t->sel_frame;
	ctx->json = false;
}

void
session_addr_label(struct tui *t, uint64_t addr, char *buf, size_t len)
{
	const struct region *r = maps_find(&t->maps, addr);
	const char *name;
	char sym[128];

	if (r == NULL) {
		snprintf(buf, len, "0x%" PRIx64 " (unmapped)", addr);
		return;
	}
	name = region_basename(r);
	/* Code: the function it is in, when the symbols say. */
	if (t->proc != NULL && r->perms[2] == 'x' && *name != '\0' &&
	    *name != '[' &&
	    unwind_symbolize(t->proc, addr, sym, sizeof(sym))) {
		snprintf(buf, len, "%s+0x%" PRIx64 " <%s>", name,
		    addr - maps_label_base(&t->maps, r), sym);
		return;
	}
	if (*name == '\0')
		snprintf(buf, len, "anon@%" PRIx64 "+0x%" PRIx64, r->start,
		    addr - r->start);
	else
		snprintf(buf, len, "%s+0x%" PRIx64, name,
		    addr - maps_label_base(&t->maps, r));
}

void
session_goto(struct tui *t, uint64_t addr)
{
	const struct pane_ops *const *panes = layout_panes();

	for (int i = 0; panes[i] != NULL; i++)
		if (panes[i]->show_addr != NULL) {
			panes[i]->show_addr(t, addr);
			layout_focus(t, panes[i]);
		}
}

void
tui_broadcast(struct tui *t, enum tui_event ev)
{
	const struct pane_ops *const *panes = layout_panes();

	for (int i = 0; panes[i] != NULL; i++)
		if (panes[i]->event != NULL)
			panes[i]->event(t, ev);
}

/*
 * The process with this pid: a live one, else the last reaped one (the
 * tracer keeps those, with their wait status, but tracer_find_proc skips
 * them).
 */
static struct proc *
find_proc(struct tui *t, pid_t pid)
{
	struct proc *found;

	/* A core (tui_run_post): the one process there is. */
	if (t->tr == NULL)
		return t->proc != NULL && t->proc->pid == pid ? t->proc :
		    NULL;
	found = tracer_find_proc(t->tr, pid);

	for (struct proc *p = tracer_procs(t->tr); found == NULL && p != NULL;
	    p = p->next)
		if (p->pid == pid && p->state == PROC_GONE)
			found = p;
	return found;
}

/*
 * Turns the shown process's state changes into events for the panes. The
 * process is looked up by pid each time rather than kept.
 */
void
tui_sync_proc(struct tui *t)
{
	bool was_paused;
	int state;

	if (t->pid == 0)
		return;
	t->proc = find_proc(t, t->pid);
	state = t->proc != NULL ? (int)t->proc->state : PROC_GONE;
	if (state == last_state)
		return;
	was_paused = last_state == PROC_PAUSED;
	last_state = state;
	t->paused = state == PROC_PAUSED;
	if (t->paused) {
		struct thread *th = proc_find_thread(t->proc,
		    t->proc->paused_tid);

		if (th != NULL)
			t->tid = th->tid;
		session_refresh_maps(t);
		tui_broadcast(t, TUI_EV_PAUSED);
		/* A crash: what matters first is where each thread was. */
		if (t->proc->reason == PAUSE_SIGNAL)
			layout_focus(t, &pane_threads_ops);
		if (t->tr != NULL && (!t->proc->is_root || t->follow_forks))
			tui_msg(t, false, "pid %d paused", (int)t->pid);
	} else if (state == PROC_GONE) {
		maps_free(&t->maps);
		tui_broadcast(t, TUI_EV_GONE);
	} else if (state == PROC_RELEASED ||
	    (state == PROC_RUNNING && was_paused)) {
		tui_broadcast(t, TUI_EV_RESUMED);
	}
}

/* --save: every process as it pauses, before the user sees it. */
static void
session_save(struct tui *t, struct proc *p)
{
	char *dir, *err = NULL;

	if ((dir = snapshot_save_under(t->tr, p, t->save_dir, cmd_run, NULL,
	    &err)) == NULL) {
		tui_msg(t, true, "--save: %s", err);
		free(err);
		return;
	}
	tui_msg(t, false, "pid %d saved in %s", (int)p->pid, dir);
	free(dir);
}

void
session_handle_tracer(struct tui *t)
{
	struct proc *p;

	if (!t->all_gone && tracer_poll(t->tr, 0) < 0)
		t->all_gone = true;
	while ((p = tracer_next_paused(t->tr)) != NULL) {
		if (t->save_dir != NULL)
			session_save(t, p);
		if (p->pid != t->pid)
			tui_msg(t, false, "pid %d (%s) paused: see "
			    "Processes (Tab)", (int)p->pid, p->comm);
	}
	tui_sync_proc(t);
}

/* True when quitting needs no question: no process is running or held. */
bool
session_nothing_held(struct tui *t)
{
	if (t->all_gone)
		return true;
	for (struct proc *p = tracer_procs(t->tr); p != NULL; p = p->next)
		if (p->state != PROC_GONE && p->state != PROC_RELEASED)
			return false;
	return true;
}

/* The user chose at the quit question: let every held process go, or kill. */
void
tui_release_all(struct tui *t, bool kill_them)
{
	if (t->tr == NULL)
		return;
	for (struct proc *p = tracer_procs(t->tr); p != NULL; p = p->next) {
		char *err = NULL;
		int rc = 0;

		if (kill_them && p->state != PROC_GONE)
			rc = tracer_kill(t->tr, p, &err);
		else if (!kill_them && p->state == PROC_PAUSED)
			rc = tracer_continue(t->tr, p, &err);
		if (rc < 0) {
			warnx_msg("%s", err);
			free(err);
		}
	}
}
