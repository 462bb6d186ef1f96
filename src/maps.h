/*
 * maps.h: /proc/PID/maps as an array of regions, and lookups by address and
 * by name. A snapshot only: the tracee may change its mappings at any time,
 * so callers re-read it when they need the truth.
 */
#ifndef PTI_MAPS_H
#define PTI_MAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct region {
	uint64_t start;
	uint64_t end;		/* exclusive */
	char perms[5];		/* "rw-p" */
	uint64_t offset;
	unsigned dev_major;
	unsigned dev_minor;
	uint64_t inode;
	/* "" for anonymous, "[heap]", "/usr/lib/...". */
	char *name;
	/* REGION_* bits of smaps' VmFlags (maps_read_smaps only), else 0. */
	unsigned advice;
};

/*
 * What a program sets on its mappings by madvise and mlock, as smaps'
 * VmFlags show it: a mapping that ptinspect replaces gets them again.
 * And mseal, which no mapping ptinspect replaces can have (`stats` says
 * why such memory is private).
 */
enum region_advice {
	REGION_LOCKED = 1 << 0,		/* "lo": mlock */
	REGION_LOCKONFAULT = 1 << 1,	/* "lf": mlock2(MLOCK_ONFAULT) */
	REGION_DONTDUMP = 1 << 2,	/* "dd": MADV_DONTDUMP */
	REGION_HUGEPAGE = 1 << 3,	/* "hg": MADV_HUGEPAGE */
	REGION_NOHUGEPAGE = 1 << 4,	/* "nh": MADV_NOHUGEPAGE */
	REGION_MERGEABLE = 1 << 5,	/* "mg": MADV_MERGEABLE */
	REGION_RANDOM = 1 << 6,		/* "rr": MADV_RANDOM */
	REGION_SEQUENTIAL = 1 << 7,	/* "sr": MADV_SEQUENTIAL */
	REGION_SEALED = 1 << 8,		/* "sl": mseal (Linux 6.10) */
	REGION_DONTCOPY = 1 << 9,	/* "dc": MADV_DONTFORK */
};

struct maps {
	struct region *regions;
	size_t count;
};

/* Reads /proc/PID/maps (PID may be a thread id). 0, or -1 with *errp. */
int maps_read(pid_t pid, struct maps *out, char **errp);

/*
 * As maps_read, from /proc/PID/smaps, with each region's advice (its
 * VmFlags). Slower: the kernel walks every page table for the sizes.
 */
int maps_read_smaps(pid_t pid, struct maps *out, char **errp);

/*
 * Parses the text of a maps file (a saved copy); `what` names it in error
 * messages. 0, or -1 with *errp ("WHAT: line 3: malformed").
 */
int maps_parse_text(const char *text, const char *what, struct maps *out,
    char **errp);

/* A deep copy of from into out (always 0; errp for symmetry). */
int maps_copy(const struct maps *from, struct maps *out, char **errp);

void maps_free(struct maps *maps);

/* The region containing addr, or NULL. */
const struct region *maps_find(const struct maps *maps, uint64_t addr);

/*
 * The first region whose name matches: exactly ("[heap]", "[stack]", a full
 * path) or by basename ("libc.so.6", "demo"). NULL when none does.
 */
const struct region *maps_find_name(const struct maps *maps, const char *name);

/*
 * Where NAME+OFF counts from for the region holding an address: the start
 * of the first mapping of the same file (its load base, the address
 * maps_find_name gives for the name), or the region's own start for
 * anonymous memory and [heap]-style names. Labels and address expressions
 * both use it, so a printed label reads back as the same address.
 */
uint64_t maps_label_base(const struct maps *maps, const struct region *r);

/* The basename of a region's name ("" for anonymous). */
const char *region_basename(const struct region *r);

static inline bool
region_readable(const struct region *r)
{
	return r->perms[0] == 'r';
}

#endif
