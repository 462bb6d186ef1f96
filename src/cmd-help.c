/*
 * cmd-help.c: `help [COMMAND]`, the commands of the table with their
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
static void cmd_help_one(struct cmd_ctx *ctx, struct json *j,
    const struct cmd_entry *e);

const struct cmd_entry cmd_help_entry = {
	.name = "help",
	.args = "[COMMAND]",
	.min_args = 0,
	.max_args = 1,
	.core_ok = true,
	.help = "list the commands, or describe one",
	.exec = cmd_help_exec,
};

static enum cmd_result
cmd_help_exec(struct cmd_ctx *ctx, int argc, char **argv, const char *raw,
    char **errp)
{
	const struct cmd_entry *const *e;
	const struct cmd_entry *only = NULL;
	struct json j;

	if (argc == 2) {
		for (e = ctx->table; *e != NULL && only == NULL; e++)
			if (strcmp((*e)->name, argv[1]) == 0)
				only = *e;
		if (only == NULL) {
			set_error(errp, "%s: unknown command", argv[1]);
			return CMD_FAILED;
		}
	}
	if (ctx->json) {
		json_begin(&j, ctx->out, "help");
		json_open(&j, "commands", '[');
	}
	if (only != NULL)
		cmd_help_one(ctx, &j, only);
	else
		for (e = ctx->table; *e != NULL; e++)
			cmd_help_one(ctx, &j, *e);
	if (ctx->json)
		json_end(&j);
	return CMD_OK;
}

/* One command: a text line, or an element of j's list with --json. */
static void
cmd_help_one(struct cmd_ctx *ctx, struct json *j, const struct cmd_entry *e)
{
	FILE *f = ctx->out;
	int width;

	if (!ctx->json) {
		width = fprintf(f, "%s%s%s", e->name, *e->args ? " " : "",
		    e->args);
		fprintf(f, "%*s%s\n", width < 20 ? 20 - width : 1, "", e->help);
		return;
	}
	json_open(j, NULL, '{');
	json_put_str(j, "name", e->name);
	json_put_str(j, "args", e->args);
	json_put_str(j, "help", e->help);
	json_close(j);
}
