/*
 * cmd-print.c: `print EXPR` (`p`), `locals` and `args`: the program's
 * variables as gdb prints them, through dwarf-value.h, in the selected
 * frame (`frame`, `up`, `down`) of the selected thread.
 *
 *	$1 = {name = 0x5555555592a0 "earth", next = 0x0}
 *
 * It also binds dwarf-value's environment to the process for `set var`
 * (cmd-set.c): memory through mem.h (so redirected regions, --no-redirect
 * and cores read alike), the symbol cache's libdwfl session, frame
 * registers and CFA from the unwinder (unwind_sym_frame), a core file's
 * (--core, --snapshot) as a live process's: its symbols and frames come
 * from libdwfl (unwind_symbols, coreunwind.c).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-int.h"
#include "dwarf-value.h"
#include "json.h"
#include "mem.h"
#include "symbols.h"
#include "tracer.h"
#include "unwind.h"
#include "util.h"

static enum cmd_result cmd_print_exec(struct cmd_ctx *ctx, int argc,
    char **argv, const char *raw, char **errp);
static enum cmd_result cmd_print_vars(struct cmd_ctx *ctx, int argc,
    char **argv, const char *raw, char **errp);
static long cmd_print_read(void *arg, uint64_t addr, void *buf, size_t len);
static int cmd_print_write(void *arg, uint64_t addr, const void *buf,
    size_t len, char **errp);
static bool cmd_print_symbolize(void *arg, uint64_t addr, char *buf,
    size_t len);
static bool cmd_print_symbol(void *arg, const char *name, uint64_t *addr);
static int cmd_print_reg(void *arg, const char *name, uint64_t *out,
    char **errp);
static void cmd_print_var(void *arg, const char *name, struct dwv_value *v);

/* gdb's value history number: $1, $2, ... for the whole session. */
static unsigned cmd_print_history;

const struct cmd_entry cmd_print_entry = {
	.name = "print",
	.args = "EXPR",
	.min_args = 1,
	.max_args = -1,
	.core_ok = true,
	.help = "a C expression over the program's variables, as gdb prints "
	    "it",
	.exec = cmd_print_exec,
};

const struct cmd_entry cmd_p_entry = {
	.name = "p",
	.args = "EXPR",
	.min_args = 1,
	.max_args = -1,
	.core_ok = true,
	.help = "the same as print",
	.exec = cmd_print_exec,
};

const struct cmd_entry cmd_locals_entry = {
	.name = "locals",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.core_ok = true,
	.help = "the local variables of the selected frame",
	.exec = cmd_print_vars,
};

const struct cmd_entry cmd_args_entry = {
	.name = "args",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.core_ok = true,
	.help = "the arguments of the selected frame",
	.exec = cmd_print_vars,
};

int
cmd_print_env(struct cmd_ctx *ctx, struct cmd_print_frame *pf,
    struct dwv_env *env, char **errp)
{
	const struct frame *fr;
	struct symbols *syms;

	memset(pf, 0, sizeof *pf);
	memset(env, 0, sizeof *env);
	pf->ctx = ctx;
	env->read = cmd_print_read;
	env->write = cmd_print_write;
	env->symbolize = cmd_print_symbolize;
	env->symbol = cmd_print_symbol;
	env->reg = cmd_print_reg;
	env->arg = pf;
	if ((syms = unwind_symbols(ctx->proc)) == NULL)
		return set_error(errp, "the program's symbols cannot be read");
	env->dwfl = symbols_dwfl(syms);
	env->index = symbols_cache_slot(syms, dwv_index_free);
	/* Without a frame, globals are still there. */
	if (cmd_selected_frame(ctx, &pf->bt, &fr, NULL) < 0)
		return 0;
	pf->have_bt = true;
	if (unwind_sym_frame(ctx->proc, &pf->bt, ctx->frame, &pf->sf,
	    pf->regs) != NULL)
		env->frame = &pf->sf;
	return 0;
}

void
cmd_print_env_free(struct cmd_print_frame *pf)
{
	if (pf->have_bt)
		backtrace_free(&pf->bt);
	pf->have_bt = false;
}

static enum cmd_result
cmd_print_exec(struct cmd_ctx *ctx, int argc, char **argv, const char *raw,
    char **errp)
{
	struct cmd_print_frame pf;
	struct dwv_env env;
	struct dwv_value *v;
	enum cmd_result rc = CMD_FAILED;
	struct json j;
	char *text = NULL, *tn;
	size_t len = 0;
	FILE *mf;

	(void)argc;
	(void)argv;
	if (cmd_print_env(ctx, &pf, &env, errp) < 0)
		goto out;
	if ((v = dwv_eval(&env, raw, errp)) == NULL)
		goto out;
	if ((mf = open_memstream(&text, &len)) == NULL)
		fatal("open_memstream");
	dwv_write_text(&env, v, mf, true);
	fclose(mf);
	cmd_print_history++;
	if (ctx->json) {
		tn = dwv_type_name(v);
		json_begin(&j, ctx->out, "print");
		json_put_str(&j, "expr", raw);
		json_put_uint(&j, "history", cmd_print_history);
		json_put_str(&j, "type", tn);
		json_put_str(&j, "text", text);
		fputs(",\"value\":", ctx->out);
		dwv_write_json(&env, v, ctx->out);
		json_end(&j);
		free(tn);
	} else {
		fprintf(ctx->out, "$%u = %s\n", cmd_print_history, text);
	}
	free(text);
	dwv_free(v);
	rc = CMD_OK;
out:
	cmd_print_env_free(&pf);
	return rc;
}

struct cmd_print_vars {
	struct cmd_ctx *ctx;
	const struct dwv_env *env;
	bool first;
};

static enum cmd_result
cmd_print_vars(struct cmd_ctx *ctx, int argc, char **argv, const char *raw,
    char **errp)
{
	struct cmd_print_frame pf;
	struct dwv_env env;
	struct cmd_print_vars q = { ctx, &env, true };
	enum cmd_result rc = CMD_FAILED;
	bool args = strcmp(argv[0], "args") == 0;
	struct json j;
	int n;

	(void)argc;
	(void)raw;
	if (cmd_print_env(ctx, &pf, &env, errp) < 0)
		goto out;
	if (env.frame == NULL) {
		set_error(errp, "frame %u: no frame to read variables of",
		    ctx->frame);
		goto out;
	}
	if (ctx->json) {
		json_begin(&j, ctx->out, argv[0]);
		json_put_uint(&j, "frame", ctx->frame);
		json_open(&j, "vars", '[');
	}
	n = dwv_frame_vars(&env, args, cmd_print_var, &q, errp);
	if (ctx->json) {
		json_end(&j);
	} else if (n == 0) {
		fputs(args ? "No arguments.\n" : "No locals.\n", ctx->out);
	}
	rc = n < 0 ? CMD_FAILED : CMD_OK;
out:
	cmd_print_env_free(&pf);
	return rc;
}

/* "name = value", or one element of the JSON "vars". */
static void
cmd_print_var(void *arg, const char *name, struct dwv_value *v)
{
	struct cmd_print_vars *q = arg;
	FILE *f = q->ctx->out;

	if (q->ctx->json) {
		fputs(q->first ? "{\"name\":" : ",{\"name\":", f);
		json_str(f, name);
		fputs(",\"value\":", f);
		dwv_write_json(q->env, v, f);
		fputc('}', f);
	} else {
		fprintf(f, "%s = ", name);
		dwv_write_text(q->env, v, f, false);
		fputc('\n', f);
	}
	q->first = false;
}

static long
cmd_print_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	struct cmd_print_frame *pf = arg;

	return (long)mem_read(pf->ctx->proc, addr, buf, len, NULL);
}

static int
cmd_print_write(void *arg, uint64_t addr, const void *buf, size_t len,
    char **errp)
{
	struct cmd_print_frame *pf = arg;

	if (cmd_check_range(pf->ctx, addr, len, true, errp) < 0)
		return -1;
	return mem_write(pf->ctx->proc, addr, buf, len, errp) < 0 ? -1 : 0;
}

/*
 * gdb's <symbol+off> after a pointer: a function or data object of the
 * symbol tables covering addr (not the heap or the stack).
 */
static bool
cmd_print_symbolize(void *arg, uint64_t addr, char *buf, size_t len)
{
	struct cmd_print_frame *pf = arg;
	const struct sym_info *info;

	info = unwind_lookup(pf->ctx->proc, addr);
	if (info == NULL || info->function == NULL)
		return false;
	if (info->offset == 0)
		snprintf(buf, len, "%s", info->function);
	else
		snprintf(buf, len, "%s+%" PRIu64, info->function,
		    (uint64_t)info->offset);
	return true;
}

static bool
cmd_print_symbol(void *arg, const char *name, uint64_t *addr)
{
	struct cmd_print_frame *pf = arg;
	struct symbols *syms;

	syms = unwind_symbols(pf->ctx->proc);
	return syms != NULL && symbols_find_symbol(syms, name, addr);
}

static int
cmd_print_reg(void *arg, const char *name, uint64_t *out, char **errp)
{
	struct cmd_print_frame *pf = arg;

	return cmd_eval_address(pf->ctx, name, out, errp);
}
