/*
 * cmd-maps.c: `maps`, the regions of /proc/PID/maps and how ptinspect
 * reaches each: "shared" (memfd mapping) or "copy" (a syscall per access).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>

#include "cmd-int.h"
#include "json.h"
#include "maps.h"
#include "mem.h"
#include "tracer.h"

static enum cmd_result cmd_maps_exec(struct cmd_ctx *ctx, int argc,
    char **argv, const char *raw, char **errp);

const struct cmd_entry cmd_maps_entry = {
	.name = "maps",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.help = "memory regions: START-END PERMS OFFSET ACCESS NAME",
	.exec = cmd_maps_exec,
};

static enum cmd_result
cmd_maps_exec(struct cmd_ctx *ctx, int argc, char **argv, const char *raw,
    char **errp)
{
	struct maps maps;
	FILE *f = ctx->out;
	size_t i;

	if (mem_maps_read(ctx->proc, &maps, errp) < 0)
		return CMD_FAILED;
	if (ctx->json)
		fputs("{\"cmd\":\"maps\",\"regions\":[", f);
	for (i = 0; i < maps.count; i++) {
		const struct region *r = &maps.regions[i];
		const char *access = mem_region_access(ctx->proc, r);

		if (!ctx->json) {
			fprintf(f, "%012" PRIx64 "-%012" PRIx64 " %s %08" PRIx64
			    " %-6s%s%s\n", r->start, r->end, r->perms,
			    r->offset, access, *r->name ? " " : "", r->name);
			continue;
		}
		fputs(i > 0 ? ",{\"start\":" : "{\"start\":", f);
		json_addr(f, r->start);
		fputs(",\"end\":", f);
		json_addr(f, r->end);
		fprintf(f, ",\"perms\":\"%s\",\"offset\":%" PRIu64 ",\"name\":",
		    r->perms, r->offset);
		json_str(f, r->name);
		fprintf(f, ",\"access\":\"%s\"}", access);
	}
	if (ctx->json)
		fputs("]}\n", f);
	maps_free(&maps);
	return CMD_OK;
}
