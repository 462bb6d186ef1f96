/*
 * snapshot-read.h: a directory written by `save` opened again after the
 * process is gone (--snapshot=DIR): its core as a held process
 * (postmortem.c) and its copies of the /proc files, for the commands that
 * would read /proc of a live process.
 */
#ifndef PTI_SNAPSHOT_READ_H
#define PTI_SNAPSHOT_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct maps;
struct proc;
struct procinfo_status;

/*
 * Opens dir: checks that it is a snapshot (a directory with a complete
 * summary.json, a core, and every file it lists of the size it was
 * saved with) and opens its core as postmortem_open does (exe as there).
 * NULL with *errp naming the file that is wrong: "DIR/environ: cut short
 * (100 of 2315 bytes)".
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

/*
 * What `status` says from a snapshot: the saved status file's ids, peak
 * RSS and context switches, and (*timed) the lifetime and CPU times when
 * it was saved. 0, or -1 when the snapshot has no status file.
 */
int snapshot_status(const struct proc *p, struct procinfo_status *out,
    bool *timed);

/*
 * Thread tid's name (comm, no newline), malloc'd: a live process's
 * /proc/PID/task/TID/comm, a snapshot's saved copy, or for a core the
 * process's comm for its leader (an ELF core names no thread). NULL when
 * there is none.
 */
char *snapshot_thread_name(const struct proc *p, pid_t tid);

/*
 * The resident size in kB of each region of m (p's regions in address
 * order, as mem_maps_read gives them), UINT64_MAX where smaps has no
 * mapping of that range: a live process's smaps, or a snapshot's saved
 * copy. malloc'd, m->count entries; NULL for a plain core or when smaps
 * cannot be read.
 */
uint64_t *snapshot_rss_kb(struct proc *p, const struct maps *m);

#endif
