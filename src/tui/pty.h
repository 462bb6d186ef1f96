/*
 * pty.h: the tracee's terminal. The TUI gives the program a
 * pseudo-terminal of its own so its output never lands on the TUI's
 * screen; the master side feeds the output pane. With -o FILE the
 * program's stdout and stderr go to FILE instead (stdin stays the pty).
 * No ncurses here: this runs partly in the child between fork and exec.
 */
#ifndef PTI_TUI_PTY_H
#define PTI_TUI_PTY_H

struct tui_pty {
	int master;		/* -1 when closed */
	char slave[64];		/* "/dev/pts/N" */
	int out_fd;		/* -o FILE, or -1 */
	int hold_fd;		/* our own slave descriptor: keeps reads on
				   the master from failing (EIO) before the
				   program opens it and after it exits */
};

/*
 * Opens a pseudo-terminal sized rows x cols, and output_file when not NULL.
 * 0, or -1 with *errp.
 */
int tui_pty_open(struct tui_pty *pty, const char *output_file, int rows,
    int cols, char **errp);

/*
 * Runs in the child before exec (struct tracer_opts.child_setup, arg is the
 * struct tui_pty): new session, the slave as controlling terminal and as
 * stdin, stdout and stderr (stdout/stderr to the -o file when given).
 */
void tui_pty_child_setup(void *arg);

/*
 * Closes our own slave descriptor (hold_fd): reads of the master fail
 * (EIO) once the program's processes have closed theirs.
 */
void tui_pty_drop_hold(struct tui_pty *pty);

/* Tells the program its terminal's size (SIGWINCH follows). */
void tui_pty_resize(const struct tui_pty *pty, int rows, int cols);

void tui_pty_close(struct tui_pty *pty);

#endif
