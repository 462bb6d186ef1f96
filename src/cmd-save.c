/*
 * cmd-save.c: `save [DIR]`, the held process saved into a directory
 * (snapshot.h): core, /proc files, descriptors, backtraces, summary.json.
 * DIR defaults to ptinspect.PID.COMM in the working directory.
 *
 * Text: "ptinspect.1234.prog: 24 files (core 9.5 MiB), 0 errors".
 * JSON: {"cmd":"save","dir":"ptinspect.1234.prog","files":24,"errors":0,
 * "core_size":9961472,"ms":40}.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd-int.h"
#include "json.h"
#include "snapshot.h"
#include "util.h"

static enum cmd_result cmd_save_exec(struct cmd_ctx *ctx, int argc,
    char **argv, const char *raw, char **errp);

const struct cmd_entry cmd_save_entry = {
	.name = "save",
	.args = "[DIR]",
	.min_args = 0,
	.max_args = 1,
	.help = "save core, /proc files, fds, bt and summary.json into DIR",
	.exec = cmd_save_exec,
};

static enum cmd_result
cmd_save_exec(struct cmd_ctx *ctx, int argc, char **argv, const char *raw,
    char **errp)
{
	struct snapshot_stats st;
	struct json j;
	char *dir;

	(void)raw;
	dir = argc == 2 ? xstrdup(argv[1]) : snapshot_default_name(ctx->proc);
	if (snapshot_save(ctx, dir, &st, errp) < 0) {
		free(dir);
		return CMD_FAILED;
	}
	if (ctx->json) {
		json_begin(&j, ctx->out, "save");
		json_put_str(&j, "dir", dir);
		json_put_uint(&j, "files", st.files);
		json_put_uint(&j, "errors", st.errors);
		json_put_uint(&j, "core_size", st.core_size);
		json_put_uint(&j, "ms", st.ms);
		json_end(&j);
	} else {
		fprintf(ctx->out, "%s: %u files (core %.1f MiB), %u error%s"
		    "%s\n", dir, st.files, (double)st.core_size / (1 << 20),
		    st.errors, st.errors == 1 ? "" : "s",
		    st.errors > 0 ? " (see summary.json)" : "");
	}
	free(dir);
	return CMD_OK;
}
