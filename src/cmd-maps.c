/*
 * cmd-maps.c: `maps`, the regions of /proc/PID/maps and how ptinspect
 * reaches each: "shared" (memfd mapping) or "copy" (a syscall per access).
 * The JSON form adds each region's resident size from smaps (a
 * snapshot's saved smaps; null on a plain core).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd-int.h"
#include "json.h"
#include "maps.h"
#include "mem.h"
#include "snapshot-read.h"
#include "tracer.h"

static enum cmd_result cmd_maps_exec(struct cmd_ctx *ctx, int argc,
    char **argv, const char *raw, char **errp);

const struct cmd_entry cmd_maps_entry = {
	.name = "maps",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.core_ok = true,
	.help = "memory regions: START-END PERMS OFFSET ACCESS NAME",
	.exec = cmd_maps_exec,
};

static enum cmd_result
cmd_maps_exec(struct cmd_ctx *ctx, int argc, char **argv, const char *raw,
    char **errp)
{
	struct maps maps;
	uint64_t *rss_kb = NULL;
	FILE *f = ctx->out;
	struct json j;
	size_t i;

	if (mem_maps_read(ctx->proc, &maps, errp) < 0)
		return CMD_FAILED;
	if (ctx->json) {
		rss_kb = snapshot_rss_kb(ctx->proc, &maps);
		json_begin(&j, f, "maps");
		json_open(&j, "regions", '[');
	}
	for (i = 0; i < maps.count; i++) {
		const struct region *r = &maps.regions[i];
		const char *access = mem_region_access(ctx->proc, r);

		if (!ctx->json) {
			fprintf(f, "%012" PRIx64 "-%012" PRIx64 " %s %08" PRIx64
			    " %-6s%s%s\n", r->start, r->end, r->perms,
			    r->offset, access, *r->name ? " " : "", r->name);
			continue;
		}
		json_open(&j, NULL, '{');
		json_put_addr(&j, "start", r->start);
		json_put_addr(&j, "end", r->end);
		json_put_str(&j, "perms", r->perms);
		json_put_uint(&j, "offset", r->offset);
		json_put_str(&j, "name", r->name);
		json_put_str(&j, "access", access);
		if (rss_kb != NULL && rss_kb[i] != UINT64_MAX)
			json_put_uint(&j, "rss_kb", rss_kb[i]);
		else
			json_put_null(&j, "rss_kb");
		json_close(&j);
	}
	if (ctx->json)
		json_end(&j);
	maps_free(&maps);
	free(rss_kb);
	return CMD_OK;
}
