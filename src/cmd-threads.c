/*
 * cmd-threads.c: `threads`, every thread of the process with its name
 * (/proc/PID/task/TID/comm, or a snapshot's copy), whether ptinspect holds
 * it, and its pc. The selected thread is marked with '*' in text form.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/user.h>

#include "cmd-int.h"
#include "json.h"
#include "snapshot-read.h"
#include "tracer.h"
#include "util.h"

static enum cmd_result cmd_threads_exec(struct cmd_ctx *ctx, int argc,
    char **argv, const char *raw, char **errp);
static int cmd_threads_cmp(const void *a, const void *b);

const struct cmd_entry cmd_threads_entry = {
	.name = "threads",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.core_ok = true,
	.help = "threads: TID, name, held or running, pc",
	.exec = cmd_threads_exec,
};

static enum cmd_result
cmd_threads_exec(struct cmd_ctx *ctx, int argc, char **argv,
    const char *raw, char **errp)
{
	struct thread **sorted, *t;
	FILE *f = ctx->out;
	struct json j;
	size_t n = 0, i;

	/* In tid order, so the output does not depend on the list's. */
	for (t = ctx->proc->threads; t != NULL; t = t->next)
		n++;
	sorted = xcalloc(n, sizeof *sorted);
	for (n = 0, t = ctx->proc->threads; t != NULL; t = t->next)
		sorted[n++] = t;
	qsort(sorted, n, sizeof *sorted, cmd_threads_cmp);
	if (ctx->json) {
		json_begin(&j, f, "threads");
		json_open(&j, "threads", '[');
	}
	for (i = 0; i < n; i++) {
		struct user_regs_struct regs;
		bool have_pc;
		const char *state;
		char *name;

		t = sorted[i];
		have_pc = t->stopped &&
		    thread_program_regs(t, &regs, NULL) == 0;
		state = t->stopped ? "held" : "running";
		if ((name = snapshot_thread_name(ctx->proc, t->tid)) == NULL)
			name = xstrdup("");
		if (ctx->json) {
			json_open(&j, NULL, '{');
			json_put_int(&j, "tid", t->tid);
			json_put_str(&j, "name", name);
			json_put_str(&j, "state", state);
			if (have_pc)
				json_put_addr(&j, "pc", regs.rip);
			else
				json_put_null(&j, "pc");
			json_close(&j);
		} else {
			fprintf(f, "%c %-7d %-16s %-7s ",
			    t == ctx->thread ? '*' : ' ', (int)t->tid, name,
			    state);
			if (have_pc)
				fprintf(f, "0x%" PRIx64 "\n",
				    (uint64_t)regs.rip);
			else
				fputs("-\n", f);
		}
		free(name);
	}
	if (ctx->json)
		json_end(&j);
	free(sorted);
	return CMD_OK;
}

static int
cmd_threads_cmp(const void *a, const void *b)
{
	const struct thread *ta = *(struct thread *const *)a;
	const struct thread *tb = *(struct thread *const *)b;

	return ta->tid < tb->tid ? -1 : ta->tid > tb->tid;
}
