/*
 * maps.c: /proc/PID/maps parsed into an array of regions sorted by start
 * address, with lookups by address (binary search) and by name.
 *
 * The kernel's line format is "start-end perms offset major:minor inode
 * name", the name padded with spaces to a column. Names may themselves
 * contain spaces and end in " (deleted)"; we keep everything after the
 * padding as the name, byte for byte, so a region reads back as the kernel
 * printed it. maps_find_name also matches a deleted file by its old name.
 * /proc/PID/smaps is read the same way, with each region's VmFlags.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maps.h"
#include "util.h"

#define MAPS_DELETED " (deleted)"

static int maps_read_file(pid_t pid, const char *file, struct maps *out,
    char **errp);
static int maps_parse(const char *text, const char *what, bool smaps,
    struct maps *out, char **errp);
static unsigned maps_parse_advice(const char *s, size_t len);
static int maps_parse_line(const char *line, size_t len, struct region *r);
static int maps_parse_hex(const char **sp, const char *end, int stop,
    uint64_t *out);
static int maps_cmp_start(const void *a, const void *b);
static bool maps_name_matches(const char *have, const char *want);

int
maps_read(pid_t pid, struct maps *out, char **errp)
{
	return maps_read_file(pid, "maps", out, errp);
}

int
maps_read_smaps(pid_t pid, struct maps *out, char **errp)
{
	return maps_read_file(pid, "smaps", out, errp);
}

int
maps_parse_text(const char *text, const char *what, struct maps *out,
    char **errp)
{
	return maps_parse(text, what, false, out, errp);
}

/* /proc/PID/FILE, "maps" or "smaps", parsed. */
static int
maps_read_file(pid_t pid, const char *file, struct maps *out, char **errp)
{
	char path[64];
	char *text;
	int rc;

	out->regions = NULL;
	out->count = 0;
	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
	text = read_file_str(path, NULL);
	if (text == NULL)
		return set_error(errp, "%s: %s", path, strerror(errno));
	rc = maps_parse(text, path, strcmp(file, "smaps") == 0, out, errp);
	free(text);
	return rc;
}

/*
 * The regions of a maps text, or of an smaps text (smaps): there each
 * region's header line is a maps line, followed by "Key: value" lines, of
 * which VmFlags gives the region's advice.
 */
static int
maps_parse(const char *text, const char *what, bool smaps, struct maps *out,
    char **errp)
{
	const char *line, *next;
	size_t cap = 0, lineno = 0;
	bool sorted = true;

	out->regions = NULL;
	out->count = 0;
	for (line = text; *line != '\0'; line = next) {
		const char *nl = strchr(line, '\n');
		size_t len = nl != NULL ? (size_t)(nl - line) : strlen(line);
		struct region r;

		next = line + len + (nl != NULL);
		lineno++;
		if (len == 0)
			continue;
		if (smaps && line[strspn(line, "0123456789abcdef")] != '-') {
			if (out->count > 0 && strncmp(line, "VmFlags:", 8) == 0)
				out->regions[out->count - 1].advice =
				    maps_parse_advice(line + 8, len - 8);
			continue;
		}
		if (maps_parse_line(line, len, &r) < 0) {
			maps_free(out);
			return set_error(errp, "%s: line %zu: malformed", what,
			    lineno);
		}
		if (out->count == cap) {
			cap = cap ? cap * 2 : 64;
			out->regions = xreallocarray(out->regions, cap,
			    sizeof *out->regions);
		}
		if (out->count > 0 &&
		    out->regions[out->count - 1].start > r.start)
			sorted = false;
		out->regions[out->count++] = r;
	}
	/* The kernel prints in address order; do not rely on it. */
	if (!sorted)
		qsort(out->regions, out->count, sizeof *out->regions,
		    maps_cmp_start);
	return 0;
}

/* The REGION_* bits of VmFlags' two-letter names (" rd wr lo dd"). */
static unsigned
maps_parse_advice(const char *s, size_t len)
{
	static const struct {
		char name[3];
		unsigned bit;
	} names[] = {
		{ "lo", REGION_LOCKED }, { "lf", REGION_LOCKONFAULT },
		{ "dd", REGION_DONTDUMP }, { "hg", REGION_HUGEPAGE },
		{ "nh", REGION_NOHUGEPAGE }, { "mg", REGION_MERGEABLE },
		{ "rr", REGION_RANDOM }, { "sr", REGION_SEQUENTIAL },
		{ "sl", REGION_SEALED }, { "dc", REGION_DONTCOPY },
	};
	unsigned advice = 0;
	size_t i, k;

	for (i = 0; i + 2 <= len; i++) {
		if (s[i] == ' ' || (i > 0 && s[i - 1] != ' ') ||
		    (i + 2 < len && s[i + 2] != ' '))
			continue;
		for (k = 0; k < sizeof names / sizeof names[0]; k++)
			if (memcmp(s + i, names[k].name, 2) == 0)
				advice |= names[k].bit;
	}
	return advice;
}

int
maps_copy(const struct maps *from, struct maps *out, char **errp)
{
	size_t i;

	(void)errp;
	out->count = from->count;
	out->regions = xcalloc(from->count > 0 ? from->count : 1,
	    sizeof(*out->regions));
	for (i = 0; i < from->count; i++) {
		out->regions[i] = from->regions[i];
		out->regions[i].name = xstrdup(from->regions[i].name);
	}
	return 0;
}

void
maps_free(struct maps *maps)
{
	size_t i;

	for (i = 0; i < maps->count; i++)
		free(maps->regions[i].name);
	free(maps->regions);
	maps->regions = NULL;
	maps->count = 0;
}

const struct region *
maps_find(const struct maps *maps, uint64_t addr)
{
	size_t i = sorted_upper_bound(maps->regions, maps->count,
	    sizeof *maps->regions, offsetof(struct region, end), addr);

	if (i == maps->count || addr < maps->regions[i].start)
		return NULL;
	return &maps->regions[i];
}

const struct region *
maps_find_name(const struct maps *maps, const char *name)
{
	size_t i;

	if (*name == '\0')
		return NULL;
	for (i = 0; i < maps->count; i++)
		if (maps_name_matches(maps->regions[i].name, name))
			return &maps->regions[i];
	for (i = 0; i < maps->count; i++)
		if (maps_name_matches(region_basename(&maps->regions[i]), name))
			return &maps->regions[i];
	return NULL;
}

uint64_t
maps_label_base(const struct maps *maps, const struct region *r)
{
	size_t i;

	if (r->name[0] != '/')
		return r->start;
	for (i = 0; i < maps->count; i++)
		if (strcmp(maps->regions[i].name, r->name) == 0)
			return maps->regions[i].start;
	return r->start;
}

const char *
region_basename(const struct region *r)
{
	const char *slash;

	/* "[heap]" and friends are names, not paths. */
	if (r->name[0] != '/')
		return r->name;
	slash = strrchr(r->name, '/');
	return slash + 1;
}

/* "have" is "want", or "want (deleted)". */
static bool
maps_name_matches(const char *have, const char *want)
{
	size_t n = strlen(want);

	if (strncmp(have, want, n) != 0)
		return false;
	return have[n] == '\0' || strcmp(have + n, MAPS_DELETED) == 0;
}

/* Parses one line (without its newline) into *r. 0, or -1 if malformed. */
static int
maps_parse_line(const char *line, size_t len, struct region *r)
{
	const char *s = line, *end = line + len;
	uint64_t major, minor;
	int i;

	memset(r, 0, sizeof *r);
	if (maps_parse_hex(&s, end, '-', &r->start) < 0 ||
	    maps_parse_hex(&s, end, ' ', &r->end) < 0 || r->end < r->start)
		return -1;
	if (end - s < 5 || s[4] != ' ')
		return -1;
	for (i = 0; i < 4; i++) {
		if (s[i] != "rwxp"[i] && s[i] != (i == 3 ? 's' : '-'))
			return -1;
		r->perms[i] = s[i];
	}
	r->perms[4] = '\0';
	s += 5;
	if (maps_parse_hex(&s, end, ' ', &r->offset) < 0 ||
	    maps_parse_hex(&s, end, ':', &major) < 0 ||
	    maps_parse_hex(&s, end, ' ', &minor) < 0)
		return -1;
	r->dev_major = (unsigned)major;
	r->dev_minor = (unsigned)minor;
	/* The inode is decimal and may end the line (anonymous regions). */
	if (s == end || *s < '0' || *s > '9')
		return -1;
	for (; s < end && *s >= '0' && *s <= '9'; s++)
		r->inode = r->inode * 10 + (uint64_t)(*s - '0');
	if (s < end && *s != ' ')
		return -1;
	while (s < end && *s == ' ')
		s++;
	r->name = xstrndup(s, (size_t)(end - s));
	return 0;
}

/* Hex digits up to the `stop` character, which is consumed. */
static int
maps_parse_hex(const char **sp, const char *end, int stop, uint64_t *out)
{
	const char *s = *sp;
	uint64_t v = 0;
	int digits = 0;

	for (; s < end && *s != stop; s++, digits++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return -1;
		if (digits >= 16)
			return -1;
		v = v << 4 | (uint64_t)d;
	}
	if (s == end || digits == 0)
		return -1;
	*sp = s + 1;
	*out = v;
	return 0;
}

static int
maps_cmp_start(const void *a, const void *b)
{
	const struct region *ra = a, *rb = b;

	return ra->start < rb->start ? -1 : ra->start > rb->start;
}
