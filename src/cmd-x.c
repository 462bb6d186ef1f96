/*
 * cmd-x.c: `x ADDR [LEN]`, a hex dump in the layout of `hexdump -C` with a
 * 16-digit address. A dump that runs into unmapped memory shows what could
 * be read and then fails for the rest, saying why (unmapped, or a region
 * nobody can read such as [vvar]). LEN 0 is an empty dump, said so.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd-int.h"
#include "json.h"
#include "mem.h"
#include "util.h"

#define CMD_X_DEFAULT_LEN 64
#define CMD_X_MAX_LEN (1024 * 1024)

static enum cmd_result cmd_x_exec(struct cmd_ctx *ctx, int argc,
    char **argv, const char *raw, char **errp);
static void cmd_x_dump(FILE *f, uint64_t addr, const unsigned char *buf,
    size_t len);

const struct cmd_entry cmd_x_entry = {
	.name = "x",
	.args = "ADDR [LEN]",
	.min_args = 1,
	.max_args = 2,
	.core_ok = true,
	.help = "hex dump of LEN bytes (default 64, at most 1 MiB)",
	.exec = cmd_x_exec,
};

static enum cmd_result
cmd_x_exec(struct cmd_ctx *ctx, int argc, char **argv, const char *raw,
    char **errp)
{
	uint64_t addr, len = CMD_X_DEFAULT_LEN;
	unsigned char *buf;
	char *err = NULL;
	ssize_t n;

	if (cmd_eval_address(ctx, argv[1], &addr, errp) < 0)
		return CMD_FAILED;
	if (argc == 3 && cmd_parse_number(argv[2], &len) < 0) {
		set_error(errp, "%s: bad length", argv[2]);
		return CMD_FAILED;
	}
	if (len > CMD_X_MAX_LEN) {
		set_error(errp, "%s: length too large (at most %d)", argv[2],
		    CMD_X_MAX_LEN);
		return CMD_FAILED;
	}
	buf = xmalloc(len);
	n = mem_read(ctx->proc, addr, buf, len, &err);
	/* Not all could be read: say where it stopped, and why. */
	if (n < 0 || (uint64_t)n < len) {
		uint64_t stop = addr + (uint64_t)(n < 0 ? 0 : n);
		char *why = NULL;

		if (cmd_check_range(ctx, stop, 1, false, &why) < 0) {
			free(err);
			err = why;
		} else if (err == NULL) {
			free(why);
			set_error(&err, "0x%" PRIx64 ": address not mapped",
			    stop);
		}
	}
	if (n < 0) {
		free(buf);
		*errp = err;
		return CMD_FAILED;
	}
	if (ctx->json) {
		struct json j;

		json_begin(&j, ctx->out, "x");
		json_put_addr(&j, "addr", addr);
		json_put_hex(&j, "bytes", buf, (size_t)n);
		if (err != NULL)
			json_put_str(&j, "error", err);
		json_end(&j);
		free(err);
		err = NULL;
	} else if (len == 0) {
		fprintf(ctx->out, "0 bytes at 0x%016" PRIx64 "\n", addr);
	} else {
		cmd_x_dump(ctx->out, addr, buf, (size_t)n);
	}
	free(buf);
	if ((uint64_t)n == len)
		return CMD_OK;
	/* In JSON the error went into the object above. */
	*errp = err;
	return CMD_FAILED;
}

static void
cmd_x_dump(FILE *f, uint64_t addr, const unsigned char *buf, size_t len)
{
	size_t line, i;

	for (line = 0; line < len; line += 16) {
		fprintf(f, "%016" PRIx64 " ", addr + line);
		for (i = 0; i < 16; i++) {
			if (i == 8)
				putc(' ', f);
			if (line + i < len)
				fprintf(f, " %02x", buf[line + i]);
			else
				fputs("   ", f);
		}
		fputs("  |", f);
		for (i = 0; i < 16 && line + i < len; i++) {
			unsigned char c = buf[line + i];

			putc(c >= 0x20 && c < 0x7f ? c : '.', f);
		}
		fputs("|\n", f);
	}
}
