/*
 * snapshot.h: `save`, everything worth keeping of a held process in one
 * directory, so it can be looked at after the process is gone: its core
 * file, copies of its /proc files, its descriptors, backtraces and a
 * summary.json. Used by the `save` command and by --save.
 */
#ifndef PTI_SNAPSHOT_H
#define PTI_SNAPSHOT_H

#include <stdint.h>

struct cmd_ctx;
struct proc;
struct tracer;

struct snapshot_stats {
	unsigned files;		/* files written */
	unsigned errors;	/* parts that failed (listed in summary.json) */
	uint64_t core_size;	/* the core's apparent size; 0 if none */
	uint64_t ms;		/* how long it took */
};

/* "ptinspect.PID.COMM", the default directory (malloc'd). */
char *snapshot_default_name(const struct proc *p);

/* "PID-COMM", the name of p's directory under --save=DIR (malloc'd). */
char *snapshot_proc_name(const struct proc *p);

/*
 * Saves ctx->proc (paused) into dir, created if missing (its parent must
 * exist). A part that cannot be had (a /proc file gone, a core that
 * cannot be written) is listed in summary.json's "errors" and counted in
 * st->errors, the rest is still saved. 0, or -1 with *errp when nothing
 * could be saved (dir not made, process not paused). st may be NULL.
 * The commands it saves run through ctx->run (cmd_run sets it).
 */
int snapshot_save(struct cmd_ctx *ctx, const char *dir,
    struct snapshot_stats *st, char **errp);

/*
 * --save=DIR: saves p as DIR/PID-COMM (DIR created if missing) and
 * returns that path (malloc'd), or NULL with *errp. run is cmd_run (this
 * layer sits below cmd.c, which runs it through `save`).
 */
char *snapshot_save_under(struct tracer *tr, struct proc *p,
    const char *base, enum cmd_result (*run)(struct cmd_ctx *ctx,
    const char *line), struct snapshot_stats *st, char **errp);

#endif
