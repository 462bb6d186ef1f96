/*
 * cmd-regs.c: `regs [TID]`, the general registers of the selected thread
 * or of thread TID; also the register table $name lookups use.
 */
#include "config.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/user.h>

#include "cmd-int.h"
#include "json.h"
#include "tracer.h"
#include "util.h"

#define CMD_REG(name) { #name, offsetof(struct user_regs_struct, name) }

/* gdb's order: general registers, rip, flags, segments, then the rest. */
const struct cmd_reg cmd_regs[] = {
	CMD_REG(rax), CMD_REG(rbx), CMD_REG(rcx), CMD_REG(rdx),
	CMD_REG(rsi), CMD_REG(rdi), CMD_REG(rbp), CMD_REG(rsp),
	CMD_REG(r8), CMD_REG(r9), CMD_REG(r10), CMD_REG(r11),
	CMD_REG(r12), CMD_REG(r13), CMD_REG(r14), CMD_REG(r15),
	CMD_REG(rip), CMD_REG(eflags),
	CMD_REG(cs), CMD_REG(ss), CMD_REG(ds), CMD_REG(es),
	CMD_REG(fs), CMD_REG(gs), CMD_REG(fs_base), CMD_REG(gs_base),
	CMD_REG(orig_rax),
	{ NULL, 0 },
};

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
