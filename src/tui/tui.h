/*
 * tui.h: the ncurses interface's single entry point. The TUI spawns the
 * program itself (it needs to put its output on a pseudo-terminal), runs
 * the tracer's event loop alongside the keyboard, and returns ptinspect's
 * exit status when the user quits and the tracee is gone.
 */
#ifndef PTI_TUI_H
#define PTI_TUI_H

#include "tracer.h"

struct tui_opts {
	struct tracer_opts tracer;	/* child_setup is the TUI's to set */
	const char *output_file;	/* -o FILE: tracee output goes there */
	const char *save_dir;		/* --save=DIR, or NULL */
};

/* Returns the exit status for ptinspect (the tracee's, see tracer_finish). */
int tui_run(const struct tui_opts *opts, char *const argv[]);

/*
 * The same screens on a process that is gone (postmortem.c: --core,
 * --snapshot), read-only: no tracer, no program terminal. Returns 0 when
 * the user quits (128+15 on SIGTERM).
 */
int tui_run_post(struct proc *p);

#endif
