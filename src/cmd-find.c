/*
 * cmd-find.c: `find DATA [REGION]`, every occurrence of DATA in readable
 * memory, or only in the regions called REGION ([heap], libc.so.6, ...),
 * or in the one region holding the address REGION evaluates to (main,
 * *planet_list: cmd_eval_address) when no region has that name.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-int.h"
#include "json.h"
#include "maps.h"
#include "mem.h"
#include "tracer.h"
#include "util.h"

/* More matches than this are not worth printing. */
#define CMD_FIND_MAX 10000

struct cmd_find_state {
	struct cmd_ctx *ctx;
	struct json j;		/* with --json */
	long count;
	bool only;		/* the first region alone, not its namesakes */
};

static enum cmd_result cmd_find_exec(struct cmd_ctx *ctx, int argc,
    char **argv, const char *raw, char **errp);
static int cmd_find_one(uint64_t addr, void *arg);
static void cmd_find_search(struct cmd_find_state *st,
    const struct maps *maps, const struct region *first,
    const uint8_t *needle, size_t len);

const struct cmd_entry cmd_find_entry = {
	.name = "find",
	.args = "DATA [REGION]",
	.min_args = 1,
	.max_args = -1,
	.core_ok = true,
	.help = "addresses of DATA in readable memory, or in REGION only",
	.exec = cmd_find_exec,
};

static enum cmd_result
cmd_find_exec(struct cmd_ctx *ctx, int argc, char **argv, const char *raw,
    char **errp)
{
	struct cmd_find_state st = { .ctx = ctx };
	struct maps maps = { NULL, 0 };
	const struct region *first = NULL;
	const char *data_end = cmd_data_end(raw), *region;
	enum cmd_result rc = CMD_FAILED;
	uint8_t *needle = NULL;
	uint64_t addr;
	char *data;
	size_t len;

	data = xstrndup(raw, (size_t)(data_end - raw));
	if (cmd_parse_data(data, &needle, &len, errp) < 0)
		goto out;
	region = data_end + strspn(data_end, " \t");
	if (len == 0) {
		set_error(errp, "%s: empty pattern", data);
		goto out;
	}
	if (strpbrk(region, " \t") != NULL) {
		set_error(errp, "%s: bad region name", region);
		goto out;
	}
	if (mem_maps_read(ctx->proc, &maps, errp) < 0)
		goto out;
	if (*region != '\0' && (first = maps_find_name(&maps, region)) ==
	    NULL) {
		/* An address expression: the one region holding it. */
		if (cmd_eval_address(ctx, region, &addr, errp) < 0)
			goto out;
		if ((first = maps_find(&maps, addr)) == NULL) {
			if (mem_unlisted(ctx->proc, addr, errp) == 0)
				set_error(errp, "%s: 0x%" PRIx64 " is not "
				    "mapped", region, addr);
			goto out;
		}
		st.only = true;
	}

	if (ctx->json) {
		json_begin(&st.j, ctx->out, "find");
		json_open(&st.j, "matches", '[');
	}
	cmd_find_search(&st, &maps, first, needle, len);
	if (ctx->json) {
		json_close(&st.j);
		if (st.count > CMD_FIND_MAX)
			json_put_bool(&st.j, "truncated", true);
		json_end(&st.j);
	} else if (st.count > CMD_FIND_MAX)
		fprintf(ctx->err, "find: more than %d matches, the rest not "
		    "shown\n", CMD_FIND_MAX);
	rc = CMD_OK;
out:
	maps_free(&maps);
	free(needle);
	free(data);
	return rc;
}

/*
 * Searches everything, or every region named like `first`: a file is
 * mapped as several regions of one name, and all of them are searched.
 */
static void
cmd_find_search(struct cmd_find_state *st, const struct maps *maps,
    const struct region *first, const uint8_t *needle, size_t len)
{
	size_t i;

	if (first == NULL || st->only) {
		mem_find(st->ctx->proc, maps, first, needle, len, cmd_find_one,
		    st, NULL);
		return;
	}
	for (i = (size_t)(first - maps->regions); i < maps->count; i++) {
		const struct region *r = &maps->regions[i];

		if (strcmp(r->name, first->name) != 0)
			continue;
		mem_find(st->ctx->proc, maps, r, needle, len, cmd_find_one, st,
		    NULL);
		if (st->count > CMD_FIND_MAX)
			break;
	}
}

static int
cmd_find_one(uint64_t addr, void *arg)
{
	struct cmd_find_state *st = arg;
	FILE *f = st->ctx->out;

	if (++st->count > CMD_FIND_MAX)
		return 1;
	if (st->ctx->json)
		json_put_addr(&st->j, NULL, addr);
	else
		fprintf(f, "0x%" PRIx64 "\n", addr);
	return 0;
}
