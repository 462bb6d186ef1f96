/*
 * cmd-gcore.c: `gcore [FILE]`, an ELF core file of the held process
 * (coredump.h), core.PID by default, that gdb and elfutils read.
 *
 * Text: "core.1234: 3 threads, 21 segments, 1.2 MiB written of 9.5 MiB".
 * JSON: {"cmd":"gcore","file":"core.1234","threads":3,"segments":21,
 * "size":9961472,"data_bytes":1265664,"ms":12}.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd-int.h"
#include "coredump.h"
#include "json.h"
#include "tracer.h"
#include "util.h"

static enum cmd_result cmd_gcore_exec(struct cmd_ctx *ctx, int argc,
    char **argv, const char *raw, char **errp);

const struct cmd_entry cmd_gcore_entry = {
	.name = "gcore",
	.args = "[FILE]",
	.min_args = 0,
	.max_args = 1,
	.help = "write an ELF core file of the process (default core.PID)",
	.exec = cmd_gcore_exec,
};

static enum cmd_result
cmd_gcore_exec(struct cmd_ctx *ctx, int argc, char **argv, const char *raw,
    char **errp)
{
	struct coredump_stats st;
	struct json j;
	char *path;

	(void)raw;
	path = argc == 2 ? xstrdup(argv[1]) :
	    xstrfmt("core.%d", (int)ctx->proc->pid);
	if (coredump_write(ctx->proc, path, &st, errp) < 0) {
		free(path);
		return CMD_FAILED;
	}
	if (ctx->json) {
		json_begin(&j, ctx->out, "gcore");
		json_put_str(&j, "file", path);
		json_put_uint(&j, "threads", st.threads);
		json_put_uint(&j, "segments", st.segments);
		json_put_uint(&j, "size", st.size);
		json_put_uint(&j, "data_bytes", st.data_bytes);
		json_put_uint(&j, "ms", st.ms);
		json_end(&j);
	} else {
		fprintf(ctx->out, "%s: %u thread%s, %u segments, %.1f MiB "
		    "written of %.1f MiB\n", path, st.threads,
		    st.threads == 1 ? "" : "s", st.segments,
		    (double)st.data_bytes / (1 << 20),
		    (double)st.size / (1 << 20));
	}
	free(path);
	return CMD_OK;
}
