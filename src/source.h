/*
 * source.h: finding a program's source files on disk. The path the debug
 * information gives (absolute through DW_AT_comp_dir) first, then in each
 * directory the user added with --source-dir, as gdb's `directory` does.
 */
#ifndef PTI_SOURCE_H
#define PTI_SOURCE_H

#include <stdio.h>

/* Adds a directory to search, after those added before. */
void source_add_dir(const char *dir);

/*
 * Opens the source file path (as the debug information names it) for
 * reading: path itself, then DIR/path and DIR/basename(path) for each
 * added DIR. Sets *found to the path opened (malloc'd). NULL with *errp
 * ("bt-nested.c: source file not found") when none can be opened.
 */
FILE *source_open(const char *path, char **found, char **errp);

#endif
