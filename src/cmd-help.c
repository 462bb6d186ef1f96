/*
 * cmd-help.c: `help [COMMAND]`, the commands of cmd_table with their
 * arguments and one line each.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cmd-int.h"
#include "json.h"
#include "util.h"

static enum cmd_result cmd_help_exec(struct cmd_ctx *ctx, int argc,
    char **argv, const char *raw, char **errp);
static void cmd_help_one(struct cmd_ctx *ctx, const struct cmd_entry *e,
    bool first);

const struct cmd_entry cmd_help_entry = {
	.name = "help",
	.args = "[COMMAND]",
	.min_args = 0,
	.max_args = 1,
	.help = "list the commands, or describe one",
	.exec = cmd_help_exec,
};

static enum cmd_result
cmd_help_exec(struct cmd_ctx *ctx, int argc, char **argv, const char *raw,
    char **errp)
{
	const struct cmd_entry *const *e;
	const struct cmd_entry *only = NULL;

	if (argc == 2 && (only = cmd_lookup(argv[1])) == NULL) {
		set_error(errp, "%s: unknown command", argv[1]);
		return CMD_FAILED;
	}
	if (ctx->json)
		fputs("{\"cmd\":\"help\",\"commands\":[", ctx->out);
	if (only != NULL)
		cmd_help_one(ctx, only, true);
	else
		for (e = cmd_table; *e != NULL; e++)
			cmd_help_one(ctx, *e, e == cmd_table);
	if (ctx->json)
		fputs("]}\n", ctx->out);
	return CMD_OK;
}

static void
cmd_help_one(struct cmd_ctx *ctx, const struct cmd_entry *e, bool first)
{
	FILE *f = ctx->out;
	int width;

	if (!ctx->json) {
		width = fprintf(f, "%s%s%s", e->name, *e->args ? " " : "",
		    e->args);
		fprintf(f, "%*s%s\n", width < 20 ? 20 - width : 1, "", e->help);
		return;
	}
	fputs(first ? "{\"name\":" : ",{\"name\":", f);
	json_str(f, e->name);
	fputs(",\"args\":", f);
	json_str(f, e->args);
	fputs(",\"help\":", f);
	json_str(f, e->help);
	putc('}', f);
}
