/*
 * cmd-frame.c: `frame [N]`, `up [N]`, `down [N]`: select frame N of the
 * selected thread's backtrace (numbered as `bt` numbers them, inlined
 * calls and tail-call frames included) and print it as gdb prints a frame
 * line:
 *
 *	#3  0x00005561066e21cc in level_b (...) at bt-nested.c:49
 *	#6  0x00007f79f7d1724a in __libc_start_call_main () from libc.so.6
 *
 * The selection lives in struct cmd_ctx (ctx->frame); $registers (those
 * the unwinder recovered for it), and `list` and `disas` without
 * arguments, then use that frame. Arguments
 * as `bt` shows them (unwind_frame_args); "(...)" for an inlined call,
 * whose arguments are not read, "()" as gdb for a function without line
 * information.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-int.h"
#include "json.h"
#include "unwind.h"
#include "util.h"

static enum cmd_result cmd_frame_exec(struct cmd_ctx *ctx, int argc,
    char **argv, const char *raw, char **errp);
static enum cmd_result cmd_frame_move(struct cmd_ctx *ctx, int argc,
    char **argv, int dir, char **errp);
static enum cmd_result cmd_frame_up(struct cmd_ctx *ctx, int argc,
    char **argv, const char *raw, char **errp);
static enum cmd_result cmd_frame_down(struct cmd_ctx *ctx, int argc,
    char **argv, const char *raw, char **errp);
static int cmd_frame_count(const char *s, uint64_t *n, char **errp);
static enum cmd_result cmd_frame_show(struct cmd_ctx *ctx, unsigned n,
    char **errp);
static const char *cmd_frame_basename(const char *path);

const struct cmd_entry cmd_frame_entry = {
	.name = "frame",
	.args = "[N]",
	.min_args = 0,
	.max_args = 1,
	.core_ok = true,
	.help = "select frame N of the selected thread (for $pc, $sp, list, "
	    "disas)",
	.exec = cmd_frame_exec,
};

const struct cmd_entry cmd_up_entry = {
	.name = "up",
	.args = "[N]",
	.min_args = 0,
	.max_args = 1,
	.core_ok = true,
	.help = "select the frame N (1) calls out from the selected one",
	.exec = cmd_frame_up,
};

const struct cmd_entry cmd_down_entry = {
	.name = "down",
	.args = "[N]",
	.min_args = 0,
	.max_args = 1,
	.core_ok = true,
	.help = "select the frame N (1) calls in from the selected one",
	.exec = cmd_frame_down,
};

static enum cmd_result
cmd_frame_exec(struct cmd_ctx *ctx, int argc, char **argv, const char *raw,
    char **errp)
{
	uint64_t n = ctx->frame;

	(void)raw;
	if (argc == 2 && cmd_frame_count(argv[1], &n, errp) < 0)
		return CMD_FAILED;
	return cmd_frame_show(ctx, (unsigned)n, errp);
}

static enum cmd_result
cmd_frame_up(struct cmd_ctx *ctx, int argc, char **argv, const char *raw,
    char **errp)
{
	(void)raw;
	return cmd_frame_move(ctx, argc, argv, 1, errp);
}

static enum cmd_result
cmd_frame_down(struct cmd_ctx *ctx, int argc, char **argv, const char *raw,
    char **errp)
{
	(void)raw;
	return cmd_frame_move(ctx, argc, argv, -1, errp);
}

/*
 * up (dir 1) or down (-1) by N frames, stopping at the outermost or
 * innermost frame as gdb does, and failing only when already there.
 */
static enum cmd_result
cmd_frame_move(struct cmd_ctx *ctx, int argc, char **argv, int dir,
    char **errp)
{
	struct backtrace bt;
	const struct frame *fr;
	uint64_t n = 1, to;
	size_t count;
	unsigned saved = ctx->frame;

	if (argc == 2 && cmd_frame_count(argv[1], &n, errp) < 0)
		return CMD_FAILED;
	ctx->frame = 0;
	if (cmd_selected_frame(ctx, &bt, &fr, errp) < 0) {
		ctx->frame = saved;
		return CMD_FAILED;
	}
	count = bt.count;
	backtrace_free(&bt);
	ctx->frame = saved < count ? saved : (unsigned)(count - 1);
	if (dir > 0 && ctx->frame + 1 >= count) {
		set_error(errp, "initial frame selected; you cannot go up");
		return CMD_FAILED;
	}
	if (dir < 0 && ctx->frame == 0) {
		set_error(errp, "bottom (innermost) frame selected; you cannot "
		    "go down");
		return CMD_FAILED;
	}
	if (dir > 0)
		to = n >= count - ctx->frame ? count - 1 : ctx->frame + n;
	else
		to = n >= ctx->frame ? 0 : ctx->frame - n;
	return cmd_frame_show(ctx, (unsigned)to, errp);
}

static int
cmd_frame_count(const char *s, uint64_t *n, char **errp)
{
	if (cmd_parse_number(s, n) < 0 || *n >= UNWIND_MAX_FRAMES * 4)
		return set_error(errp, "%s: not a frame number", s);
	return 0;
}

/* Selects frame n (when it exists) and prints it. */
static enum cmd_result
cmd_frame_show(struct cmd_ctx *ctx, unsigned n, char **errp)
{
	struct backtrace bt;
	const struct frame *fr;
	unsigned saved = ctx->frame;
	struct json j;
	FILE *f = ctx->out;
	char args[1024];
	bool has_args;

	ctx->frame = n;
	if (cmd_selected_frame(ctx, &bt, &fr, errp) < 0) {
		ctx->frame = saved;
		return CMD_FAILED;
	}
	has_args = unwind_frame_args(ctx->proc, &bt, n, args, sizeof args);
	if (ctx->json) {
		json_begin(&j, f, "frame");
		json_put_uint(&j, "frame", n);
		json_put_addr(&j, "pc", fr->pc);
		json_put_addr(&j, "sp", fr->sp);
		if (fr->cfa != 0)
			json_put_addr(&j, "cfa", fr->cfa);
		else
			json_put_null(&j, "cfa");
		json_put_str(&j, "function", fr->function);
		json_put_uint(&j, "offset", fr->offset);
		json_put_str(&j, "file", fr->file);
		if (fr->line > 0)
			json_put_int(&j, "line", fr->line);
		else
			json_put_null(&j, "line");
		json_put_str(&j, "module", fr->module);
		json_put_bool(&j, "inlined", fr->inlined);
		json_put_bool(&j, "tailcall", fr->tailcall);
		json_put_str(&j, "args", has_args ? args : NULL);
		json_end(&j);
	} else {
		fprintf(f, "#%-2u 0x%016" PRIx64 " in %s", n, fr->pc,
		    fr->function != NULL ? fr->function : "??");
		if (fr->file != NULL && fr->line > 0)
			fprintf(f, " (%s) at %s:%d\n", has_args ? args : "...",
			    cmd_frame_basename(fr->file), fr->line);
		else if (fr->module != NULL)
			fprintf(f, " () from %s\n", fr->module);
		else
			fputs(" ()\n", f);
	}
	backtrace_free(&bt);
	return CMD_OK;
}

static const char *
cmd_frame_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}
