/*
 * cmd-list.c: `list [LOCATION]`, ten source lines around a line, as gdb's
 * `list` prints them ("34\t  code"): LOCATION is a function (its first
 * line), FILE:LINE, or by default the line of the selected frame (`frame`;
 * frame #0 at the selected thread's $rip). Line numbers come from the
 * process's symbol cache (unwind_lookup, symbols_find_*), the file from
 * source.h (the DWARF path, then the --source-dir directories).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/user.h>

#include "cmd-int.h"
#include "json.h"
#include "source.h"
#include "symbols.h"
#include "tracer.h"
#include "unwind.h"
#include "util.h"

#define LIST_LINES 10

static enum cmd_result cmd_list_exec(struct cmd_ctx *ctx, int argc,
    char **argv, const char *raw, char **errp);
static int cmd_list_locate(struct cmd_ctx *ctx, const char *loc, char **file,
    int *line, char **errp);
static int cmd_list_frame(struct cmd_ctx *ctx, char **file, int *line,
    char **errp);
static int cmd_list_print(struct cmd_ctx *ctx, const char *file, int line,
    char **errp);

const struct cmd_entry cmd_list_entry = {
	.name = "list",
	.args = "[FUNCTION|FILE:LINE]",
	.min_args = 0,
	.max_args = 1,
	.core_ok = true,
	.help = "source lines around $rip's line, a function or FILE:LINE",
	.exec = cmd_list_exec,
};

static enum cmd_result
cmd_list_exec(struct cmd_ctx *ctx, int argc, char **argv, const char *raw,
    char **errp)
{
	char *file = NULL;
	int line = 0, r;

	(void)raw;
	if (cmd_list_locate(ctx, argc == 2 ? argv[1] : NULL, &file, &line,
	    errp) < 0)
		return CMD_FAILED;
	r = cmd_list_print(ctx, file, line, errp);
	free(file);
	return r < 0 ? CMD_FAILED : CMD_OK;
}

/* The source file (as the debug information names it) and line of loc. */
static int
cmd_list_locate(struct cmd_ctx *ctx, const char *loc, char **file, int *line,
    char **errp)
{
	struct user_regs_struct regs;
	const struct sym_info *si;
	struct symbols *syms = unwind_symbols(ctx->proc);
	struct thread *t = ctx->thread;
	const char *colon = loc != NULL ? strrchr(loc, ':') : NULL;
	uint64_t addr, n;
	char *name;

	if (colon != NULL && cmd_parse_number(colon + 1, &n) == 0 && n > 0 &&
	    n <= INT32_MAX) {
		name = xstrndup(loc, (size_t)(colon - loc));
		*file = syms != NULL ? symbols_find_source(syms, name) : NULL;
		if (*file == NULL)
			*file = name;	/* on disk or in --source-dir */
		else
			free(name);
		*line = (int)n;
		return 0;
	}
	if (loc != NULL) {
		if (syms == NULL || !symbols_find_function(syms, loc, &addr))
			return set_error(errp, "%s: no such function", loc);
	} else if (ctx->frame > 0) {
		return cmd_list_frame(ctx, file, line, errp);
	} else {
		if (t == NULL)
			t = proc_main_thread(ctx->proc);
		if (t == NULL)
			return set_error(errp, "no thread");
		if (thread_program_regs(t, &regs, errp) < 0)
			return -1;
		addr = regs.rip;
	}
	si = unwind_lookup(ctx->proc, addr);
	if (si == NULL || si->file == NULL || si->line <= 0)
		return set_error(errp,
		    "0x%" PRIx64 "%s%s%s: no line information",
		    addr, si != NULL && si->function ? " (" : "",
		    si != NULL && si->function ? si->function : "",
		    si != NULL && si->function ? ")" : "");
	*file = xstrdup(si->file);
	*line = si->line;
	return 0;
}

/*
 * The line of the selected frame past #0: where its call is (the return
 * address looked up inside the call, as bt shows it).
 */
static int
cmd_list_frame(struct cmd_ctx *ctx, char **file, int *line, char **errp)
{
	struct backtrace bt;
	const struct frame *fr;
	int rc = 0;

	if (cmd_selected_frame(ctx, &bt, &fr, errp) < 0)
		return -1;
	if (fr->file == NULL || fr->line <= 0) {
		rc = set_error(errp, "frame #%u (0x%" PRIx64 "%s%s): no line "
		    "information", ctx->frame, fr->pc, fr->function ? " " : "",
		    fr->function ? fr->function : "");
	} else {
		*file = xstrdup(fr->file);
		*line = fr->line;
	}
	backtrace_free(&bt);
	return rc;
}

/* Lines line-5 .. line+4 of file, as gdb centres them. */
static int
cmd_list_print(struct cmd_ctx *ctx, const char *file, int line, char **errp)
{
	char *path = NULL, *text = NULL;
	size_t cap = 0;
	ssize_t len;
	int first = line > 5 ? line - 5 : 1, no = 0, shown = 0;
	struct json j;
	FILE *f;

	if ((f = source_open(file, &path, errp)) == NULL)
		return -1;
	if (ctx->json) {
		json_begin(&j, ctx->out, "list");
		json_put_str(&j, "file", path);
		json_put_int(&j, "line", line);
		json_open(&j, "lines", '[');
	}
	while ((len = getline(&text, &cap, f)) >= 0 &&
	    ++no < first + LIST_LINES) {
		if (no < first)
			continue;
		if (len > 0 && text[len - 1] == '\n')
			text[--len] = '\0';
		if (ctx->json) {
			json_open(&j, NULL, '{');
			json_put_int(&j, "line", no);
			json_put_str(&j, "text", text);
			json_close(&j);
		} else {
			fprintf(ctx->out, "%d\t%s\n", no, text);
		}
		shown++;
	}
	if (ctx->json)
		json_end(&j);
	free(text);
	fclose(f);
	if (shown == 0 && !ctx->json) {
		set_error(errp, "%s: line %d out of range (%d lines)", path,
		    line, no);
		free(path);
		return -1;
	}
	free(path);
	return 0;
}
