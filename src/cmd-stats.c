/*
 * cmd-stats.c: `stats`, how much of the process ptinspect reaches through
 * the shared memfd mapping, what stays on the copy path and why, how
 * accesses were served, and how often the process stopped at the calls
 * ptinspect's filter stops.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "cmd-int.h"
#include "json.h"
#include "maps.h"
#include "mem.h"
#include "redirect.h"
#include "seccomp.h"
#include "tracer.h"

static enum cmd_result cmd_stats_exec(struct cmd_ctx *ctx, int argc,
    char **argv, const char *raw, char **errp);

const struct cmd_entry cmd_stats_entry = {
	.name = "stats",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.help = "shared (zero-copy) and copy-path regions, memfd use, accesses",
	.exec = cmd_stats_exec,
};

/* smaps, read once a `stats` needs a region's VmFlags. */
struct stats_smaps {
	struct maps maps;
	bool read;
};

/* Whether smaps calls r sealed (mseal): read on first use. */
static bool
region_sealed(struct proc *p, const struct region *r, struct stats_smaps *sm)
{
	const struct region *s;

	if (!sm->read) {
		sm->read = true;
		if (maps_read_smaps(proc_access_tid(p), &sm->maps, NULL) != 0)
			sm->maps = (struct maps){ 0 };
	}
	s = maps_find(&sm->maps, r->start);
	return s != NULL && (s->advice & REGION_SEALED) != 0;
}

/* Why region i of maps is not in the arena. */
static const char *
copy_reason(struct proc *p, const struct maps *maps, size_t i,
    struct stats_smaps *sm)
{
	const struct region *r = &maps->regions[i];

	if (strcmp(r->name, "[heap]") == 0)
		return "brk heap";
	if (strcmp(r->name, "[stack]") == 0)
		return "main thread stack";
	if (strcmp(r->name, "[ptinspect]") == 0)
		return "ptinspect's mmap stub";
	if (r->name[0] == '[')
		return "kernel";
	if (r->perms[2] == 'x')
		return "executable";
	if (r->perms[3] == 's')
		return "shared mapping";
	if (r->name[0] != '\0')
		return "file-backed";
	if (redirect_arena(p) == NULL)
		return redirect_is_disabled(p) ? "redirection off" : "no arena";
	/*
	 * The zero-filled end of an ELF's data, which the kernel maps at
	 * exec (for the program and its interpreter) before any stop:
	 * anonymous memory right after the file's last mapping.
	 */
	if (i > 0 && maps->regions[i - 1].end == r->start &&
	    maps->regions[i - 1].name[0] == '/')
		return "exec's .bss";
	if (region_sealed(p, r, sm))
		return "sealed (mseal)";
	return "not redirected";
}

static const char *
first_way(enum arena_first_way way)
{
	return way == ARENA_FIRST_VIEW ? "in the view" : "by pread";
}

/* The line on first bulk reads (arena-view.c, "The first read"). */
static void
print_first_reads(FILE *f, const struct arena_stats *as,
    const struct arena_first_costs *fc)
{
	fprintf(f, "first bulk reads: %" PRIu64 " bytes by pread, %" PRIu64
	    " through the view; ", as->streamed_bytes, as->first_viewed_bytes);
	if (fc->pread_ns == 0 || fc->touch_ns == 0) {
		fprintf(f, "the ways not yet timed (pread until then)\n");
		return;
	}
	fprintf(f, "a page %" PRIu64 " ns by pread, %" PRIu64 " + %" PRIu64
	    " ns to touch and copy in the view: copies %s, searches %s\n",
	    fc->pread_ns, fc->touch_ns, fc->copy_ns, first_way(fc->copy_way),
	    first_way(fc->search_way));
}

/*
 * The process's stops at system calls ptinspect's filter stops, by rule
 * ("stops: 12 at system calls (mmap 7, brk 4, exit_group 1)"), or its
 * "stops" object.
 */
static void
put_stops(const struct proc *p, FILE *f, struct json *j)
{
	uint64_t all = 0;
	int rule;
	bool first = true;

	for (rule = 0; rule < RULE_COUNT; rule++)
		all += p->stops[rule];
	if (j != NULL)
		json_open(j, "stops", '{');
	else
		fprintf(f, "stops: %" PRIu64 " at system calls", all);
	for (rule = 1; rule < RULE_COUNT; rule++) {
		if (p->stops[rule] == 0)
			continue;
		if (j != NULL) {
			json_put_uint(j, seccomp_rule_name(rule),
			    p->stops[rule]);
			continue;
		}
		fprintf(f, "%s%s %" PRIu64, first ? " (" : ", ",
		    seccomp_rule_name(rule), p->stops[rule]);
		first = false;
	}
	if (j != NULL)
		json_close(j);
	else
		fprintf(f, "%s\n", first ? "" : ")");
}

static enum cmd_result
cmd_stats_exec(struct cmd_ctx *ctx, int argc, char **argv, const char *raw,
    char **errp)
{
	uint64_t shared_regions = 0, shared_bytes = 0, copy_regions = 0;
	struct arena_stats as = { 0 };
	struct stats_smaps sm = { .read = false };
	struct arena_first_costs fc;
	struct mem_stats ms;
	struct maps maps;
	FILE *f = ctx->out;
	struct json j;
	size_t i;

	if (mem_maps_read(ctx->proc, &maps, errp) < 0)
		return CMD_FAILED;
	if (redirect_arena(ctx->proc) != NULL)
		arena_get_stats(redirect_arena(ctx->proc), &as);
	mem_get_stats(&ms);
	arena_get_first_costs(&fc);
	for (i = 0; i < maps.count; i++) {
		const struct region *r = &maps.regions[i];

		if (strcmp(mem_region_access(ctx->proc, r), "shared") == 0) {
			shared_regions++;
			shared_bytes += r->end - r->start;
		} else {
			copy_regions++;
		}
	}
	if (ctx->json) {
		json_begin(&j, f, "stats");
		json_put_uint(&j, "shared_regions", shared_regions);
		json_put_uint(&j, "shared_bytes", shared_bytes);
		json_put_uint(&j, "copy_regions", copy_regions);
		json_put_uint(&j, "resident_bytes", as.resident_bytes);
		json_put_uint(&j, "kept_bytes", as.kept_bytes);
		json_put_uint(&j, "reused_bytes", as.reused_bytes);
		json_put_uint(&j, "streamed_bytes", as.streamed_bytes);
		json_put_uint(&j, "first_viewed_bytes", as.first_viewed_bytes);
		json_put_uint(&j, "searched_in_place", ms.searched_in_place);
		json_put_uint(&j, "first_read_pread_ns", fc.pread_ns);
		json_put_uint(&j, "first_read_touch_ns", fc.touch_ns);
		json_put_uint(&j, "first_read_copy_ns", fc.copy_ns);
		json_put_str(&j, "first_copy_way",
		    fc.copy_way == ARENA_FIRST_VIEW ? "view" : "pread");
		json_put_str(&j, "first_search_way",
		    fc.search_way == ARENA_FIRST_VIEW ? "view" : "pread");
		json_put_uint(&j, "fast_accesses", ms.fast_accesses);
		json_put_uint(&j, "slow_accesses", ms.slow_accesses);
		put_stops(ctx->proc, f, &j);
		json_open(&j, "copy", '[');
	} else {
		fprintf(f, "shared: %" PRIu64 " regions, %" PRIu64 " bytes "
		    "(memfd resident %" PRIu64 " bytes)\n", shared_regions,
		    shared_bytes, as.resident_bytes);
		fprintf(f, "freed memory: %" PRIu64 " bytes kept for reuse, "
		    "%" PRIu64 " bytes zeroed for reuse so far\n",
		    as.kept_bytes, as.reused_bytes);
		print_first_reads(f, &as, &fc);
		put_stops(ctx->proc, f, NULL);
		fprintf(f, "copy:   %" PRIu64 " regions\n", copy_regions);
	}
	for (i = 0; i < maps.count; i++) {
		const struct region *r = &maps.regions[i];
		const char *why;

		if (strcmp(mem_region_access(ctx->proc, r), "shared") == 0)
			continue;
		why = copy_reason(ctx->proc, &maps, i, &sm);
		if (!ctx->json) {
			fprintf(f, "  %012" PRIx64 "-%012" PRIx64 " %-17s %s\n",
			    r->start, r->end, why, r->name);
			continue;
		}
		json_open(&j, NULL, '{');
		json_put_addr(&j, "start", r->start);
		json_put_addr(&j, "end", r->end);
		json_put_str(&j, "reason", why);
		json_close(&j);
	}
	if (ctx->json)
		json_end(&j);
	else
		fprintf(f, "accesses: %" PRIu64 " fast, %" PRIu64 " slow; "
		    "%" PRIu64 " bytes searched in place\n",
		    ms.fast_accesses, ms.slow_accesses, ms.searched_in_place);
	maps_free(&maps);
	maps_free(&sm.maps);
	return CMD_OK;
}
