/*
 * cmd.c: the command language shared by batch mode and the TUI prompt:
 * the table of commands, the tokenizer, dispatch and error printing. What
 * the commands share for their arguments (addresses, DATA, numbers,
 * threads, the selected frame) is cmd-args.c's.
 *
 * A line is "NAME ARGS...". Arguments split at whitespace; "double quotes"
 * group and take C escapes (\n \t \r \a \b \e \f \v \\ \" \' \xNN \NNN,
 * \0), 'single quotes' group literally. Each command gets the split argv
 * and also the raw text after its name, for DATA that may hold NUL bytes.
 * Argument counts are checked here against what each entry declares
 * (min_args, max_args), so no command counts its own.
 * Errors print as "NAME: message" on ctx->err (after "FILE:LINE: " for a
 * line of a -x file), or with --json as
 * {"cmd":"NAME","error":"message"} on ctx->out; the caller goes on with the
 * next command either way.
 *
 * Commands live in cmd-NAME.c; the table below is the only list of them.
 * cmd_run hands it to them in ctx->table (help lists it), so no command
 * calls back into this file.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/user.h>

#include "cmd-int.h"
#include "expr.h"
#include "json.h"
#include "maps.h"
#include "mem.h"
#include "symbols.h"
#include "tracer.h"
#include "unwind.h"
#include "util.h"

/* The only list of commands; `help` prints them in this order. */
const struct cmd_entry *const cmd_table[] = {
	&cmd_status_entry,
	&cmd_maps_entry,
	&cmd_x_entry,
	&cmd_write_entry,
	&cmd_find_entry,
	&cmd_regs_entry,
	&cmd_threads_entry,
	&cmd_continue_entry,
	&cmd_kill_entry,
	&cmd_help_entry,
	&cmd_stats_entry,
	&cmd_bt_entry,
	&cmd_disas_entry,
	&cmd_sym_entry,
	&cmd_list_entry,
	&cmd_frame_entry,
	&cmd_up_entry,
	&cmd_down_entry,
	/* Variables by their DWARF types (cmd-print.c, cmd-set.c). */
	&cmd_print_entry,
	&cmd_p_entry,
	&cmd_locals_entry,
	&cmd_args_entry,
	&cmd_set_entry,
	/* The process as /proc shows it (cmd-proc.c, cmd-shell.c). */
	&cmd_fds_entry,
	&cmd_env_entry,
	&cmd_cmdline_entry,
	&cmd_cwd_entry,
	&cmd_exe_entry,
	&cmd_root_entry,
	&cmd_limits_entry,
	&cmd_signals_entry,
	&cmd_proc_entry,
	&cmd_shell_entry,
	&cmd_hold_entry,
	&cmd_gcore_entry,
	&cmd_save_entry,
	NULL,
};

/* Entries of cmd_table, the terminating NULL excluded. */
#define CMD_TABLE_LEN (ARRAY_SIZE(cmd_table) - 1)

struct cmd_args {
	int argc;
	char **argv;
};

static enum cmd_result cmd_run_entry(struct cmd_ctx *ctx,
    const struct cmd_entry *e, const char *line, const char *raw);
static bool cmd_argc_ok(const struct cmd_entry *e, int n);
static void cmd_usage(const struct cmd_entry *e, char **errp);
static int cmd_split(const char *s, struct cmd_args *args, char **errp);
static void cmd_args_free(struct cmd_args *args);
static void cmd_print_error(struct cmd_ctx *ctx, const char *name,
    const char *msg);

enum cmd_result
cmd_run(struct cmd_ctx *ctx, const char *line)
{
	const struct cmd_entry *e;
	enum cmd_result rc;
	const char *s = line, *name_end;
	char *name, *raw;
	size_t raw_len;

	ctx->table = cmd_table;
	ctx->run = cmd_run;
	while (cmd_space(*s))
		s++;
	if (*s == '\0' || *s == '#')
		return CMD_OK;
	for (name_end = s; *name_end != '\0' && !cmd_space(*name_end);
	    name_end++)
		;
	name = xstrndup(s, (size_t)(name_end - s));
	for (s = name_end; cmd_space(*s); s++)
		;
	raw_len = strlen(s);
	while (raw_len > 0 && cmd_space(s[raw_len - 1]))
		raw_len--;
	raw = xstrndup(s, raw_len);

	e = cmd_lookup(name);
	if (e == NULL) {
		cmd_print_error(ctx, name, "unknown command");
		rc = CMD_FAILED;
	} else if (ctx->proc == NULL && e != &cmd_help_entry) {
		cmd_print_error(ctx, name, "no process");
		rc = CMD_FAILED;
	} else {
		rc = cmd_run_entry(ctx, e, line, raw);
	}
	errno = 0;
	if ((fflush(ctx->out) == EOF || ferror(ctx->out)) &&
	    ctx->out_error == 0)
		ctx->out_error = errno != 0 ? errno : EIO;
	if (ctx->err != NULL)
		fflush(ctx->err);
	free(raw);
	free(name);
	return rc;
}

/*
 * Splits line, checks the argument count against what e declares, and
 * calls e->exec only when it fits; any error is printed under e's name.
 */
static enum cmd_result
cmd_run_entry(struct cmd_ctx *ctx, const struct cmd_entry *e,
    const char *line, const char *raw)
{
	struct cmd_args args = { 0, NULL };
	enum cmd_result rc = CMD_FAILED;
	char *err = NULL;

	if (cmd_split(line, &args, &err) < 0) {
		cmd_print_error(ctx, e->name, err);
	} else if (!cmd_argc_ok(e, args.argc - 1)) {
		cmd_usage(e, &err);
		cmd_print_error(ctx, e->name, err);
	} else if (ctx->proc != NULL && ctx->proc->core != NULL &&
	    !e->core_ok) {
		cmd_print_error(ctx, e->name, "not available for a core file "
		    "(it needs the live process)");
	} else {
		rc = e->exec(ctx, args.argc, args.argv, raw, &err);
		if (rc == CMD_FAILED && err != NULL)
			cmd_print_error(ctx, e->name, err);
	}
	cmd_args_free(&args);
	free(err);
	return rc;
}

const struct cmd_entry *
cmd_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < CMD_TABLE_LEN; i++)
		if (strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
	return NULL;
}

/* Whether n arguments after the name are within what e declares. */
static bool
cmd_argc_ok(const struct cmd_entry *e, int n)
{
	return n >= e->min_args && (e->max_args < 0 || n <= e->max_args);
}

/* Sets *errp to "usage: NAME ARGS". */
static void
cmd_usage(const struct cmd_entry *e, char **errp)
{
	set_error(errp, "usage: %s%s%s", e->name, *e->args ? " " : "",
	    e->args);
}

/* Splits a command line into words, honouring quotes and escapes. */
static int
cmd_split(const char *s, struct cmd_args *args, char **errp)
{
	size_t cap = 0;
	char *word = xmalloc(strlen(s) + 1);

	args->argc = 0;
	args->argv = NULL;
	for (;;) {
		size_t len = 0;
		char quote = 0;

		while (cmd_space(*s))
			s++;
		if (*s == '\0')
			break;
		while (*s != '\0' && (quote != 0 || !cmd_space(*s))) {
			if (quote == 0 && (*s == '"' || *s == '\'')) {
				quote = *s++;
			} else if (quote != 0 && *s == quote) {
				quote = 0;
				s++;
			} else if (quote == '"' && *s == '\\') {
				unsigned char c;

				s++;
				if (cmd_escape(&s, &c, errp) < 0)
					goto fail;
				word[len++] = (char)c;
			} else {
				word[len++] = *s++;
			}
		}
		if (quote != 0) {
			set_error(errp, "unterminated string");
			goto fail;
		}
		if ((size_t)args->argc + 1 >= cap) {
			cap = cap ? cap * 2 : 8;
			args->argv = xreallocarray(args->argv, cap,
			    sizeof *args->argv);
		}
		args->argv[args->argc++] = xstrndup(word, len);
		args->argv[args->argc] = NULL;
	}
	free(word);
	return 0;
fail:
	free(word);
	cmd_args_free(args);
	return -1;
}

static void
cmd_args_free(struct cmd_args *args)
{
	int i;

	for (i = 0; i < args->argc; i++)
		free(args->argv[i]);
	free(args->argv);
	args->argc = 0;
	args->argv = NULL;
}

static void
cmd_print_error(struct cmd_ctx *ctx, const char *name, const char *msg)
{
	if (ctx->json) {
		struct json j;

		json_begin(&j, ctx->out, name);
		json_put_str(&j, "error", msg);
		json_end(&j);
	} else {
		fprintf(ctx->err != NULL ? ctx->err : stderr, "%s%s%s: %s\n",
		    ctx->where != NULL ? ctx->where : "",
		    ctx->where != NULL ? ": " : "", name, msg);
	}
}
