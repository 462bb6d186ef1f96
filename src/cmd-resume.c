/*
 * cmd-resume.c: `continue` lets the held exit or death happen with the
 * process's own status or signal; `kill` kills it with SIGKILL. Either
 * ends the command list for that process.
 */
#include "config.h"

#include <stdio.h>

#include "cmd-int.h"
#include "json.h"
#include "tracer.h"

static enum cmd_result cmd_continue_exec(struct cmd_ctx *ctx, int argc,
    char **argv, const char *raw, char **errp);
static enum cmd_result cmd_kill_exec(struct cmd_ctx *ctx, int argc,
    char **argv, const char *raw, char **errp);
static enum cmd_result cmd_resume_report(struct cmd_ctx *ctx,
    const char *name, const char *done);

const struct cmd_entry cmd_continue_entry = {
	.name = "continue",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.help = "let the exit (or the fatal signal) happen",
	.exec = cmd_continue_exec,
};

const struct cmd_entry cmd_kill_entry = {
	.name = "kill",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.help = "kill the process with SIGKILL",
	.exec = cmd_kill_exec,
};

static enum cmd_result
cmd_continue_exec(struct cmd_ctx *ctx, int argc, char **argv,
    const char *raw, char **errp)
{
	if (tracer_continue(ctx->tracer, ctx->proc, errp) < 0)
		return CMD_FAILED;
	return cmd_resume_report(ctx, "continue", "continued");
}

static enum cmd_result
cmd_kill_exec(struct cmd_ctx *ctx, int argc, char **argv, const char *raw,
    char **errp)
{
	if (tracer_kill(ctx->tracer, ctx->proc, errp) < 0)
		return CMD_FAILED;
	return cmd_resume_report(ctx, "kill", "killed");
}

static enum cmd_result
cmd_resume_report(struct cmd_ctx *ctx, const char *name, const char *done)
{
	struct json j;

	if (ctx->json) {
		json_begin(&j, ctx->out, name);
		json_put_int(&j, "pid", ctx->proc->pid);
		json_end(&j);
	} else {
		fprintf(ctx->out, "pid %d: %s\n", (int)ctx->proc->pid, done);
	}
	return CMD_RESUMED;
}
