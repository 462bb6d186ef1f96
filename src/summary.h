/*
 * summary.h: --summary, one line per traced process once everything has
 * exited (pid, ppid, comm, lifetime, exit code or signal), as bcc's
 * exitsnoop prints them. It watches the tracer's process list between
 * events; it knows nothing of commands or terminals.
 */
#ifndef PTI_SUMMARY_H
#define PTI_SUMMARY_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

struct tracer;
struct summary;

/* Made just before tracer_spawn: the root's life starts then. */
struct summary *summary_new(void);
/*
 * Notes processes seen for the first time (their start) and those that
 * reached their exit (paused there, let go, or reaped). Call it after
 * tracer_spawn, after each tracer_poll, and once all is gone.
 */
void summary_update(struct summary *s, struct tracer *tr);
/*
 * Prints the processes in the order they exited: text with a heading,
 * or one JSON object a line. root_ppid stands for the root's parent
 * (ptinspect itself).
 */
void summary_print(const struct summary *s, FILE *f, bool json,
    pid_t root_ppid);
void summary_free(struct summary *s);

#endif
