/*
 * tracer-int.h: what tracer.c, tracer-child.c and tracer-policy.c share,
 * private to them.
 */
#ifndef PTI_TRACER_INT_H
#define PTI_TRACER_INT_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "task.h"
#include "util.h"

struct tracer_opts;

/*
 * The forked child: waits for a byte on go_fd (the parent has seized
 * it), restores the signal mask, runs opts->child_setup, installs the
 * filter (watching reserved_fd; -1: exit rules only), writes to report_fd
 * the filter's errno (0: installed, -1: not asked) and execs argv; if exec
 * fails, writes its errno too and exits 127 (not found) or 126.
 */
void tracer_child_main(const struct tracer_opts *opts, char *const argv[],
    int go_fd, int report_fd, const sigset_t *mask, int reserved_fd)
    PTI_NORETURN;

/* Reads len bytes unless EOF comes first: how many, or -1. */
ssize_t tracer_read_full(int fd, void *buf, size_t len);

/* "PROG: not found" (127) or "PROG: why" (126) into *exit_code. */
void tracer_report_exec_failure(const char *prog, int err, int *exit_code);

/* tracer-policy.c. Is p one that may pause (wanted, past exec, running)? */
bool tracer_should_pause(const struct proc *p);
/*
 * --pause-on and --only: is p to be held at this event? exit_code is the
 * exit status for PAUSE_EXIT.
 */
bool tracer_pause_chosen(const struct tracer_opts *opts, struct proc *p,
    enum pause_reason why, int exit_code);
/* Does delivering sig kill the process (default action, not caught)? */
bool tracer_signal_is_fatal(pid_t tid, int sig);
/* Does sig take its default action in tid (neither caught nor ignored)? */
bool tracer_signal_is_default(pid_t tid, int sig);

#endif
