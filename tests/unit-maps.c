/*
 * unit-maps.c: the /proc/PID/maps parser on a sample with awkward names
 * (spaces, "(deleted)", anonymous lines with trailing blanks, out of
 * order), on malformed lines, and on this process's own maps; smaps'
 * VmFlags read as each region's advice, from a sample and from this
 * process's own smaps after madvise and mlock. Includes maps.c to reach
 * its text parser.
 */
#include "../src/maps.c"

#include <unistd.h>
#include <sys/mman.h>

#include "tap.h"

static const char sample[] =
    "7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0"
    "                          [stack]\n"
    "00400000-00452000 r-xp 00000000 08:02 173521      /usr/bin/dbus-daemon\n"
    "00651000-00652000 rw-p 00051000 08:02 173521      /usr/bin/dbus-daemon\n"
    "01e8d000-01eaf000 rw-p 00000000 00:00 0           [heap]\n"
    "7f0000000000-7f0000001000 rw-s 00000000 00:01 1234"
    "  /memfd:ptinspect (deleted)\n"
    "7f0000001000-7f0000002000 r--p 00001000 fd:1a 55"
    "   /tmp/my lib with spaces.so\n"
    "7f0000002000-7f0000003000 ---p 00000000 00:00 0 \n"
    "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0"
    "                  [vsyscall]";

static const char smaps_sample[] =
    "7f0000000000-7f0000100000 rw-s 00000000 00:01 1234"
    "  /memfd:ptinspect (deleted)\n"
    "Size:               1024 kB\n"
    "FilePmdMapped:         0 kB\n"
    "Locked:             1024 kB\n"
    "VmFlags: rd wr sh mr mw me ms lo lf dd sr \n"
    "7f0000100000-7f0000200000 rw-p 00000000 00:00 0 \n"
    "Rss:                   0 kB\n"
    "VmFlags: rd wr mr mw me ac hg nh rr mg\n"
    "7f0000200000-7f0000201000 r--p 00000000 00:00 0 \n"
    "VmFlags: rd mr mw me lod ddd\n";

static int marker_data = 42;

static void test_sample(void);
static void test_malformed(void);
static void test_self(void);
static void test_smaps(void);

int
main(void)
{
	test_sample();
	test_malformed();
	test_self();
	test_smaps();
	return tap_exit();
}

static void
test_sample(void)
{
	struct maps m;
	const struct region *r;
	char *err = NULL;
	size_t i;
	bool sorted = true;
	int rc;

	rc = maps_parse_text(sample, "sample", &m, &err);
	if (!tap_ok(rc == 0, "sample parses (%s)", err ? err : "ok"))
		return;
	tap_ok(m.count == 8, "8 regions (%zu)", m.count);
	for (i = 1; i < m.count; i++)
		if (m.regions[i - 1].start >= m.regions[i].start)
			sorted = false;
	tap_ok(sorted, "regions sorted by address");

	r = &m.regions[0];
	tap_ok(r->start == 0x400000 && r->end == 0x452000 &&
	    strcmp(r->perms, "r-xp") == 0 && r->offset == 0 &&
	    r->dev_major == 8 && r->dev_minor == 2 && r->inode == 173521 &&
	    strcmp(r->name, "/usr/bin/dbus-daemon") == 0,
	    "first line's fields");
	r = &m.regions[4];
	tap_ok(strcmp(r->name, "/tmp/my lib with spaces.so") == 0 &&
	    r->offset == 0x1000 && r->dev_major == 0xfd &&
	    r->dev_minor == 0x1a, "name with spaces kept whole: '%s'",
	    r->name);
	tap_ok(strcmp(m.regions[3].name, "/memfd:ptinspect (deleted)") == 0,
	    "(deleted) kept in the name");
	tap_ok(strcmp(m.regions[5].name, "") == 0 &&
	    strcmp(m.regions[5].perms, "---p") == 0,
	    "anonymous region with a trailing blank has an empty name");
	tap_ok(m.regions[7].start == 0xffffffffff600000ULL,
	    "16-digit addresses");

	tap_ok(maps_find(&m, 0x400000) == &m.regions[0], "find: start");
	tap_ok(maps_find(&m, 0x451fff) == &m.regions[0], "find: last byte");
	tap_ok(maps_find(&m, 0x452000) == NULL, "find: end is exclusive");
	tap_ok(maps_find(&m, 0x10) == NULL, "find: below everything");
	tap_ok(maps_find(&m, 0x7ffd00020fff) == &m.regions[6],
	    "find: [stack]");
	tap_ok(maps_find(&m, UINT64_MAX) == NULL, "find: above everything");

	tap_ok(maps_find_name(&m, "[heap]") == &m.regions[2],
	    "find_name: [heap]");
	tap_ok(maps_find_name(&m, "dbus-daemon") == &m.regions[0],
	    "find_name: basename gives the first mapping");
	tap_ok(maps_find_name(&m, "/usr/bin/dbus-daemon") == &m.regions[0],
	    "find_name: full path");
	tap_ok(maps_find_name(&m, "my lib with spaces.so") == &m.regions[4],
	    "find_name: basename with spaces");
	tap_ok(maps_find_name(&m, "memfd:ptinspect") == &m.regions[3],
	    "find_name: a deleted file by its name");
	tap_ok(maps_find_name(&m, "dbus") == NULL &&
	    maps_find_name(&m, "") == NULL &&
	    maps_find_name(&m, "[heap") == NULL,
	    "find_name: no prefix matches");
	tap_ok(strcmp(region_basename(&m.regions[4]),
	    "my lib with spaces.so") == 0 &&
	    strcmp(region_basename(&m.regions[2]), "[heap]") == 0 &&
	    strcmp(region_basename(&m.regions[5]), "") == 0,
	    "region_basename");
	maps_free(&m);
	tap_ok(m.count == 0 && m.regions == NULL, "maps_free empties");
}

static void
test_malformed(void)
{
	static const struct {
		const char *text;
		const char *what;
	} bad[] = {
		{ "zz-1000 r--p 00000000 00:00 0\n", "bad start" },
		{ "1000-2000 r--p 00000000 00:00\n", "no inode" },
		{ "1000-2000 rwzp 00000000 00:00 0\n", "bad perms" },
		{ "2000-1000 r--p 00000000 00:00 0\n", "end before start" },
		{ "1000 r--p 00000000 00:00 0\n", "no end" },
		{ "1000-2000 r--p 0 00:00 0 x\n1000-\n", "second line cut" },
		{ "11112222333344445-2 r--p 0 0:0 0\n", "17 hex digits" },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct maps m;
		char *err = NULL;
		int rc = maps_parse_text(bad[i].text, "f", &m, &err);

		tap_ok(rc == -1 && err != NULL && strncmp(err, "f: line ", 8) ==
		    0 && m.count == 0, "malformed (%s): %s", bad[i].what,
		    err ? err : "accepted");
		free(err);
	}
}

static void
test_self(void)
{
	struct maps m;
	const struct region *r;
	char *err = NULL;
	int local = 0, rc;

	rc = maps_read(getpid(), &m, &err);
	if (!tap_ok(rc == 0, "/proc/self/maps reads (%s)", err ? err : "ok"))
		return;
	r = maps_find(&m, (uint64_t)(uintptr_t)&marker_data);
	tap_ok(r != NULL && r->perms[1] == 'w', ".data is a writable region");
	r = maps_find(&m, (uint64_t)(uintptr_t)&local);
	tap_ok(r != NULL && strcmp(r->name, "[stack]") == 0,
	    "a local variable is on [stack]");
	r = maps_find(&m, (uint64_t)(uintptr_t)main);
	tap_ok(r != NULL && r->perms[2] == 'x' &&
	    strcmp(region_basename(r), "unit-maps") == 0,
	    "main() is in an executable region of unit-maps");
	r = maps_find_name(&m, "unit-maps");
	tap_ok(r != NULL && r->offset == 0, "program name: first mapping");
	maps_free(&m);

	rc = maps_read(999999999, &m, &err);
	tap_ok(rc == -1 && err != NULL &&
	    strstr(err, "/proc/999999999/maps: ") == err,
	    "missing pid: %s", err);
	free(err);
}

static void
test_smaps(void)
{
	size_t len = 64 << 10;
	unsigned char *p;
	struct maps m;
	const struct region *r;
	char *err = NULL;
	int rc;

	rc = maps_parse(smaps_sample, "smaps sample", true, &m, &err);
	tap_ok(rc == 0 && m.count == 3, "smaps sample: 3 regions (%s)",
	    err ? err : "ok");
	if (rc == 0 && m.count == 3) {
		tap_ok(m.regions[0].advice == (REGION_LOCKED |
		    REGION_LOCKONFAULT | REGION_DONTDUMP | REGION_SEQUENTIAL),
		    "lo lf dd sr, at the end of the line too (0x%x)",
		    m.regions[0].advice);
		tap_ok(m.regions[1].advice == (REGION_HUGEPAGE |
		    REGION_NOHUGEPAGE | REGION_RANDOM | REGION_MERGEABLE),
		    "hg nh rr mg, the last without a blank (0x%x)",
		    m.regions[1].advice);
		tap_ok(m.regions[2].advice == 0,
		    "\"lod\" and \"ddd\" are not lo and dd (0x%x)",
		    m.regions[2].advice);
		tap_ok(strcmp(m.regions[0].name, "/memfd:ptinspect (deleted)")
		    == 0 && m.regions[2].perms[0] == 'r',
		    "header lines parse as maps lines");
	}
	maps_free(&m);
	free(err);
	err = NULL;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!tap_ok(p != MAP_FAILED, "a mapping to advise"))
		return;
	madvise(p, len / 2, MADV_DONTDUMP);
	madvise(p + len / 2, len / 2, MADV_RANDOM);
	rc = maps_read_smaps(getpid(), &m, &err);
	if (tap_ok(rc == 0, "/proc/self/smaps reads (%s)", err ? err : "ok")) {
		r = maps_find(&m, (uint64_t)(uintptr_t)p);
		tap_ok(r != NULL && r->advice == REGION_DONTDUMP &&
		    r->end == (uint64_t)(uintptr_t)(p + len / 2),
		    "MADV_DONTDUMP's half: dd only");
		r = maps_find(&m, (uint64_t)(uintptr_t)(p + len / 2));
		tap_ok(r != NULL && r->advice == REGION_RANDOM,
		    "MADV_RANDOM's half: rr only");
		r = maps_find(&m, (uint64_t)(uintptr_t)&marker_data);
		tap_ok(r != NULL && r->advice == 0, ".data: no advice");
		maps_free(&m);
	}
	free(err);
	munmap(p, len);
}
