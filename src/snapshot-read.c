/*
 * snapshot-read.c: the read side of `save` (snapshot.c writes it). A
 * snapshot directory is opened as its core (postmortem.c) with the
 * directory's path kept in p->snapshot; the commands that read /proc of a
 * live process read the copies here instead (cmd-proc.c).
 *
 * What makes a directory a snapshot: summary.json, whole (a JSON object
 * from "{" to its last "}", as snap_summary writes it last of all), and
 * core; every file summary.json's "file_bytes" lists has the size it had
 * when saved (a snapshot copied or uploaded halfway is refused, the file
 * named). A file is read only by a relative name without "..", and no
 * symbolic link is followed: the directory may have come from elsewhere.
 *
 * summary.json is read back only for its flat objects of numbers
 * ("file_bytes", "times"), as snap_summary writes them: no general JSON
 * parser is needed, and anything else in it is for people and scripts.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "corefile.h"
#include "maps.h"
#include "postmortem.h"
#include "procinfo.h"
#include "snapshot-read.h"
#include "task.h"
#include "util.h"

static const char snapshot_none[] = "not available for a core file (it "
    "needs the live process, or a snapshot: --snapshot)";

/* One member of a flat JSON object of numbers: "maps": 4096. */
struct snapshot_count {
	char *name;
	uint64_t n;
};

static int snapshot_check(const char *dir, char **summaryp, char **errp);
static int snapshot_check_sizes(const char *dir, const char *summary,
    char **errp);
static int snapshot_counts(const char *json, const char *key,
    struct snapshot_count **out, size_t *count);
static void snapshot_counts_free(struct snapshot_count *v, size_t count);
static int snapshot_name_regions(struct proc *p, char **errp);
static char *snapshot_inside(const char *dir);
static bool snapshot_name_ok(const char *name);
static int snapshot_cmp(const void *a, const void *b);

struct proc *
snapshot_open(const char *dir, const char *exe, char **errp)
{
	struct proc *p;
	char *core, *summary;

	if (snapshot_check(dir, &summary, errp) < 0)
		return NULL;
	/* The core's own checks first: they say more than its size. */
	core = xstrfmt("%s/core", dir);
	p = postmortem_open(core, exe, errp);
	free(core);
	if (p == NULL) {
		free(summary);
		return NULL;
	}
	p->snapshot = xstrdup(dir);
	if (snapshot_check_sizes(dir, summary, errp) < 0 ||
	    snapshot_name_regions(p, errp) < 0) {
		postmortem_close(p);
		p = NULL;
	}
	free(summary);
	return p;
}

/*
 * Each file "file_bytes" lists is there with that size. A snapshot
 * written before sizes were recorded has none to check.
 */
static int
snapshot_check_sizes(const char *dir, const char *summary, char **errp)
{
	struct snapshot_count *v;
	struct stat st;
	size_t n, i;
	int rc;

	if ((rc = snapshot_counts(summary, "file_bytes", &v, &n)) > 0)
		return 0;
	if (rc < 0)
		return set_error(errp, "%s/summary.json: \"file_bytes\" is "
		    "not what `save` writes", dir);
	for (i = 0, rc = 0; i < n && rc == 0; i++) {
		char *path = xstrfmt("%s/%s", dir, v[i].name);

		if (!snapshot_name_ok(v[i].name))
			rc = set_error(errp, "%s/summary.json: \"file_bytes\" "
			    "names %s, not a file inside the snapshot", dir,
			    v[i].name);
		else if (lstat(path, &st) < 0)
			rc = set_error(errp, "%s: %s (saved with %" PRIu64
			    " bytes)", path, strerror(errno), v[i].n);
		else if ((uint64_t)st.st_size < v[i].n)
			rc = set_error(errp, "%s: cut short (%" PRIu64 " of %"
			    PRIu64 " bytes)", path, (uint64_t)st.st_size,
			    v[i].n);
		else if ((uint64_t)st.st_size > v[i].n)
			rc = set_error(errp, "%s: %" PRIu64 " bytes, %" PRIu64
			    " when saved (changed since)", path,
			    (uint64_t)st.st_size, v[i].n);
		free(path);
	}
	snapshot_counts_free(v, n);
	return rc;
}

/*
 * summary.json's member key, a flat object of names and numbers, into
 * *out (*count of them, malloc'd). 0; 1 when there is no such member or
 * it is null; -1 when it is not such an object.
 */
static int
snapshot_counts(const char *json, const char *key,
    struct snapshot_count **out, size_t *count)
{
	char *pat = xstrfmt("\"%s\":", key), *end;
	const char *s = strstr(json, pat);
	struct snapshot_count *v = NULL;
	size_t n = 0, len;

	*out = NULL;
	*count = 0;
	if (s != NULL)
		s += strlen(pat);
	free(pat);
	if (s == NULL || strncmp(s, "null", 4) == 0)
		return 1;
	if (*s++ != '{')
		return -1;
	while (*s != '}') {
		if (n > 0 && *s++ != ',')
			goto bad;
		if (*s++ != '"' || (len = strcspn(s, "\"\\")) == 0 ||
		    s[len] != '"' || s[len + 1] != ':' ||
		    s[len + 2] < '0' || s[len + 2] > '9')
			goto bad;
		v = xreallocarray(v, n + 1, sizeof *v);
		v[n].name = xstrndup(s, len);
		errno = 0;
		v[n++].n = strtoull(s + len + 2, &end, 10);
		if (errno != 0)
			goto bad;
		s = end;
	}
	*out = v;
	*count = n;
	return 0;
bad:
	snapshot_counts_free(v, n);
	return -1;
}

static void
snapshot_counts_free(struct snapshot_count *v, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(v[i].name);
	free(v);
}

int
snapshot_status(const struct proc *p, struct procinfo_status *out,
    bool *timed)
{
	struct snapshot_count *v;
	unsigned found = 0;
	char *text;
	size_t n, i;

	memset(out, 0, sizeof *out);
	*timed = false;
	out->pid = p->pid;
	if ((text = snapshot_file(p, "status", NULL, NULL)) == NULL)
		return -1;
	procinfo_status_parse(text, out);
	free(text);
	if ((text = snapshot_file(p, "summary.json", NULL, NULL)) == NULL ||
	    snapshot_counts(text, "times", &v, &n) != 0) {
		free(text);
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(v[i].name, "lifetime_ms") == 0) {
			out->lifetime_ms = v[i].n;
			found |= 1;
		} else if (strcmp(v[i].name, "cpu_user_ms") == 0) {
			out->utime_ms = v[i].n;
			found |= 2;
		} else if (strcmp(v[i].name, "cpu_system_ms") == 0) {
			out->stime_ms = v[i].n;
			found |= 4;
		}
	}
	*timed = found == 7;
	snapshot_counts_free(v, n);
	free(text);
	return 0;
}

char *
snapshot_thread_name(const struct proc *p, pid_t tid)
{
	char path[64], *name;

	if (p->snapshot != NULL) {
		snprintf(path, sizeof path, "task/%d/comm", (int)tid);
		name = snapshot_file(p, path, NULL, NULL);
	} else if (p->core != NULL) {
		/*
		 * The core's process is gone: its pid may be another's now.
		 * Its notes name the process (NT_PRPSINFO), no thread.
		 */
		return tid == p->pid ? xstrdup(p->comm) : NULL;
	} else {
		snprintf(path, sizeof path, "/proc/%d/task/%d/comm",
		    (int)p->pid, (int)tid);
		name = read_file_str(path, NULL);
	}
	if (name != NULL)
		name[strcspn(name, "\n")] = '\0';
	return name;
}

uint64_t *
snapshot_rss_kb(struct proc *p, const struct maps *m)
{
	struct procinfo_rss *v;
	uint64_t *kb;
	size_t n, i, j = 0;
	char *text;

	if (p->snapshot != NULL) {
		if ((text = snapshot_file(p, "smaps", NULL, NULL)) == NULL)
			return NULL;
		procinfo_rss_parse(text, &v, &n);
		free(text);
	} else if (p->core != NULL || procinfo_rss_read(proc_access_tid(p),
	    &v, &n, NULL) < 0) {
		return NULL;
	}
	/* Both lists are in address order: side by side. */
	kb = xreallocarray(NULL, m->count + 1, sizeof *kb);
	for (i = 0; i < m->count; i++) {
		const struct region *r = &m->regions[i];

		while (j < n && v[j].start < r->start)
			j++;
		kb[i] = j < n && v[j].start == r->start &&
		    v[j].end == r->end ? v[j].rss_kb : UINT64_MAX;
	}
	free(v);
	return kb;
}

/*
 * The names a core has no note for ([vvar], [vvar_vclock]; [heap] when
 * ptinspect did not redirect it) from the saved maps, where a region
 * there has the same range. A maps file that does not parse (cut short)
 * is bad input; none at all is not.
 */
static int
snapshot_name_regions(struct proc *p, char **errp)
{
	struct maps *cm = &p->core->maps, saved;
	char *text, *what;
	size_t i, j = 0;
	int rc;

	if ((text = snapshot_file(p, "maps", NULL, NULL)) == NULL)
		return 0;
	what = xstrfmt("%s/maps", p->snapshot);
	rc = maps_parse_text(text, what, &saved, errp);
	free(what);
	free(text);
	if (rc < 0)
		return -1;
	for (i = 0; i < cm->count; i++) {
		struct region *r = &cm->regions[i];

		while (j < saved.count && saved.regions[j].start < r->start)
			j++;
		if (j < saved.count && saved.regions[j].start == r->start &&
		    saved.regions[j].end == r->end && r->name[0] == '\0' &&
		    saved.regions[j].name[0] == '[') {
			free(r->name);
			r->name = xstrdup(saved.regions[j].name);
		}
	}
	maps_free(&saved);
	return 0;
}

/*
 * The directory, its summary.json (into *summaryp, malloc'd) and its core
 * are there, summary.json whole.
 */
static int
snapshot_check(const char *dir, char **summaryp, char **errp)
{
	struct stat st;
	char *path, *text;
	size_t len;

	if (stat(dir, &st) < 0)
		return set_error(errp, "%s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return set_error(errp, "%s: not a directory (a snapshot is "
		    "the directory `save` writes)", dir);
	path = xstrfmt("%s/summary.json", dir);
	text = read_file_str(path, &len);
	if (text == NULL) {
		char *sub = snapshot_inside(dir);

		if (sub != NULL)
			set_error(errp, "%s: not a snapshot, but it holds "
			    "some (--save=DIR makes one per process): %s",
			    dir, sub);
		else
			set_error(errp, "%s: %s (not a snapshot directory?)",
			    path, strerror(errno));
		free(sub);
		free(path);
		return -1;
	}
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' '))
		len--;
	if (len < 2 || text[0] != '{' || text[len - 1] != '}') {
		set_error(errp, "%s: truncated or not written by `save`",
		    path);
		free(text);
		free(path);
		return -1;
	}
	free(path);
	path = xstrfmt("%s/core", dir);
	if (stat(path, &st) < 0) {
		set_error(errp, "%s: %s (the snapshot has no core)", path,
		    strerror(errno));
		free(text);
		free(path);
		return -1;
	}
	free(path);
	*summaryp = text;
	return 0;
}

/* The first snapshot directory directly under dir ("DIR/PID-COMM"), or NULL. */
static char *
snapshot_inside(const char *dir)
{
	struct dirent *de;
	struct stat st;
	char *path, *found = NULL;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return NULL;
	while (found == NULL && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		path = xstrfmt("%s/%s/summary.json", dir, de->d_name);
		if (stat(path, &st) == 0)
			found = xstrfmt("%s/%s", dir, de->d_name);
		free(path);
	}
	closedir(d);
	return found;
}

char *
snapshot_file(const struct proc *p, const char *name, size_t *lenp,
    char **errp)
{
	struct stat st;
	char *path, *data;

	if (p->snapshot == NULL) {
		set_error(errp, "%s", snapshot_none);
		return NULL;
	}
	if (!snapshot_name_ok(name)) {
		set_error(errp, "%s: not a file name inside the snapshot",
		    name);
		return NULL;
	}
	path = xstrfmt("%s/%s", p->snapshot, name);
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		set_error(errp, "%s: not a regular file", path);
		free(path);
		return NULL;
	}
	data = read_file_str(path, lenp);
	if (data == NULL && errno == ENOENT)
		set_error(errp, "%s: not in this snapshot", path);
	else if (data == NULL)
		set_error(errp, "%s: %s", path, strerror(errno));
	free(path);
	return data;
}

char **
snapshot_list(const struct proc *p, const char *sub, size_t *count,
    char **errp)
{
	char **v = NULL, *path;
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	if (p->snapshot == NULL) {
		set_error(errp, "%s", snapshot_none);
		return NULL;
	}
	if (*sub != '\0' && !snapshot_name_ok(sub)) {
		set_error(errp, "%s: not a file name inside the snapshot",
		    sub);
		return NULL;
	}
	path = xstrfmt("%s/%s", p->snapshot, sub);
	d = opendir(path);
	if (d == NULL) {
		set_error(errp, "%s: %s", path, strerror(errno));
		free(path);
		return NULL;
	}
	free(path);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		v = xreallocarray(v, n + 2, sizeof *v);
		v[n++] = xstrfmt("%s%s", de->d_name,
		    de->d_type == DT_DIR ? "/" : "");
	}
	closedir(d);
	if (v == NULL)
		v = xcalloc(1, sizeof *v);
	qsort(v, n, sizeof *v, snapshot_cmp);
	v[n] = NULL;
	*count = n;
	return v;
}

/* Relative, no "." or ".." component, no empty one. */
static bool
snapshot_name_ok(const char *name)
{
	const char *s = name;
	size_t n;

	if (*name == '\0' || *name == '/')
		return false;
	while (*s != '\0') {
		n = strcspn(s, "/");
		if (n == 0 || (n == 1 && s[0] == '.') ||
		    (n == 2 && s[0] == '.' && s[1] == '.'))
			return false;
		s += n;
		if (*s == '/' && *++s == '\0')
			return true;
	}
	return true;
}

static int
snapshot_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}
