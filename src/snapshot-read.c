/*
 * snapshot-read.c: the read side of `save` (snapshot.c writes it). A
 * snapshot directory is opened as its core (postmortem.c) with the
 * directory's path kept in p->snapshot; the commands that read /proc of a
 * live process read the copies here instead (cmd-proc.c).
 *
 * What makes a directory a snapshot: summary.json, whole (a JSON object
 * from "{" to its last "}", as snap_summary writes it last of all), and
 * core. A file is read only by a relative name without "..", and no
 * symbolic link is followed: the directory may have come from elsewhere.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "corefile.h"
#include "maps.h"
#include "postmortem.h"
#include "snapshot-read.h"
#include "task.h"
#include "util.h"

static const char snapshot_none[] = "not available for a core file (it "
    "needs the live process, or a snapshot: --snapshot)";

static int snapshot_check(const char *dir, char **errp);
static int snapshot_name_regions(struct proc *p, char **errp);
static char *snapshot_inside(const char *dir);
static bool snapshot_name_ok(const char *name);
static int snapshot_cmp(const void *a, const void *b);

struct proc *
snapshot_open(const char *dir, const char *exe, char **errp)
{
	struct proc *p;
	char *core;

	if (snapshot_check(dir, errp) < 0)
		return NULL;
	core = xstrfmt("%s/core", dir);
	p = postmortem_open(core, exe, errp);
	free(core);
	if (p == NULL)
		return NULL;
	p->snapshot = xstrdup(dir);
	if (snapshot_name_regions(p, errp) < 0) {
		postmortem_close(p);
		return NULL;
	}
	return p;
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

/* The directory, its summary.json and its core are there and whole. */
static int
snapshot_check(const char *dir, char **errp)
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
	free(text);
	free(path);
	path = xstrfmt("%s/core", dir);
	if (stat(path, &st) < 0) {
		set_error(errp, "%s: %s (the snapshot has no core)", path,
		    strerror(errno));
		free(path);
		return -1;
	}
	free(path);
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
