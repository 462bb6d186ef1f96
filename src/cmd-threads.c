/*
 * cmd-threads.c: `threads`, every thread of the process with its name
 * (/proc/PID/task/TID/comm), whether ptinspect holds it, and its pc. The
 * selected thread is marked with '*' in text form.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/user.h>

#include "cmd-int.h"
#include "json.h"
#include "tracer.h"
#include "util.h"

static enum cmd_result cmd_threads_exec(struct cmd_ctx *ctx, int argc,
    char **argv, const char *raw, char **errp);
static char *cmd_threads_name(const struct thread *t);

const struct cmd_entry cmd_threads_entry = {
	.name = "threads",
	.args = "",
	.help = "threads: TID, name, held or running, pc",
	.exec = cmd_threads_exec,
};

static enum cmd_result
cmd_threads_exec(struct cmd_ctx *ctx, int argc, char **argv,
    const char *raw, char **errp)
{
	struct thread *t;
	FILE *f = ctx->out;

	if (argc != 1)
		return cmd_usage(&cmd_threads_entry, errp);
	if (ctx->json)
		fputs("{\"cmd\":\"threads\",\"threads\":[", f);
	for (t = ctx->proc->threads; t != NULL; t = t->next) {
		struct user_regs_struct regs;
		bool have_pc = t->stopped &&
		    thread_get_regs(t, &regs, NULL) == 0;
		const char *state = t->stopped ? "held" : "running";
		char *name = cmd_threads_name(t);

		if (ctx->json) {
			fprintf(f, "%s{\"tid\":%d,\"name\":",
			    t == ctx->proc->threads ? "" : ",", (int)t->tid);
			json_str(f, name);
			fprintf(f, ",\"state\":\"%s\",\"pc\":", state);
			if (have_pc)
				json_addr(f, regs.rip);
			else
				fputs("null", f);
			putc('}', f);
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
		fputs("]}\n", f);
	return CMD_OK;
}

/* The thread's comm without its newline, "" when it cannot be read. */
static char *
cmd_threads_name(const struct thread *t)
{
	char path[64], *name;

	snprintf(path, sizeof path, "/proc/%d/task/%d/comm",
	    (int)t->proc->pid, (int)t->tid);
	name = read_file_str(path, NULL);
	if (name == NULL)
		return xstrdup("");
	name[strcspn(name, "\n")] = '\0';
	return name;
}
