/*
 * cmd-bt.c: `bt [TID|all]`, the backtrace of the selected thread, of thread
 * TID, or of every thread (by increasing tid), through unwind.h.
 *
 * Text, like gdb's, one line per frame:
 *	#0  0x0000555555555139 in crash_here+0x10 (p=0x0) (crash.c:12)
 *	#1  0x00007f0e2c23c1ca in __libc_start_call_main+0x7a (libc.so.6)
 * with the arguments as gdb shows them for a function with debug
 * information (unwind_frame_args), file:line when known, else the
 * module; "??" for an unknown function; "NAME [inlined]" for a call
 * inlined into the next frame; the functions that jumped to the next
 * frame (tail calls) as gdb shows them; " <signal handler called>" after
 * the signal trampoline's frame; a `thread TID:` header per thread for
 * `all`; and a last line saying why when the stack is truncated.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-int.h"
#include "json.h"
#include "tracer.h"
#include "unwind.h"
#include "util.h"

static enum cmd_result cmd_bt_exec(struct cmd_ctx *ctx, int argc,
    char **argv, const char *raw, char **errp);
static enum cmd_result cmd_bt_all(struct cmd_ctx *ctx);
static int cmd_bt_tid_cmp(const void *a, const void *b);
static void cmd_bt_text(struct cmd_ctx *ctx, const struct backtrace *bt);
static void cmd_bt_json(struct cmd_ctx *ctx, struct json *j,
    const struct backtrace *bt, const char *error);
static const char *cmd_bt_basename(const char *path);

const struct cmd_entry cmd_bt_entry = {
	.name = "bt",
	.args = "[TID|all]",
	.min_args = 0,
	.max_args = 1,
	.core_ok = true,
	.help = "backtrace of the selected thread, thread TID, or every thread",
	.exec = cmd_bt_exec,
};

static enum cmd_result
cmd_bt_exec(struct cmd_ctx *ctx, int argc, char **argv, const char *raw,
    char **errp)
{
	struct thread *t = ctx->thread;
	struct backtrace bt;
	struct json j;
	uint64_t tid;

	if (argc == 2 && strcmp(argv[1], "all") == 0)
		return cmd_bt_all(ctx);
	if (argc == 2) {
		if (cmd_parse_number(argv[1], &tid) < 0 || tid > INT32_MAX ||
		    (t = proc_find_thread(ctx->proc, (pid_t)tid)) == NULL) {
			set_error(errp, "%s: no such thread", argv[1]);
			return CMD_FAILED;
		}
	}
	if (t == NULL)
		t = proc_main_thread(ctx->proc);
	if (t == NULL) {
		set_error(errp, "no thread");
		return CMD_FAILED;
	}
	if (unwind_thread(ctx->proc, t, &bt, errp) < 0)
		return CMD_FAILED;
	if (ctx->json) {
		json_begin(&j, ctx->out, "bt");
		json_open(&j, "threads", '[');
		cmd_bt_json(ctx, &j, &bt, NULL);
		json_end(&j);
	} else {
		cmd_bt_text(ctx, &bt);
	}
	backtrace_free(&bt);
	return CMD_OK;
}

/* Every thread, by increasing tid; one that cannot be unwound says why. */
static enum cmd_result
cmd_bt_all(struct cmd_ctx *ctx)
{
	struct thread *t, **threads;
	struct backtrace bt;
	struct json j;
	size_t n = 0, i;
	char *err;

	for (t = ctx->proc->threads; t != NULL; t = t->next)
		n++;
	threads = xreallocarray(NULL, n + 1, sizeof *threads);
	n = 0;
	for (t = ctx->proc->threads; t != NULL; t = t->next)
		threads[n++] = t;
	qsort(threads, n, sizeof *threads, cmd_bt_tid_cmp);
	if (ctx->json) {
		json_begin(&j, ctx->out, "bt");
		json_open(&j, "threads", '[');
	}
	for (i = 0; i < n; i++) {
		err = NULL;
		unwind_thread(ctx->proc, threads[i], &bt, &err);
		if (ctx->json) {
			cmd_bt_json(ctx, &j, &bt, err);
		} else {
			fprintf(ctx->out, "%sthread %d:\n", i > 0 ? "\n" : "",
			    (int)threads[i]->tid);
			if (err != NULL)
				fprintf(ctx->out, "%s\n", err);
			else
				cmd_bt_text(ctx, &bt);
		}
		backtrace_free(&bt);
		free(err);
	}
	if (ctx->json)
		json_end(&j);
	free(threads);
	return CMD_OK;
}

static int
cmd_bt_tid_cmp(const void *a, const void *b)
{
	pid_t x = (*(struct thread *const *)a)->tid;
	pid_t y = (*(struct thread *const *)b)->tid;

	return x < y ? -1 : x > y;
}

static void
cmd_bt_text(struct cmd_ctx *ctx, const struct backtrace *bt)
{
	const struct frame *fr;
	FILE *f = ctx->out;
	char args[1024];
	size_t i;

	for (i = 0; i < bt->count; i++) {
		fr = &bt->frames[i];
		fprintf(f, "#%-2zu 0x%016" PRIx64 " in ", i, fr->pc);
		if (fr->function != NULL && fr->inlined)
			fprintf(f, "%s [inlined]", fr->function);
		else if (fr->function != NULL)
			fprintf(f, "%s+0x%" PRIx64, fr->function, fr->offset);
		else
			fputs("??", f);
		if (unwind_frame_args(ctx->proc, bt, i, args, sizeof args))
			fprintf(f, " (%s)", args);
		if (fr->file != NULL && fr->line > 0)
			fprintf(f, " (%s:%d)", cmd_bt_basename(fr->file),
			    fr->line);
		else if (fr->module != NULL)
			fprintf(f, " (%s)", cmd_bt_basename(fr->module));
		if (fr->signal_frame)
			fputs(" <signal handler called>", f);
		putc('\n', f);
	}
	if (bt->truncated)
		fprintf(f, "backtrace truncated: %s\n", bt->error);
}

/*
 * One element of "threads": the keys, plus "inlined", "tailcall"
 * and "module" per frame and "truncated" (and "error" saying why, or why
 * there are no frames).
 */
static void
cmd_bt_json(struct cmd_ctx *ctx, struct json *j, const struct backtrace *bt,
    const char *error)
{
	const struct frame *fr;
	char args[1024];
	size_t i;

	json_open(j, NULL, '{');
	json_put_int(j, "tid", bt->tid);
	json_open(j, "frames", '[');
	for (i = 0; error == NULL && i < bt->count; i++) {
		fr = &bt->frames[i];
		json_open(j, NULL, '{');
		json_put_addr(j, "pc", fr->pc);
		json_put_str(j, "function", fr->function);
		json_put_uint(j, "offset", fr->offset);
		json_put_str(j, "file", fr->file);
		if (fr->line > 0)
			json_put_int(j, "line", fr->line);
		else
			json_put_null(j, "line");
		json_put_bool(j, "signal_frame", fr->signal_frame);
		json_put_bool(j, "inlined", fr->inlined);
		json_put_bool(j, "tailcall", fr->tailcall);
		json_put_str(j, "module", fr->module);
		json_put_str(j, "args", unwind_frame_args(ctx->proc, bt, i,
		    args, sizeof args) ? args : NULL);
		json_close(j);
	}
	json_close(j);
	json_put_bool(j, "truncated", error != NULL || bt->truncated);
	if (error != NULL || bt->truncated)
		json_put_str(j, "error", error != NULL ? error : bt->error);
	json_close(j);
}

static const char *
cmd_bt_basename(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash != NULL ? slash + 1 : path;
}
