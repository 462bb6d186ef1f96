/*
 * tui-int.h: what the TUI's own modules share, and nothing the panes see
 * (they have pane.h). The TUI is split by concern, each file calling only
 * the ones below it, top to bottom:
 *
 *	tui.c		the main loop and tui_run, SIGTERM; fills the
 *			struct tui_ops the panes call up through
 *	relay.c		after the TUI closes: the program's output and
 *			terminal on the user's
 *	input.c		keys and mouse: who gets them, the function keys,
 *			the quit question, the : command, keys typed to
 *			the program
 *	session.c	the shown process: its events for the panes,
 *			letting processes go, the process half of pane.h
 *	layout.c	the only list of panes, the function keys' table,
 *			slots and focus, composing a frame (layout_draw
 *			calls doupdate() once)
 *	pane-*.c	one pane each
 *	prompt.c	the one-line prompt and its history
 *	popup.c		the scrollable text pop-up
 *	bars.c		colours, the status line, pane titles and tabs,
 *			the bottom row (messages, function keys), the
 *			too-small screen, pane.h's drawing helpers; the
 *			modes (struct tui_core)
 *	format.c pty.c	terminal-free formatting; the pseudo-terminal
 *
 * Files above the panes call them only through their struct pane_ops (or
 * name a pane's ops as a value: the lists, focus); the panes call what is
 * above them only through t->ops (pane.h), so no call goes up by name.
 */
#ifndef PTI_TUI_INT_H
#define PTI_TUI_INT_H

#include <signal.h>

#include "tui/pane.h"
#include "tui/pty.h"

#define MIN_COLS 80
#define MIN_ROWS 24
#define MAX_SLOTS 8
#define SLOT_PANES 6
#define KEY_CTRL(c) ((c) & 0x1f)

struct rect {
	int y, x, h, w;
};

/* A place on screen: a title row and a body showing one of its panes. */
struct slot {
	const struct pane_ops *panes[SLOT_PANES];
	int npanes;
	int shown;
	struct rect r;		/* title row included */
	int title_len;		/* the shown pane's title text, last drawn */
	WINDOW *title;
	WINDOW *body;
};

struct layout {
	struct slot slots[MAX_SLOTS];
	int nslots;
	struct rect sep_rect[MAX_SLOTS];	/* vertical separators */
	int nseps;
	bool too_small;
};

enum quit_state { QUIT_NONE, QUIT_ASK, QUIT_KILL_ASK };

/*
 * The modes and the program's terminal, shared by the loop and input;
 * defined in bars.c, the lowest file that reads it.
 */
struct tui_core {
	struct tui_pty pty;
	bool pty_eof;
	bool help_open;		/* the help overlay is up */
	bool input_mode;	/* keys go to the program */
	enum quit_state quit_state;
	bool quit_confirmed;	/* the quit question was answered */
	bool quit_killed;	/* ... with "kill" */
};

extern struct tui_core core;

/* Function keys: the bar's labels, and the pane and key each one sends. */
struct tui_fkey {
	int key;
	const char *label;
	const struct pane_ops *pane;	/* NULL: input.c handles it */
	int send;
};

/* input.c */
enum pane_result input_handle_key(struct tui *t, int key);
void input_start(struct tui *t);

/* session.c (the session_* ones are tui_* in pane.h, through t->ops) */
void tui_broadcast(struct tui *t, enum tui_event ev);
void tui_sync_proc(struct tui *t);
void tui_release_all(struct tui *t, bool kill_them);
void session_handle_tracer(struct tui *t);
bool session_nothing_held(struct tui *t);
struct thread *session_thread(struct tui *t);
void session_select_frame(struct tui *t, pid_t tid, unsigned n);
const struct frame *session_frame(struct tui *t);
void session_select_proc(struct tui *t, pid_t pid);
struct proc *session_procs(struct tui *t);
int session_refresh_maps(struct tui *t);
void session_cmd_ctx(struct tui *t, struct cmd_ctx *ctx);
void session_addr_label(struct tui *t, uint64_t addr, char *buf,
    size_t len);
void session_goto(struct tui *t, uint64_t addr);

/* layout.c */
extern const struct tui_fkey layout_fkeys[];
extern const size_t layout_nfkeys;
void layout_apply(struct tui *t);
void layout_free(void);
void layout_output_size(const struct tui *t, int rows, int cols,
    int *out_rows, int *out_cols);
const struct layout *layout_get(void);
const struct pane_ops *layout_focused(void);
void layout_focus(struct tui *t, const struct pane_ops *ops);
const struct pane_ops *const *layout_panes(void);
void layout_focus_cycle(struct tui *t, int dir);
void layout_draw(struct tui *t);

/* bars.c */
void bars_colors_init(struct tui *t);
void bars_msg_clear(void);
void bars_draw_status(struct tui *t, const char *fn);
void bars_draw_bottom(struct tui *t, const struct tui_fkey *fkeys,
    size_t n);
int bars_tab_label(const struct slot *s, int j, char *buf, size_t len);
void bars_draw_title(struct tui *t, struct slot *s,
    const struct pane_ops *focus);
void bars_draw_too_small(void);

/* prompt.c */
bool prompt_active(void);
enum pane_result prompt_key(struct tui *t, int key);
void prompt_draw(struct tui *t, int y);

/* popup.c */
bool popup_active(void);
enum pane_result popup_key(struct tui *t, int key);
void popup_draw(struct tui *t, WINDOW *overlay);
void popup_set_overlay_rows(int rows);

/* relay.c */
void relay_print_output(struct tui *t);
void relay_after_quit(struct tui *t, bool kill_them, int signal_fd,
    const volatile sig_atomic_t *terminating);

#endif
