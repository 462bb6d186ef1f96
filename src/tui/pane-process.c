/*
 * pane-process.c: the shown process as /proc/PID has it, in six views
 * chosen by 1-6 (or Left/Right): Summary (pid, ppid, comm, argv, ids,
 * lifetime, CPU, peak RSS, why it is held), Files (descriptors with type,
 * position, flags and target; deleted files marked, sockets resolved),
 * Environment, Limits, Signals (per thread) and a /proc browser (Enter
 * opens a directory, or shows a file as text, or as hex when binary).
 *
 * Everything comes from procinfo.c; nothing here reads /proc itself. On
 * a core (--core, --snapshot) each view is the text of its command (status,
 * fds, env, limits, signals, proc), which reads a snapshot's copies or
 * says the core has none. A
 * view is turned into lines (text, colour, and the index of the
 * descriptor or entry it stands for) when it is drawn and stale: on the
 * process's events, and while it runs on the live tick, at most as often
 * as keeps reading /proc under a tenth of the time (10,000 descriptors
 * take tens of milliseconds).
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "procinfo.h"
#include "redirect.h"
#include "tracer.h"
#include "tui/pane.h"
#include "util.h"

enum view {
	V_SUMMARY,
	V_FILES,
	V_ENV,
	V_LIMITS,
	V_SIGNALS,
	V_PROC,
	V_COUNT
};

static const char *const view_names[V_COUNT] = {
	"Summary", "Files", "Env", "Limits", "Signals", "/proc",
};

struct pline {
	char *text;
	enum tui_color color;
	int ref;		/* fds.fds[ref] or dir.entries[ref]; -1 */
};

static struct {
	enum view view;
	int sel;
	int top;
	int rows;
	int xoff;		/* columns scrolled off at the left (< >) */
	char *header;
	struct pline *lines;
	int n;
	bool stale;
	pid_t pid;		/* whose lines these are */
	uint64_t loaded_ms;	/* when, on the TUI's clock */
	uint64_t cost_ms;	/* what reading them took */
	struct procinfo_fds fds;	/* Files: what the lines show */
	struct procinfo_file dir;	/* /proc: the directory listed */
	char *procdir;		/* ... its name under /proc/PID ("") */
} pv = { .stale = true };

static uint64_t mono_ms(void);
static const char *skip_columns(const char *s, int n);
static void lines_clear(void);
static void add(enum tui_color c, int ref, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void load_summary(struct tui *t, pid_t tid);
static void fd_line(const struct procinfo_fd *d, char *buf, size_t len);
static void load_files(struct tui *t, pid_t tid);
static void load_env(pid_t tid);
static void load_limits(pid_t tid);
static void load_signals(struct tui *t);
static void load_proc(pid_t tid);
static void load_saved(struct tui *t);
static void load(struct tui *t);
static void fd_details(struct tui *t, const struct procinfo_fd *d);
static void proc_open(struct tui *t, const struct procinfo_entry *e);
static void proc_up(void);
static char *hexdump(const char *data, size_t len);

static uint64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
lines_clear(void)
{
	for (int i = 0; i < pv.n; i++)
		free(pv.lines[i].text);
	free(pv.lines);
	pv.lines = NULL;
	pv.n = 0;
	free(pv.header);
	pv.header = NULL;
}

static void
add(enum tui_color c, int ref, const char *fmt, ...)
{
	va_list ap;

	pv.lines = xreallocarray(pv.lines, (size_t)pv.n + 1,
	    sizeof(*pv.lines));
	va_start(ap, fmt);
	pv.lines[pv.n].text = xvasprintf_str(fmt, ap);
	va_end(ap);
	pv.lines[pv.n].color = c;
	pv.lines[pv.n].ref = ref;
	pv.n++;
}

static void
load_summary(struct tui *t, pid_t tid)
{
	struct procinfo_status st;
	struct procinfo_strv args = { NULL, 0 };
	char why[160], *err = NULL, *s;
	size_t i;

	cmd_status_why(t->proc, why, sizeof(why));
	pv.header = xstrfmt("pid %d: %s", (int)t->pid, why);
	if (procinfo_status_read(t->pid, tid, &st, &err) < 0) {
		add(TC_ERROR, -1, "status: %s", err);
		free(err);
		return;
	}
	add(TC_NORMAL, -1, "pid        %d", (int)st.pid);
	add(TC_NORMAL, -1, "ppid       %d", (int)st.ppid);
	add(TC_NORMAL, -1, "comm       %s", st.comm);
	if (procinfo_strv_read(tid, "cmdline", &args, NULL) == 0) {
		char *line = xstrdup("");

		for (i = 0; i < args.count; i++) {
			s = xstrfmt("%s%s%s", line, i > 0 ? " " : "",
			    args.v[i]);
			free(line);
			line = s;
		}
		add(TC_NORMAL, -1, "argv       %s", line);
		free(line);
		procinfo_strv_free(&args);
	}
	if ((s = procinfo_link(tid, "exe", NULL)) != NULL) {
		add(TC_NORMAL, -1, "exe        %s", s);
		free(s);
	}
	if ((s = procinfo_link(tid, "cwd", NULL)) != NULL) {
		add(TC_NORMAL, -1, "cwd        %s", s);
		free(s);
	}
	add(TC_NORMAL, -1, "uid        %u (effective %u)", st.uid[0],
	    st.uid[1]);
	add(TC_NORMAL, -1, "gid        %u (effective %u)", st.gid[0],
	    st.gid[1]);
	add(TC_NORMAL, -1, "lifetime   %" PRIu64 " ms", st.lifetime_ms);
	add(TC_NORMAL, -1, "cpu        user %" PRIu64 " ms, system %" PRIu64
	    " ms", st.utime_ms, st.stime_ms);
	add(TC_NORMAL, -1, "peak RSS   %" PRIu64 " kB", st.peak_rss_kb);
	add(TC_NORMAL, -1, "switches   %" PRIu64 " voluntary, %" PRIu64
	    " involuntary", st.vol_ctxt, st.nonvol_ctxt);
	add(TC_NORMAL, -1, "threads    %d", t->proc->nthreads);
	add(t->proc->state == PROC_PAUSED ? TC_CHANGED : TC_NORMAL, -1,
	    "state      %s", why);
}

/*
 * One descriptor in a line: flags without their O_ and without
 * O_LARGEFILE, which every 64-bit open has (the Enter pop-up has them
 * whole), the socket's addresses instead of socket:[inode].
 */
static void
fd_line(const struct procinfo_fd *d, char *buf, size_t len)
{
	char flags[160] = "-", pos[24] = "-", target[400];
	char *src, *dst;

	if (d->has_fdinfo) {
		procinfo_flags_str(d->flags, flags, sizeof(flags));
		for (src = dst = flags; *src != '\0'; )
			if (strncmp(src, "O_", 2) == 0)
				src += 2;
			else if (strncmp(src, "|O_LARGEFILE", 12) == 0)
				src += 12;
			else
				*dst++ = *src++;
		*dst = '\0';
		snprintf(pos, sizeof(pos), "%" PRIu64, d->pos);
	}
	if (d->has_sock) {
		const struct procinfo_sock *s = &d->sock;

		snprintf(target, sizeof(target), "%s %s%s%s%s%s", s->family,
		    s->type, s->local[0] ? " " : "", s->local,
		    s->peer[0] ? " -> " : "", s->peer);
		if (s->state != NULL)
			snprintf(target + strlen(target),
			    sizeof(target) - strlen(target), " %s", s->state);
		if (s->peer_inode != 0)
			snprintf(target + strlen(target),
			    sizeof(target) - strlen(target),
			    " peer socket:[%" PRIu64 "]", s->peer_inode);
	} else {
		snprintf(target, sizeof(target), "%s%s", d->target,
		    d->deleted ? " (deleted)" : "");
	}
	if (d->peer_pid != 0)
		snprintf(target + strlen(target), sizeof(target) -
		    strlen(target), " -> pid %d fd %d (%s)", (int)d->peer_pid,
		    d->peer_fd, d->peer_comm);
	if (d->ptinspect)
		snprintf(target + strlen(target), sizeof(target) -
		    strlen(target), " [ptinspect's]");
	snprintf(buf, len, "%3d %-6s %9s %-18s %s", d->fd,
	    procinfo_fd_type_name(d->type), pos, flags, target);
}

static void
load_files(struct tui *t, pid_t tid)
{
	pid_t *peers = NULL;
	size_t npeers = 0;
	char *err = NULL, line[600];

	/* Pipes and sockets held by another traced process name it. */
	for (struct proc *q = tui_procs(t); q != NULL; q = q->next) {
		if (q == t->proc || q->state == PROC_GONE)
			continue;
		peers = xreallocarray(peers, npeers + 1, sizeof(*peers));
		peers[npeers++] = q->pid;
	}
	procinfo_fds_free(&pv.fds);
	if (procinfo_fds_read(tid, peers, npeers, redirect_reserved_fd(),
	    &pv.fds, &err) < 0) {
		pv.header = xstrdup("open descriptors");
		add(TC_ERROR, -1, "fds: %s", err);
		free(err);
		free(peers);
		return;
	}
	free(peers);
	pv.header = xstrfmt("%3s %-6s %9s %-18s %s  (%zu open)", "FD",
	    "TYPE", "POS", "FLAGS", "TARGET", pv.fds.count);
	for (size_t i = 0; i < pv.fds.count; i++) {
		const struct procinfo_fd *d = &pv.fds.fds[i];

		fd_line(d, line, sizeof(line));
		add(d->deleted ? TC_ERROR : d->ptinspect ? TC_ZERO :
		    TC_NORMAL, (int)i, "%s", line);
	}
}

static void
load_env(pid_t tid)
{
	struct procinfo_strv env;
	char *err = NULL;

	if (procinfo_strv_read(tid, "environ", &env, &err) < 0) {
		pv.header = xstrdup("environment");
		add(TC_ERROR, -1, "environ: %s", err);
		free(err);
		return;
	}
	pv.header = xstrfmt("%zu variables (Enter shows one whole)",
	    env.count);
	for (size_t i = 0; i < env.count; i++)
		add(TC_NORMAL, -1, "%s", env.v[i]);
	procinfo_strv_free(&env);
}

static void
load_limits(pid_t tid)
{
	struct procinfo_limits lim;
	char *err = NULL;

	pv.header = xstrfmt("%-12s %20s %20s %s", "NAME", "SOFT", "HARD",
	    "UNITS");
	if (procinfo_limits_read(tid, &lim, &err) < 0) {
		add(TC_ERROR, -1, "limits: %s", err);
		free(err);
		return;
	}
	for (size_t i = 0; i < lim.count; i++) {
		const struct procinfo_limit *l = &lim.v[i];
		char soft[24], hard[24];

		snprintf(soft, sizeof(soft), l->soft_unlimited ?
		    "unlimited" : "%" PRIu64, l->soft);
		snprintf(hard, sizeof(hard), l->hard_unlimited ?
		    "unlimited" : "%" PRIu64, l->hard);
		add(TC_NORMAL, -1, "%-12s %20s %20s %s", l->name, soft, hard,
		    l->units);
	}
	procinfo_limits_free(&lim);
}

static void
load_signals(struct tui *t)
{
	struct procinfo_signals *sigs;
	size_t count;
	char *err = NULL;

	pv.header = xstrdup("per thread: SigPnd pending, ShdPnd shared "
	    "pending, SigBlk blocked, SigIgn ignored, SigCgt caught");
	if (procinfo_signals_read(t->pid, 0, &sigs, &count, &err) < 0) {
		add(TC_ERROR, -1, "signals: %s", err);
		free(err);
		return;
	}
	for (size_t i = 0; i < count; i++) {
		add(TC_TITLE, -1, "thread %d", (int)sigs[i].tid);
		for (int s = 0; s < PROCINFO_NSIGSETS; s++) {
			char names[800] = "", name[16];
			uint64_t m = sigs[i].mask[s];

			for (int sig = 1; sig <= 64; sig++)
				if (m & (1ULL << (sig - 1)))
					snprintf(names + strlen(names),
					    sizeof(names) - strlen(names),
					    " %s", procinfo_signal_name(sig,
					    name, sizeof(name)));
			add(m != 0 ? TC_NORMAL : TC_ZERO, -1, "  %-6s %016"
			    PRIx64 " %s", procinfo_sigset_field(s), m,
			    names[0] ? names + 1 : "-");
		}
	}
	free(sigs);
}

static void
load_proc(pid_t tid)
{
	char *err = NULL;

	if (pv.procdir == NULL)
		pv.procdir = xstrdup("");
	pv.header = xstrfmt("/proc/%d/%s  (Enter opens, Backspace goes up)",
	    (int)tid, pv.procdir);
	procinfo_file_free(&pv.dir);
	if (procinfo_file_read(tid, pv.procdir, &pv.dir, &err) < 0) {
		add(TC_ERROR, -1, "proc: %s", err);
		free(err);
		return;
	}
	if (pv.procdir[0] != '\0')
		add(TC_ZERO, -2, "../");
	for (size_t i = 0; i < pv.dir.count; i++) {
		const struct procinfo_entry *e = &pv.dir.entries[i];

		add(e->kind == 'd' ? TC_TITLE : e->kind == 'l' ? TC_ZERO :
		    TC_NORMAL, (int)i, "%s%s%s%s", e->name,
		    e->kind == 'd' ? "/" : "", e->link != NULL ? " -> " : "",
		    e->link != NULL ? e->link : "");
	}
}

/* A core's view: its command's text, errors included, a line each. */
static void
load_saved(struct tui *t)
{
	static const char *const cmds[V_COUNT] = {
		"status", "fds", "env", "limits", "signals", "proc",
	};
	struct cmd_ctx ctx;
	char *out = NULL, *line, *next;
	size_t len = 0;

	pv.header = xstrfmt("%s (`%s` on the %s)", view_names[pv.view],
	    cmds[pv.view], t->proc->snapshot != NULL ? "snapshot" : "core");
	tui_cmd_ctx(t, &ctx);
	if ((ctx.out = open_memstream(&out, &len)) == NULL)
		fatal("open_memstream");
	ctx.err = ctx.out;
	cmd_run(&ctx, cmds[pv.view]);
	fclose(ctx.out);
	for (line = out; line != NULL && *line != '\0'; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		add(TC_NORMAL, -1, "%s", line);
	}
	free(out);
}

/* Reads the view afresh; keeps the selection's index. */
static void
load(struct tui *t)
{
	uint64_t start = mono_ms();
	pid_t tid;

	lines_clear();
	pv.stale = false;
	pv.pid = t->pid;
	pv.loaded_ms = t->now_ms;
	if (t->proc == NULL || t->proc->state == PROC_GONE) {
		char why[160] = "not started";

		if (t->proc != NULL)
			cmd_status_why(t->proc, why, sizeof(why));
		pv.header = xstrfmt("pid %d: %s", (int)t->pid, why);
		add(TC_ZERO, -1, "/proc/%d is gone: nothing to show",
		    (int)t->pid);
		return;
	}
	if (t->proc->core != NULL) {
		load_saved(t);
		return;
	}
	tid = proc_access_tid(t->proc);
	switch (pv.view) {
	case V_SUMMARY:
		load_summary(t, tid);
		break;
	case V_FILES:
		load_files(t, tid);
		break;
	case V_ENV:
		load_env(tid);
		break;
	case V_LIMITS:
		load_limits(tid);
		break;
	case V_SIGNALS:
		load_signals(t);
		break;
	case V_PROC:
	case V_COUNT:
		load_proc(tid);
		break;
	}
	pv.cost_ms = mono_ms() - start;
}

static void
process_draw(struct tui *t, WINDOW *w, bool focused)
{
	int h = getmaxy(w);

	if (pv.stale || pv.pid != t->pid)
		load(t);
	pv.rows = h - 1;
	if (pv.sel >= pv.n)
		pv.sel = pv.n > 0 ? pv.n - 1 : 0;
	tui_put(w, 0, 0, tui_attr(t, TC_TITLE), pv.header != NULL ?
	    pv.header : "");
	pv.top = tui_scroll_to(pv.sel, pv.top, pv.rows);
	for (int y = 1; y < h && pv.top + y - 1 < pv.n; y++) {
		int i = pv.top + y - 1;
		attr_t a = tui_attr(t, pv.lines[i].color);

		if (i == pv.sel) {
			a = tui_attr(t, focused ? TC_CURSOR : TC_CURSOR_DIM);
			wattrset(w, a);
			mvwhline(w, y, 0, ' ', getmaxx(w));
		}
		tui_put(w, y, 0, a, skip_columns(pv.lines[i].text, pv.xoff));
	}
}

/* s past its first n columns (UTF-8: continuation bytes take none). */
static const char *
skip_columns(const char *s, int n)
{
	while (*s != '\0' && n > 0) {
		s++;
		while (((unsigned char)*s & 0xc0) == 0x80)
			s++;
		n--;
	}
	return s;
}

static void
process_title(struct tui *t, char *buf, size_t len)
{
	size_t n = 0;

	for (int v = 0; v < V_COUNT && n < len; v++)
		n += (size_t)snprintf(buf + n, len - n, v == (int)pv.view ?
		    "[%d %s] " : "%d %s ", v + 1, view_names[v]);
	if (n > 0 && n <= len)
		buf[n - 1] = '\0';
}

static void
process_event(struct tui *t, enum tui_event ev)
{
	uint64_t every = pv.cost_ms * 10;

	switch (ev) {
	case TUI_EV_PROC:
		pv.sel = pv.top = pv.xoff = 0;
		free(pv.procdir);
		pv.procdir = NULL;
		pv.stale = true;
		break;
	case TUI_EV_TICK:
		/* Live: a tenth of the time at most goes to reading /proc. */
		if (t->now_ms - pv.loaded_ms >= every)
			pv.stale = true;
		break;
	case TUI_EV_MAPS:
		break;
	default:
		pv.stale = true;
		break;
	}
}

/* The pop-up for Enter on a descriptor: everything known about it. */
static void
fd_details(struct tui *t, const struct procinfo_fd *d)
{
	char flags[200] = "-", pos[24] = "-", title[32], *text;

	if (d->has_fdinfo)
		procinfo_flags_str(d->flags, flags, sizeof(flags));
	snprintf(title, sizeof(title), "fd %d", d->fd);
	if (d->has_fdinfo)
		snprintf(pos, sizeof(pos), "%" PRIu64, d->pos);
	if (d->type == PROCINFO_FD_FILE)
		text = xstrfmt("path      %s%s\nposition  %s\n"
		    "flags     %s\ninode     %" PRIu64 "\n", d->target,
		    d->deleted ? " (deleted)" : "", pos, flags, d->inode);
	else
		text = xstrfmt("type      %s\ntarget    %s%s\nposition  %s\n"
		    "flags     %s\ninode     %" PRIu64 "\n",
		    procinfo_fd_type_name(d->type), d->target,
		    d->deleted ? " (deleted)" : "", pos, flags, d->inode);
	if (d->has_sock) {
		const struct procinfo_sock *s = &d->sock;
		char *more = xstrfmt("%ssocket    %s %s\nlocal     %s\n"
		    "peer      %s\nstate     %s\n", text, s->family, s->type,
		    s->local[0] ? s->local : "-", s->peer[0] ? s->peer : "-",
		    s->state != NULL ? s->state : "-");

		free(text);
		text = more;
	}
	if (d->peer_pid != 0) {
		char *more = xstrfmt("%sother end pid %d fd %d (%s)\n", text,
		    (int)d->peer_pid, d->peer_fd, d->peer_comm);

		free(text);
		text = more;
	}
	tui_popup(t, title, text);
	free(text);
}

/* hexdump -C: offset, 16 bytes, the printable ones. */
static char *
hexdump(const char *data, size_t len)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	if (f == NULL)
		fatal("open_memstream");
	hexdump_write(f, data, len);
	fclose(f);
	return buf;
}

/* Enter in the /proc browser: into a directory, or the file shown. */
static void
proc_open(struct tui *t, const struct procinfo_entry *e)
{
	struct procinfo_file f;
	char *name, *err = NULL, *text, *title;

	if (e->kind == 'l') {
		tui_msg(t, false, "%s: a link to %s (not followed)", e->name,
		    e->link != NULL ? e->link : "?");
		return;
	}
	name = pv.procdir[0] != '\0' ? xstrfmt("%s/%s", pv.procdir,
	    e->name) : xstrdup(e->name);
	if (e->kind == 'd') {
		free(pv.procdir);
		pv.procdir = name;
		pv.sel = pv.top = pv.xoff = 0;
		pv.stale = true;
		return;
	}
	if (procinfo_file_read(proc_access_tid(t->proc), name, &f, &err) <
	    0) {
		tui_msg(t, true, "%s", err);
		free(err);
		free(name);
		return;
	}
	title = xstrfmt("/proc/%d/%s%s%s", (int)t->pid, name,
	    f.truncated ? " (first 4 MiB)" : "",
	    procinfo_is_text(f.data, f.len) ? "" : " (hex)");
	if (f.len == 0)
		text = xstrdup("(empty)");
	else if (procinfo_is_text(f.data, f.len))
		text = xstrdup(f.data);
	else
		text = hexdump(f.data, f.len);
	tui_popup(t, title, text);
	free(text);
	free(title);
	free(name);
	procinfo_file_free(&f);
}

static void
proc_up(void)
{
	char *slash;

	if (pv.procdir == NULL || pv.procdir[0] == '\0')
		return;
	slash = strrchr(pv.procdir, '/');
	if (slash != NULL)
		*slash = '\0';
	else
		pv.procdir[0] = '\0';
	pv.sel = pv.top = pv.xoff = 0;
	pv.stale = true;
}

static enum pane_result
process_key(struct tui *t, int key)
{
	const struct pline *l = pv.sel < pv.n ? &pv.lines[pv.sel] : NULL;

	if (key >= '1' && key < '1' + V_COUNT) {
		pv.view = (enum view)(key - '1');
		pv.sel = pv.top = pv.xoff = 0;
		pv.stale = true;
		return PANE_REDRAW;
	}
	switch (key) {
	case 'P':		/* F11 and p: only the focus */
		return PANE_REDRAW;
	case KEY_RIGHT: case 'l':
	case KEY_LEFT: case 'h':
		pv.view = (enum view)((pv.view + (key == KEY_RIGHT ||
		    key == 'l' ? 1 : V_COUNT - 1)) % V_COUNT);
		pv.sel = pv.top = pv.xoff = 0;
		pv.stale = true;
		break;
	case '>': case KEY_SRIGHT:
		/* Not past the point where the longest line ends. */
		for (int i = 0; i < pv.n; i++)
			if ((int)strlen(pv.lines[i].text) > pv.xoff + 8) {
				pv.xoff += 8;
				break;
			}
		break;
	case '<': case KEY_SLEFT:
		pv.xoff = pv.xoff > 8 ? pv.xoff - 8 : 0;
		break;
	case KEY_DOWN: case 'j':
		pv.sel++;
		break;
	case KEY_UP: case 'k':
		pv.sel = pv.sel > 0 ? pv.sel - 1 : 0;
		break;
	case KEY_NPAGE: case ' ':
		pv.sel += pv.rows;
		break;
	case KEY_PPAGE: case 'b':
		pv.sel = pv.sel > pv.rows ? pv.sel - pv.rows : 0;
		break;
	case KEY_HOME: case 'g':
		pv.sel = 0;
		break;
	case KEY_END: case 'G':
		pv.sel = pv.n > 0 ? pv.n - 1 : 0;
		break;
	case 'r':
		pv.stale = true;
		break;
	case KEY_BACKSPACE: case 127: case 8: case 'u':
		if (pv.view != V_PROC)
			return PANE_IGNORED;
		proc_up();
		break;
	case '\r': case '\n': case KEY_ENTER:
		if (l == NULL)
			break;
		if (pv.view == V_FILES && l->ref >= 0 &&
		    (size_t)l->ref < pv.fds.count)
			fd_details(t, &pv.fds.fds[l->ref]);
		else if (pv.view == V_PROC && l->ref == -2)
			proc_up();
		else if (pv.view == V_PROC && l->ref >= 0 &&
		    (size_t)l->ref < pv.dir.count)
			proc_open(t, &pv.dir.entries[l->ref]);
		else
			tui_popup(t, view_names[pv.view], l->text);
		break;
	default:
		return PANE_IGNORED;
	}
	return PANE_REDRAW;
}

static enum pane_result
process_mouse(struct tui *t, int y, int x, mmask_t bstate)
{
	if (bstate & BUTTON4_PRESSED)
		return process_key(t, KEY_UP);
	if (bstate & BUTTON5_PRESSED)
		return process_key(t, KEY_DOWN);
	if (y >= 1 && pv.top + y - 1 < pv.n) {
		if (pv.sel == pv.top + y - 1)
			return process_key(t, '\n');
		pv.sel = pv.top + y - 1;
	}
	return PANE_REDRAW;
}

static const struct pane_key process_keys[] = {
	{ "p F11", "show this pane" },
	{ "1-6, Left Right", "Summary Files Env Limits Signals /proc" },
	{ "jk, PgUp PgDn", "select a line" },
	{ "< >", "scroll long lines left and right" },
	{ "Enter", "fd: path, position, flags; /proc: open" },
	{ "Backspace u", "/proc: the directory above" },
	{ "r", "read it again now" },
	{ NULL, NULL },
};

const struct pane_ops pane_process_ops = {
	.name = "Process",
	.draw = process_draw,
	.key = process_key,
	.mouse = process_mouse,
	.title = process_title,
	.event = process_event,
	.keys = process_keys,
};
