/*
 * snapshot-read.h: a directory written by `save` opened again after the
 * process is gone (--snapshot=DIR): its core as a held process
 * (postmortem.c) and its copies of the /proc files, for the commands that
 * would read /proc of a live process.
 */
#ifndef PTI_SNAPSHOT_READ_H
#define PTI_SNAPSHOT_READ_H

#include <stddef.h>

struct proc;

/*
 * Opens dir: checks that it is a snapshot (a directory with a complete
 * summary.json and a core) and opens its core as postmortem_open does
 * (exe as there). NULL with *errp naming the file that is wrong.
 */
struct proc *snapshot_open(const char *dir, const char *exe, char **errp);

/*
 * The bytes of the snapshot's file name ("environ", "fdinfo/3"),
 * NUL-terminated, *lenp set if lenp is not NULL; malloc'd. NULL with
 * *errp: "DIR/NAME: not in this snapshot", or for a core opened without
 * a snapshot "not available for a core file (it needs the live process,
 * or a snapshot: --snapshot)".
 */
char *snapshot_file(const struct proc *p, const char *name, size_t *lenp,
    char **errp);

/*
 * The names of the files under dir of the snapshot (sub, "" for the
 * top), sorted, NULL-terminated, *count of them; a directory's name ends
 * in "/". NULL with *errp as snapshot_file.
 */
char **snapshot_list(const struct proc *p, const char *sub, size_t *count,
    char **errp);

#endif
