/*
 * cmd-write.c: `write ADDR DATA`, DATA being hex bytes or a "string". Goes
 * through the memory layer, so read-only pages such as text can be patched.
 * The whole range is checked against the maps first: a write that would
 * run into unmapped memory or [vvar] writes nothing.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-int.h"
#include "json.h"
#include "mem.h"
#include "unwind.h"
#include "util.h"

static enum cmd_result cmd_write_exec(struct cmd_ctx *ctx, int argc,
    char **argv, const char *raw, char **errp);

const struct cmd_entry cmd_write_entry = {
	.name = "write",
	.args = "ADDR DATA",
	.min_args = 2,
	.max_args = -1,
	.help = "write hex bytes (de ad be ef) or a \"string\" at ADDR",
	.exec = cmd_write_exec,
};

static enum cmd_result
cmd_write_exec(struct cmd_ctx *ctx, int argc, char **argv, const char *raw,
    char **errp)
{
	uint64_t addr;
	uint8_t *buf;
	size_t len;
	ssize_t n;

	if (cmd_eval_address(ctx, argv[1], &addr, errp) < 0)
		return CMD_FAILED;
	/* DATA is the raw text after ADDR: strings may hold \0. */
	raw += strcspn(raw, " \t");
	if (cmd_parse_data(raw, &buf, &len, errp) < 0)
		return CMD_FAILED;
	/* All or nothing: a write that would stop short never starts. */
	if (cmd_check_range(ctx, addr, len, true, errp) < 0) {
		free(buf);
		return CMD_FAILED;
	}
	n = mem_write(ctx->proc, addr, buf, len, errp);
	free(buf);
	if (n < 0)
		return CMD_FAILED;
	/* The write may have changed code or a stack the unwinder cached. */
	unwind_forget(ctx->proc);
	if (ctx->json) {
		struct json j;

		json_begin(&j, ctx->out, "write");
		json_put_addr(&j, "addr", addr);
		json_put_uint(&j, "len", len);
		json_end(&j);
	} else {
		fprintf(ctx->out, "wrote %zu bytes at 0x%" PRIx64 "\n", len,
		    addr);
	}
	return CMD_OK;
}
