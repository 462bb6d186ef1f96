/*
 * cmd-status.c: `status`, why the process is held and how many threads it
 * has: "pid 1234: paused at exit_group(42); 1 thread".
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <sys/wait.h>

#include "cmd-int.h"
#include "corefile.h"
#include "json.h"
#include "tracer.h"
#include "util.h"

static enum cmd_result cmd_status_exec(struct cmd_ctx *ctx, int argc,
    char **argv, const char *raw, char **errp);

const struct cmd_entry cmd_status_entry = {
	.name = "status",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.core_ok = true,
	.help = "why the process is paused, and its thread count",
	.exec = cmd_status_exec,
};

/* The "state" of status --json. */
static const char *
pause_reason_word(enum pause_reason why)
{
	switch (why) {
	case PAUSE_EXIT:
		return "exit";
	case PAUSE_SIGNAL:
		return "signal";
	case PAUSE_EXEC:
		return "exec";
	case PAUSE_TIMEOUT:
		return "timeout";
	case PAUSE_REQUEST:
		return "request";
	default:
		return "running";
	}
}

/*
 * What a core says of its process (NT_PRPSINFO), in place of the /proc
 * lines of a live one: to j, or as indented text lines on f.
 */
static void
cmd_status_core(const struct proc *p, struct json *j, FILE *f)
{
	const struct corefile *cf = p->core;

	if (j != NULL) {
		json_put_str(j, "core", cf->path);
		if (!cf->psinfo.present)
			return;
		json_put_int(j, "ppid", cf->psinfo.ppid);
		json_put_str(j, "comm", cf->psinfo.fname);
		json_put_str(j, "psargs", cf->psinfo.psargs);
		json_put_int(j, "uid", cf->psinfo.uid);
		json_put_int(j, "gid", cf->psinfo.gid);
		return;
	}
	fprintf(f, "  core %s\n", cf->path);
	if (cf->psinfo.present)
		fprintf(f, "  ppid %d, comm %s, uid %d, gid %d\n  args: %s\n",
		    (int)cf->psinfo.ppid, cf->psinfo.fname,
		    (int)cf->psinfo.uid, (int)cf->psinfo.gid,
		    cf->psinfo.psargs);
}

/*
 * Where p is and why, as `status` says it: "paused at exit_group(42)",
 * "paused before SIGSEGV (fault address 0x10)", "exited with status 1".
 */
void
cmd_status_why(const struct proc *p, char *buf, size_t len)
{
	const char *sig = p->reason == PAUSE_SIGNAL ? signal_name(p->signal) :
	    NULL;
	int n;

	if (p->core != NULL) {
		snprintf(buf, len, "core file, %s", sig ? sig : "no signal");
		return;
	}
	switch (p->state) {
	case PROC_RUNNING:
		snprintf(buf, len, "running");
		return;
	case PROC_PAUSING:
		snprintf(buf, len, "pausing");
		return;
	case PROC_RELEASED:
		snprintf(buf, len, "exiting");
		return;
	case PROC_GONE:
		if (WIFSIGNALED(p->wait_status))
			snprintf(buf, len, "killed by %s",
			    signal_name(WTERMSIG(p->wait_status)) ?
			    signal_name(WTERMSIG(p->wait_status)) : "a signal");
		else
			snprintf(buf, len, "exited with status %d",
			    WEXITSTATUS(p->wait_status));
		return;
	case PROC_PAUSED:
		break;
	}
	if (p->reason == PAUSE_EXIT && p->last_thread_exit)
		n = snprintf(buf, len, "paused at its last thread's exit(%d)",
		    p->exit_code);
	else if (p->reason == PAUSE_EXIT)
		n = snprintf(buf, len, "paused at exit_group(%d)",
		    p->exit_code);
	else if (p->reason == PAUSE_SIGNAL && sig != NULL)
		n = snprintf(buf, len, "paused before %s", sig);
	else if (p->reason == PAUSE_SIGNAL)
		n = snprintf(buf, len, "paused before signal %d", p->signal);
	else if (p->reason == PAUSE_EXEC)
		n = snprintf(buf, len,
		    "paused after exec, before its first instruction");
	else if (p->reason == PAUSE_TIMEOUT)
		n = snprintf(buf, len, "paused by --timeout");
	else
		n = snprintf(buf, len, "paused by request");
	if (p->reason == PAUSE_SIGNAL && p->has_fault_addr && n >= 0 &&
	    (size_t)n < len)
		snprintf(buf + n, len - (size_t)n,
		    " (fault address 0x%" PRIx64 ")", p->fault_addr);
}

static enum cmd_result
cmd_status_exec(struct cmd_ctx *ctx, int argc, char **argv, const char *raw,
    char **errp)
{
	struct proc *p = ctx->proc;
	const char *sig = p->reason == PAUSE_SIGNAL ? signal_name(p->signal) :
	    NULL;
	bool fault = p->reason == PAUSE_SIGNAL && p->has_fault_addr;
	FILE *f = ctx->out;
	char why[160];
	struct json j;

	if (ctx->json) {
		json_begin(&j, f, "status");
		json_put_int(&j, "pid", p->pid);
		json_put_str(&j, "state", p->core != NULL ? "core" :
		    pause_reason_word(p->reason));
		if (p->reason == PAUSE_EXIT) {
			json_put_int(&j, "exit_code", p->exit_code);
			json_put_str(&j, "exit_via", p->last_thread_exit ?
			    "last_thread" : "exit_group");
		} else {
			json_put_null(&j, "exit_code");
			json_put_null(&j, "exit_via");
		}
		json_put_str(&j, "signal", sig);
		if (fault)
			json_put_addr(&j, "fault_addr", p->fault_addr);
		else
			json_put_null(&j, "fault_addr");
		json_put_int(&j, "threads", p->nthreads);
		if (p->core != NULL)
			cmd_status_core(p, &j, NULL);
		if (p->core == NULL || p->snapshot != NULL)
			cmd_proc_status(ctx, &j);
		json_end(&j);
		return CMD_OK;
	}
	cmd_status_why(p, why, sizeof(why));
	fprintf(f, "pid %d: %s; %d thread%s\n", (int)p->pid, why, p->nthreads,
	    p->nthreads == 1 ? "" : "s");
	if (p->core != NULL)
		cmd_status_core(p, NULL, f);
	if (p->core == NULL || p->snapshot != NULL)
		cmd_proc_status(ctx, NULL);
	return CMD_OK;
}
