/*
 * pane.h: the TUI API the panes use, and the table each pane exports. The
 * TUI core (tui.c, layout.c, bars.c, ... see tui-int.h) owns the terminal,
 * the layout, the only list of panes, the prompt, pop-ups and the main
 * loop, and reaches a pane only through its struct pane_ops. Each
 * pane-NAME.c exports one const struct pane_ops, keeps its own state in
 * statics (there is one TUI per process) and draws only into the WINDOW it
 * is given; layout.c composes the windows and calls doupdate().
 *
 * The panes sit between the core's files: they call bars.c, prompt.c and
 * popup.c (drawing helpers, messages, the prompt, pop-ups) by name, and
 * what lives above them (session.c, layout.c, input.c: focus, the shown
 * thread and frame, goto, maps) through the struct tui_ops that tui.c puts
 * in t->ops, behind the inline tui_* calls below; so no pane names a file
 * above it, and the call graph has no circle (docs/HACKING.md checks it).
 *
 * Panes reach the tracee only through the lower layers' headers (mem.h,
 * maps.h, tracer.h, cmd.h, unwind.h, procinfo.h) and the helpers below.
 */
#ifndef PTI_TUI_PANE_H
#define PTI_TUI_PANE_H

#include <curses.h>
#include <stdbool.h>
#include <stdint.h>

#include "maps.h"
#include "tracer.h"
#include "tui/format.h"

struct cmd_ctx;
struct frame;

enum pane_result {
	PANE_IGNORED,		/* not this pane's key: input.c tries it */
	PANE_HANDLED,		/* done, nothing changed on screen */
	PANE_REDRAW,		/* done, redraw */
	PANE_QUIT,		/* the user asked to quit */
};

enum tui_event {
	TUI_EV_PROC,		/* another (or the first) process shown */
	TUI_EV_PAUSED,		/* the shown process is now held */
	TUI_EV_RESUMED,		/* it was let go (continue, kill) */
	TUI_EV_GONE,		/* it is reaped */
	TUI_EV_MAPS,		/* t->maps was re-read */
	TUI_EV_TICK,		/* a live-refresh frame while it runs */
	TUI_EV_THREAD,		/* another thread is selected */
	TUI_EV_FRAME,		/* another frame of it is selected */
};

/* One line of the help screen: the keys and what they do. */
struct pane_key {
	const char *keys;
	const char *what;
};

struct tui;

struct pane_ops {
	const char *name;	/* the title: "Memory" */
	void (*draw)(struct tui *t, WINDOW *w, bool focused);
	enum pane_result (*key)(struct tui *t, int key);
	/* A click or wheel at window-relative y, x (may be NULL). */
	enum pane_result (*mouse)(struct tui *t, int y, int x, mmask_t bstate);
	/* Extra title text after the name (may be NULL). */
	void (*title)(struct tui *t, char *buf, size_t len);
	/* Something happened to the shown process (may be NULL). */
	void (*event)(struct tui *t, enum tui_event ev);
	const struct pane_key *keys;	/* for help, ends with { NULL } */
	/* The memory pane: shows addr, for tui_goto (NULL elsewhere). */
	void (*show_addr)(struct tui *t, uint64_t addr);
	/* Threads: the function tid is in, frame 0 (NULL elsewhere). */
	const char *(*thread_function)(struct tui *t, pid_t tid);
	/* Threads: frame n of tid's backtrace, or NULL (NULL elsewhere). */
	const struct frame *(*frame)(struct tui *t, pid_t tid, unsigned n);
};

extern const struct pane_ops pane_hex_ops;
extern const struct pane_ops pane_inspector_ops;
extern const struct pane_ops pane_regs_ops;
extern const struct pane_ops pane_regions_ops;
extern const struct pane_ops pane_threads_ops;
extern const struct pane_ops pane_output_ops;
extern const struct pane_ops pane_procs_ops;
extern const struct pane_ops pane_process_ops;
extern const struct pane_ops pane_help_ops;
extern const struct pane_ops pane_source_ops;
extern const struct pane_ops pane_code_ops;

/* Semantic colours; tui_attr() maps them to colour or monochrome attrs. */
enum tui_color {
	TC_NORMAL,
	TC_HEADER,		/* the status line */
	TC_TITLE,		/* a pane's title */
	TC_TITLE_FOCUS,		/* the focused pane's title */
	TC_CURSOR,		/* the memory cursor, selected rows */
	TC_CURSOR_DIM,		/* the cursor's twin, other column */
	TC_CHANGED,		/* a byte or register that changed */
	TC_ZERO,		/* zero bytes, unreadable bytes, dim text */
	TC_ADDR,		/* addresses */
	TC_ASCII,		/* the ASCII column */
	TC_ERROR,
	TC_KEY,			/* the function-key bar: the key */
	TC_KEYLABEL,		/* ... and its label */
	TC_SHARED,		/* the shared (live) mark */
	TC_COPY,		/* the copy mark */
	TC_PAUSED,		/* "paused at ..." in the status line */
	TC_EDIT,		/* the cursor while editing */
	TC_COUNT
};

struct tui_ops;

struct tui {
	const struct tui_ops *ops;	/* the calls up (tui.c's table) */
	struct tracer *tr;
	bool follow_forks;
	bool pause_on_exit;	/* -p: the root is held at its exit */
	bool all_gone;		/* tracer_poll said no process is left */
	pid_t pid;		/* the process shown; 0 before the spawn */
	pid_t tid;		/* the selected thread */
	unsigned sel_frame;	/* its selected frame (as bt numbers them) */
	struct proc *proc;	/* tracer_find_proc(pid), NULL once unknown */
	bool paused;		/* proc is PROC_PAUSED: threads held */
	struct maps maps;	/* a snapshot of its maps (count 0 if none) */
	uint64_t maps_ms;	/* when maps was read */
	uint64_t cursor;	/* the memory cursor (pane-hex.c moves it) */
	uint64_t now_ms;	/* monotonic time of this frame */
	unsigned long frame;	/* live-refresh frames so far */
	int live_hz;		/* the live refresh rate */
	bool color;		/* colours in use (not NO_COLOR, not mono) */
	struct scrollback out;	/* the program's output */
	const char *output_file;	/* -o FILE, or NULL */
	const char *save_dir;		/* --save=DIR, or NULL */
};

/* Attributes for a semantic colour, colour or monochrome. */
attr_t tui_attr(const struct tui *t, enum tui_color c);

/* A message in the status area until the next key (error: highlighted). */
void tui_msg(struct tui *t, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Opens the one-line prompt at the bottom; on Enter, done(t, text) runs
 * (not on Escape). `history` groups prompts sharing Up/Down history (0..5).
 */
void tui_prompt(struct tui *t, const char *label, int history,
    void (*done)(struct tui *t, const char *text));
/* The prompt just opened starts with text, the cursor at its end. */
void tui_prompt_text(const char *text);

/* Shows text (a command's output) in a scrollable pop-up. */
void tui_popup(struct tui *t, const char *title, const char *text);

/*
 * What the panes ask of the files above them (session.c, layout.c,
 * input.c), filled in by tui.c; the panes call the tui_* wrappers below.
 */
struct tui_ops {
	void (*input_start)(struct tui *t);
	void (*focus)(struct tui *t, const struct pane_ops *ops);
	const struct pane_ops *const *(*panes)(void);
	void (*go_to)(struct tui *t, uint64_t addr);
	struct thread *(*thread)(struct tui *t);
	void (*select_frame)(struct tui *t, pid_t tid, unsigned n);
	const struct frame *(*frame)(struct tui *t);
	void (*select_proc)(struct tui *t, pid_t pid);
	struct proc *(*procs)(struct tui *t);
	int (*refresh_maps)(struct tui *t);
	void (*cmd_ctx)(struct tui *t, struct cmd_ctx *ctx);
	void (*addr_label)(struct tui *t, uint64_t addr, char *buf,
	    size_t len);
};

/*
 * Keys go to the program's terminal (typed input, Enter, Backspace,
 * arrows) until Ctrl-] gives them back.
 */
static inline void
tui_input_start(struct tui *t)
{
	t->ops->input_start(t);
}

/* Moves the focus to a pane (showing it if it shares a slot). */
static inline void
tui_focus(struct tui *t, const struct pane_ops *ops)
{
	t->ops->focus(t, ops);
}

/* Every pane in layout order, for help (NULL-terminated). */
static inline const struct pane_ops *const *
tui_panes(struct tui *t)
{
	return t->ops->panes();
}

/* The memory pane shows addr with the cursor on it and takes the focus. */
static inline void
tui_goto(struct tui *t, uint64_t addr)
{
	t->ops->go_to(t, addr);
}

/* The selected thread of the shown process, or NULL. */
static inline struct thread *
tui_thread(struct tui *t)
{
	return t->ops->thread(t);
}

/* Selects frame n of thread tid (Source, Code and : commands follow). */
static inline void
tui_select_frame(struct tui *t, pid_t tid, unsigned n)
{
	t->ops->select_frame(t, tid, n);
}

/* The selected frame of the selected thread while held, or NULL. */
static inline const struct frame *
tui_frame(struct tui *t)
{
	return t->ops->frame(t);
}

/* Shows another process (-f). */
static inline void
tui_select_proc(struct tui *t, pid_t pid)
{
	t->ops->select_proc(t, pid);
}

/* Every process seen, gone ones too (a core's one): a list by ->next. */
static inline struct proc *
tui_procs(struct tui *t)
{
	return t->ops->procs(t);
}

/* Re-reads the maps now; 0, or -1 with a message shown. */
static inline int
tui_refresh_maps(struct tui *t)
{
	return t->ops->refresh_maps(t);
}

/* A command context on the shown process and thread (out/err unset). */
static inline void
tui_cmd_ctx(struct tui *t, struct cmd_ctx *ctx)
{
	t->ops->cmd_ctx(t, ctx);
}

/* "[heap]+0x40", "libc.so.6+0x1f00", "0x10 (unmapped)". */
static inline void
tui_addr_label(struct tui *t, uint64_t addr, char *buf, size_t len)
{
	t->ops->addr_label(t, addr, buf, len);
}

/* Writes a string clipped to the window's width from (y, x). */
void tui_put(WINDOW *w, int y, int x, attr_t attr, const char *s);

/* Shared helpers of list panes: scroll `top` so `sel` is visible. */
int tui_scroll_to(int sel, int top, int rows);

/*
 * A scrolled view of lines with a marked one (Source, Code): the keys
 * j k, arrows, PgUp PgDn, g G and the wheel scroll it, Enter (`centre`)
 * brings the marked line back to the middle.
 */
struct tui_view {
	int top;		/* the first line shown */
	int height;		/* the rows it had when last drawn */
	bool centre;		/* the marked line mid-view at the next draw */
};

enum pane_result tui_view_key(struct tui_view *v, int key);
enum pane_result tui_view_mouse(struct tui_view *v, mmask_t bstate);
/* Before drawing n lines, the marked one `mark`, in h rows. */
void tui_view_place(struct tui_view *v, int mark, int n, int h);

#endif
