/*
 * source.c: the --source-dir list and the search through it (source.h).
 * Plain files only; no ncurses, no process.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "source.h"
#include "util.h"

static char **source_dirs;
static size_t source_ndirs;

void
source_add_dir(const char *dir)
{
	source_dirs = xreallocarray(source_dirs, source_ndirs + 1,
	    sizeof *source_dirs);
	source_dirs[source_ndirs++] = xstrdup(dir);
}

FILE *
source_open(const char *path, char **found, char **errp)
{
	const char *base = strrchr(path, '/');
	char *try;
	FILE *f;
	size_t i;
	int k;

	base = base != NULL ? base + 1 : path;
	if ((f = fopen(path, "r")) != NULL) {
		*found = xstrdup(path);
		return f;
	}
	for (i = 0; i < source_ndirs; i++) {
		for (k = 0; k < 2; k++) {
			try = xstrfmt("%s/%s", source_dirs[i],
			    k == 0 ? path : base);
			if ((f = fopen(try, "r")) != NULL) {
				*found = try;
				return f;
			}
			free(try);
		}
	}
	set_error(errp, "%s: source file not found%s", path, source_ndirs ?
	    " (nor in the --source-dir directories)" : "");
	return NULL;
}
