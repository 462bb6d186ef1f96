/*
 * cmd-regs.c: `regs [TID]`, the general registers of the selected thread
 * or of thread TID, in cmd_regs's order (cmd-args.c).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/user.h>

#include "cmd-int.h"
#include "json.h"
#include "tracer.h"
#include "util.h"

static enum cmd_result cmd_regs_exec(struct cmd_ctx *ctx, int argc,
    char **argv, const char *raw, char **errp);

const struct cmd_entry cmd_regs_entry = {
	.name = "regs",
	.args = "[TID]",
	.min_args = 0,
	.max_args = 1,
	.core_ok = true,
	.help = "registers of the selected thread, or of thread TID",
	.exec = cmd_regs_exec,
};

static enum cmd_result
cmd_regs_exec(struct cmd_ctx *ctx, int argc, char **argv, const char *raw,
    char **errp)
{
	struct user_regs_struct regs;
	struct thread *t;
	FILE *f = ctx->out;
	struct json j;
	size_t i;

	t = cmd_thread_arg(ctx, argc == 2 ? argv[1] : NULL, errp);
	if (t == NULL || thread_program_regs(t, &regs, errp) < 0)
		return CMD_FAILED;
	if (ctx->json) {
		json_begin(&j, f, "regs");
		json_put_int(&j, "tid", t->tid);
		json_open(&j, "regs", '{');
	}
	for (i = 0; cmd_regs[i].name != NULL; i++) {
		uint64_t v;

		memcpy(&v, (const char *)&regs + cmd_regs[i].offset, sizeof v);
		if (ctx->json)
			json_put_addr(&j, cmd_regs[i].name, v);
		else
			fprintf(f, "%-9s0x%016" PRIx64 "\n", cmd_regs[i].name,
			    v);
	}
	if (ctx->json)
		json_end(&j);
	return CMD_OK;
}
