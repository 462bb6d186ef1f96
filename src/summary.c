/*
 * summary.c: the lifetime and the end of each traced process, for
 * --summary. A process's start is when the tracer first lists it (the
 * root: when the summary was made, just before the spawn forks it), or,
 * when /proc/PID/stat says it started two clock ticks or more before that
 * (ptinspect was busy: a long `hold` or `shell` at another pause), the
 * start /proc gives, to the tick. Its end is when it is first seen held
 * at its exit, let go, or reaped: a process held at its exit does not
 * age while commands run on it. Times are CLOCK_BOOTTIME milliseconds,
 * the clock /proc's start times count in.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "procinfo.h"
#include "summary.h"
#include "tracer.h"
#include "util.h"

struct summary_entry {
	pid_t pid, ppid;
	char comm[32];
	uint64_t start_ms, end_ms;
	bool ended;
	bool gone;
	int wait_status;
	size_t order;		/* when it was seen ending */
};

/* A process not seen gone yet, and its entry (an index of v). */
struct summary_open {
	const struct proc *p;
	size_t i;
};

/*
 * The tracer lists every process it has seen, gone ones too, and only
 * appends: an update looks at the processes listed since the last one
 * and at those not gone yet, never at the whole list. (A walk of it all,
 * with a search of the entries by pid for each, at every event, took
 * ptinspect's own time on 3,000 runs of /bin/true from 2.6 s to 36 s.)
 */
struct summary {
	struct summary_entry *v;	/* one per process, as listed */
	size_t count;
	size_t nended;
	uint64_t created_ms;	/* summary_new: just before the spawn */
	struct summary_open *open;
	size_t nopen, open_cap;
	const struct proc *last;	/* listed last at the last update */
};

static uint64_t boot_ms(void);
static void summary_add(struct summary *s, const struct proc *p,
    uint64_t now, long tick);
static int summary_cmp(const void *a, const void *b);

static uint64_t
boot_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct summary *
summary_new(void)
{
	struct summary *s = xcalloc(1, sizeof(*s));

	s->created_ms = boot_ms();
	return s;
}

/* A new entry for p, first seen now, and p among the open ones. */
static void
summary_add(struct summary *s, const struct proc *p, uint64_t now, long tick)
{
	struct summary_entry *e;
	struct procinfo_status st;

	s->v = xreallocarray(s->v, s->count + 1, sizeof(*s->v));
	e = &s->v[s->count];
	memset(e, 0, sizeof(*e));
	e->pid = p->pid;
	e->ppid = p->parent_pid;
	/* The root was forked by the spawn: it began then. */
	e->start_ms = p->is_root ? s->created_ms : now;
	if (p->state != PROC_GONE &&
	    procinfo_status_read(p->pid, p->pid, &st, NULL) == 0) {
		/*
		 * The tracer's parent_pid is 0 when a child's first stop
		 * overtook its parent's fork event: /proc knows.
		 */
		if (!p->is_root)
			e->ppid = st.ppid;
		/*
		 * /proc's start is floored to a tick: past two ticks it is
		 * the nearer of the two.
		 */
		if (st.lifetime_ms > 2 * (uint64_t)tick &&
		    st.lifetime_ms < now)
			e->start_ms = now - st.lifetime_ms;
	}
	if (s->nopen == s->open_cap) {
		s->open_cap = s->open_cap != 0 ? s->open_cap * 2 : 16;
		s->open = xreallocarray(s->open, s->open_cap,
		    sizeof(*s->open));
	}
	s->open[s->nopen++] = (struct summary_open){ p, s->count++ };
}

void
summary_update(struct summary *s, struct tracer *tr)
{
	uint64_t now = boot_ms();
	long tick = 1000 / (sysconf(_SC_CLK_TCK) > 0 ?
	    sysconf(_SC_CLK_TCK) : 100);
	const struct proc *p;
	struct summary_entry *e;
	size_t k;

	for (p = s->last != NULL ? s->last->next : tracer_procs(tr);
	    p != NULL; p = p->next) {
		summary_add(s, p, now, tick);
		s->last = p;
	}
	for (k = 0; k < s->nopen; ) {
		p = s->open[k].p;
		e = &s->v[s->open[k].i];
		snprintf(e->comm, sizeof(e->comm), "%s", p->comm);
		if (!e->ended && (p->state == PROC_PAUSED ||
		    p->state == PROC_RELEASED || p->state == PROC_GONE)) {
			e->ended = true;
			e->end_ms = now;
			e->order = s->nended++;
		}
		if (p->state != PROC_GONE) {
			k++;
			continue;
		}
		e->gone = true;
		e->wait_status = p->wait_status;
		s->open[k] = s->open[--s->nopen];
	}
}

static int
summary_cmp(const void *a, const void *b)
{
	const struct summary_entry *x = a, *y = b;

	if (x->ended != y->ended)
		return x->ended ? -1 : 1;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

void
summary_print(const struct summary *s, FILE *f, bool json, pid_t root_ppid)
{
	struct summary_entry *v = xreallocarray(NULL, s->count + 1,
	    sizeof(*v));

	memcpy(v, s->v, s->count * sizeof(*v));
	qsort(v, s->count, sizeof(*v), summary_cmp);
	if (!json)
		fprintf(f, "%-7s %-7s %-16s %11s %s\n", "PID", "PPID", "COMM",
		    "LIFETIME_MS", "EXIT");
	for (size_t i = 0; i < s->count; i++) {
		const struct summary_entry *e = &v[i];
		uint64_t ms = e->ended ? e->end_ms - e->start_ms : 0;
		pid_t ppid = e->ppid != 0 ? e->ppid : root_ppid;
		const char *sig = NULL;
		char how[48] = "?";

		if (e->gone && WIFSIGNALED(e->wait_status)) {
			sig = signal_name(WTERMSIG(e->wait_status));
			snprintf(how, sizeof(how), "%s%s", sig != NULL ? sig :
			    "signal", WCOREDUMP(e->wait_status) ?
			    " (core dumped)" : "");
		} else if (e->gone) {
			snprintf(how, sizeof(how), "exit %d",
			    WEXITSTATUS(e->wait_status));
		}
		if (!json) {
			fprintf(f, "%-7d %-7d %-16s %11" PRIu64 " %s\n",
			    (int)e->pid, (int)ppid, e->comm, ms, how);
			continue;
		}
		fprintf(f, "{\"cmd\":\"summary\",\"pid\":%d,\"ppid\":%d,"
		    "\"comm\":", (int)e->pid, (int)ppid);
		json_str(f, e->comm);
		fprintf(f, ",\"lifetime_ms\":%" PRIu64, ms);
		if (e->gone && WIFEXITED(e->wait_status))
			fprintf(f, ",\"exit_code\":%d,\"signal\":null",
			    WEXITSTATUS(e->wait_status));
		else if (e->gone)
			fprintf(f, ",\"exit_code\":null,\"signal\":\"%s\"",
			    sig != NULL ? sig : "?");
		else
			fputs(",\"exit_code\":null,\"signal\":null", f);
		fputs("}\n", f);
	}
	free(v);
	fflush(f);
}

void
summary_free(struct summary *s)
{
	if (s == NULL)
		return;
	free(s->v);
	free(s->open);
	free(s);
}
