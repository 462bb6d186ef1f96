/*
 * cmd-sym.c: `sym ADDR`, what an address is: the function or object
 * symbol covering it and the offset into it, the region it is in (as
 * `maps` shows it), and the source file:line of code addresses, from the
 * process's symbol cache (unwind_lookup, libdwfl). Text, one line:
 *
 *	0x401182 is level_d+0x12 at /src/bt-nested.c:34, in
 *	    /src/bt-nested-nopie (0x401000-0x402000 r-xp)
 *
 * (on one line), "no symbol" when none covers it.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd-int.h"
#include "json.h"
#include "maps.h"
#include "mem.h"
#include "symbols.h"
#include "unwind.h"
#include "util.h"

static enum cmd_result cmd_sym_exec(struct cmd_ctx *ctx, int argc,
    char **argv, const char *raw, char **errp);
static void cmd_sym_json(struct cmd_ctx *ctx, uint64_t addr,
    const struct sym_info *si, const struct region *r);

const struct cmd_entry cmd_sym_entry = {
	.name = "sym",
	.args = "ADDR",
	.min_args = 1,
	.max_args = 1,
	.core_ok = true,
	.help = "the symbol+offset, region and source line of ADDR",
	.exec = cmd_sym_exec,
};

static enum cmd_result
cmd_sym_exec(struct cmd_ctx *ctx, int argc, char **argv, const char *raw,
    char **errp)
{
	const struct sym_info *si;
	const struct region *r;
	struct maps maps;
	uint64_t addr;

	(void)raw;
	if (cmd_eval_address(ctx, argv[1], &addr, errp) < 0)
		return CMD_FAILED;
	if (mem_maps_read(ctx->proc, &maps, errp) < 0)
		return CMD_FAILED;
	r = maps_find(&maps, addr);
	if (r == NULL) {
		maps_free(&maps);
		set_error(errp, "0x%" PRIx64 ": address not mapped", addr);
		return CMD_FAILED;
	}
	si = unwind_lookup(ctx->proc, addr);
	if (ctx->json) {
		cmd_sym_json(ctx, addr, si, r);
		maps_free(&maps);
		return CMD_OK;
	}
	fprintf(ctx->out, "0x%" PRIx64 " is ", addr);
	if (si != NULL && si->function != NULL)
		fprintf(ctx->out, "%s+0x%" PRIx64, si->function, si->offset);
	else
		fputs("no symbol", ctx->out);
	if (si != NULL && si->file != NULL && si->line > 0)
		fprintf(ctx->out, " at %s:%d", si->file, si->line);
	fprintf(ctx->out, ", in %s (0x%" PRIx64 "-0x%" PRIx64 " %s)\n",
	    r->name[0] != '\0' ? r->name : "anonymous memory", r->start,
	    r->end, r->perms);
	maps_free(&maps);
	return CMD_OK;
}

static void
cmd_sym_json(struct cmd_ctx *ctx, uint64_t addr, const struct sym_info *si,
    const struct region *r)
{
	bool named = si != NULL && si->function != NULL;
	bool lined = si != NULL && si->file != NULL && si->line > 0;
	struct json j;

	json_begin(&j, ctx->out, "sym");
	json_put_addr(&j, "addr", addr);
	json_put_str(&j, "symbol", named ? si->function : NULL);
	if (named)
		json_put_uint(&j, "offset", si->offset);
	else
		json_put_null(&j, "offset");
	json_put_str(&j, "file", lined ? si->file : NULL);
	if (lined)
		json_put_int(&j, "line", si->line);
	else
		json_put_null(&j, "line");
	json_open(&j, "region", '{');
	json_put_addr(&j, "start", r->start);
	json_put_addr(&j, "end", r->end);
	json_put_str(&j, "perms", r->perms);
	json_put_str(&j, "name", r->name);
	json_end(&j);
}
