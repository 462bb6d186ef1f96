/*
 * input.c: keys and the mouse. A key goes to the quit question, the
 * prompt, the program (in input mode), the pop-up or help when one of
 * them is up; otherwise to the focused pane, and what it ignores is
 * handled here: Tab, the function keys, :, !, ?, p, S, C, q, Ctrl-C. The
 * terminal is raw, so Ctrl-C is a key; typed to the program it reaches its
 * terminal. Below the loop only; it calls session.c, layout.c, the prompt,
 * the pop-up, bars.c and the panes (through their struct pane_ops); the
 * Output pane reaches input_start through t->ops.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "tracer.h"
#include "tui/pane.h"
#include "tui/tui-int.h"
#include "util.h"

static enum pane_result mouse_event(struct tui *t);
static void command_done(struct tui *t, const char *line);
static void shell_done(struct tui *t, const char *line);
static enum pane_result input_key(struct tui *t, int key);
static enum pane_result global_key(struct tui *t, int key);
static enum pane_result quit_key(struct tui *t, int key);

/* Which slot a screen position falls in, and the position inside it. */
static enum pane_result
mouse_event(struct tui *t)
{
	const struct layout *lay = layout_get();
	MEVENT ev;

	if (getmouse(&ev) != OK || lay->too_small)
		return PANE_HANDLED;
	if (core.help_open || popup_active()) {
		if (ev.bstate & BUTTON4_PRESSED)
			return core.help_open ? pane_help_ops.key(t, KEY_UP) :
			    popup_key(t, KEY_UP);
		if (ev.bstate & BUTTON5_PRESSED)
			return core.help_open ? pane_help_ops.key(t, KEY_DOWN) :
			    popup_key(t, KEY_DOWN);
		return PANE_HANDLED;
	}
	for (int i = 0; i < lay->nslots; i++) {
		const struct slot *s = &lay->slots[i];
		const struct pane_ops *p;

		if (ev.y < s->r.y || ev.y >= s->r.y + s->r.h ||
		    ev.x < s->r.x || ev.x >= s->r.x + s->r.w)
			continue;
		if (ev.y == s->r.y && s->npanes > 1) {
			/* A click on a tab name shows that pane. */
			int x = s->r.x;

			for (int j = 0; j < s->npanes; j++) {
				char name[48];
				int w = bars_tab_label(s, j, name,
				    sizeof(name));

				if (ev.x >= x && ev.x < x + w)
					layout_focus(t, s->panes[j]);
				x += w;
			}
			return PANE_REDRAW;
		}
		p = s->panes[s->shown];
		if (ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED |
		    BUTTON1_DOUBLE_CLICKED))
			layout_focus(t, p);
		if (ev.y == s->r.y || p->mouse == NULL)
			return PANE_REDRAW;
		p->mouse(t, ev.y - s->r.y - 1, ev.x - s->r.x, ev.bstate);
		return PANE_REDRAW;
	}
	return PANE_HANDLED;
}

/* The : command: its result as a message, or a pop-up when long. */
static void
command_done(struct tui *t, const char *line)
{
	struct cmd_ctx ctx;
	char *out = NULL, *err = NULL;
	size_t out_len = 0, err_len = 0, len;
	char *text;

	if (t->proc == NULL) {
		tui_msg(t, true, "%s: no process", line);
		return;
	}
	session_cmd_ctx(t, &ctx);
	ctx.out = open_memstream(&out, &out_len);
	ctx.err = open_memstream(&err, &err_len);
	if (ctx.out == NULL || ctx.err == NULL)
		fatal("open_memstream");
	cmd_run(&ctx, line);
	/* frame, up, down: Source, Code and Threads follow. */
	if (ctx.frame != t->sel_frame)
		session_select_frame(t, t->tid, ctx.frame);
	fclose(ctx.out);
	fclose(ctx.err);
	text = xstrfmt("%s%s", out, err);
	len = strlen(text);
	while (len > 0 && text[len - 1] == '\n')
		text[--len] = '\0';
	if (strchr(text, '\n') == NULL && (int)strlen(text) < COLS)
		tui_msg(t, err_len > 0, "%s", *text ? text : "(no output)");
	else
		tui_popup(t, line, text);
	free(text);
	free(out);
	free(err);
	tui_sync_proc(t);
	tui_broadcast(t, TUI_EV_MAPS);
}

/*
 * The ! command, as vi and less run one: curses steps aside, `shell CMD`
 * (cmd-shell.c: /bin/sh -c with PTINSPECT_PID, _TID and _EXE) writes to
 * the user's terminal, then "press Enter" and the screen comes back.
 * The tracer ignores SIGINT and SIGQUIT while it traces (tracer.c), as
 * system(3) would for the command's time, so Ctrl-C stops the command
 * and not ptinspect; the process stays as it was (held, or running with
 * its events waiting).
 */
static void
shell_done(struct tui *t, const char *line)
{
	struct cmd_ctx ctx;
	enum cmd_result r;
	char *cmd, c;
	ssize_t n;

	if (t->proc == NULL) {
		tui_msg(t, true, "!%s: no process", line);
		return;
	}
	if (*line == '\0')
		return;
	def_prog_mode();
	endwin();
	printf("\n$ %s\n", line);
	fflush(stdout);
	session_cmd_ctx(t, &ctx);
	ctx.out = stdout;
	ctx.err = stderr;
	cmd = xstrfmt("shell %s", line);
	r = cmd_run(&ctx, cmd);
	free(cmd);
	if (r == CMD_OK)
		printf("(exit status 0)\n");
	printf("[ptinspect: press Enter to return]");
	fflush(stdout);
	for (;;) {
		struct pollfd pfd = { .fd = 0, .events = POLLIN };

		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			break;
		n = read(0, &c, 1);
		if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN) ||
		    (n == 1 && (c == '\n' || c == '\r')))
			break;
	}
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
	tui_sync_proc(t);
	tui_broadcast(t, TUI_EV_MAPS);
}

void
input_start(struct tui *t)
{
	if (t->tr == NULL) {
		tui_msg(t, true, "input: no live process (a core is "
		    "read-only)");
		return;
	}
	if (core.pty_eof || t->all_gone) {
		tui_msg(t, true, "input: the program's terminal is closed");
		return;
	}
	core.input_mode = true;
}

/* In input mode: what a terminal would send for the key, to the program. */
static enum pane_result
input_key(struct tui *t, int key)
{
	static const struct {
		int key;
		const char *seq;
	} keys[] = {
		{ KEY_ENTER, "\r" }, { KEY_BACKSPACE, "\x7f" },
		{ KEY_UP, "\x1b[A" }, { KEY_DOWN, "\x1b[B" },
		{ KEY_RIGHT, "\x1b[C" }, { KEY_LEFT, "\x1b[D" },
		{ KEY_HOME, "\x1b[H" }, { KEY_END, "\x1b[F" },
		{ KEY_DC, "\x1b[3~" },
	};
	char c = (char)key;
	const char *seq = NULL;
	size_t len = 1;

	if (key == 0x1d) {		/* Ctrl-] */
		core.input_mode = false;
		return PANE_REDRAW;
	}
	if (key == KEY_MOUSE) {
		/* A click elsewhere takes the keyboard back. */
		core.input_mode = false;
		return mouse_event(t);
	}
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (keys[i].key == key)
			seq = keys[i].seq;
	if (seq != NULL)
		len = strlen(seq);
	else if (key >= 0 && key < 0x100)
		seq = &c;
	else
		return PANE_HANDLED;
	if (write(core.pty.master, seq, len) < 0) {
		tui_msg(t, true, "input: %s", strerror(errno));
		core.input_mode = false;
	}
	return PANE_REDRAW;
}

/* Keys nobody else took: focus, function keys, the prompt, quitting. */
static enum pane_result
global_key(struct tui *t, int key)
{
	char *err = NULL;

	for (size_t i = 0; i < layout_nfkeys; i++) {
		const struct tui_fkey *f = &layout_fkeys[i];

		if (key != f->key || f->pane == NULL)
			continue;
		layout_focus(t, f->pane);
		if (layout_focused() == f->pane)
			return f->pane->key(t, f->send);
		return PANE_REDRAW;
	}
	switch (key) {
	case '\t':
		layout_focus_cycle(t, 1);
		return PANE_REDRAW;
	case KEY_BTAB:
		layout_focus_cycle(t, -1);
		return PANE_REDRAW;
	case '?':
	case KEY_F(1):
		core.help_open = true;
		return PANE_REDRAW;
	case ':':
		tui_prompt(t, ":", 0, command_done);
		return PANE_REDRAW;
	case '!':
		if (t->tr == NULL) {
			tui_msg(t, true, "shell: no live process (a core is "
			    "read-only)");
			return PANE_REDRAW;
		}
		tui_prompt(t, "!", 4, shell_done);
		return PANE_REDRAW;
	case 'p':
		layout_focus(t, &pane_process_ops);
		return PANE_REDRAW;
	case 'S':
		layout_focus(t, &pane_source_ops);
		return PANE_REDRAW;
	case 'C':
		layout_focus(t, &pane_code_ops);
		return PANE_REDRAW;
	case KEY_F(12):
		layout_focus(t, layout_focused() == &pane_source_ops ?
		    &pane_code_ops : &pane_source_ops);
		return PANE_REDRAW;
	case KEY_F(8):
		if (t->tr == NULL) {
			tui_msg(t, true, "continue: no live process (a core "
			    "is read-only)");
		} else if (t->proc != NULL && t->proc->state == PROC_RUNNING) {
			/* Pause on demand, as gdb's Ctrl-C. */
			if (tracer_pause(t->tr, t->proc, PAUSE_REQUEST,
			    &err) < 0) {
				tui_msg(t, true, "pause: %s", err);
				free(err);
			}
		} else if (t->proc == NULL || t->proc->state != PROC_PAUSED) {
			tui_msg(t, true, "continue: pid %d is not paused",
			    (int)t->pid);
		} else if (tracer_continue(t->tr, t->proc, &err) < 0) {
			tui_msg(t, true, "continue: %s", err);
			free(err);
		}
		tui_sync_proc(t);
		return PANE_REDRAW;
	case KEY_F(9):
		if (t->tr == NULL)
			tui_msg(t, true, "kill: no live process (a core is "
			    "read-only)");
		else if (t->proc == NULL || t->proc->state == PROC_GONE)
			tui_msg(t, true, "kill: pid %d is gone", (int)t->pid);
		else
			core.quit_state = QUIT_KILL_ASK;
		return PANE_REDRAW;
	case 'q':
	case KEY_F(10):
		return PANE_QUIT;
	case KEY_CTRL('l'):
		clearok(curscr, TRUE);
		return PANE_REDRAW;
	case KEY_CTRL('c'):
	case KEY_CTRL('\\'):
		tui_msg(t, false, "Ctrl-%c does not quit: press q (F9 kills "
		    "the program)", key == KEY_CTRL('c') ? 'C' : '\\');
		return PANE_REDRAW;
	case KEY_CTRL('z'):
		/* Raw mode makes it a key: suspend as cbreak mode would. */
		raise(SIGTSTP);
		return PANE_REDRAW;
	}
	return PANE_HANDLED;
}

static enum pane_result
quit_key(struct tui *t, int key)
{
	char *err = NULL;

	if (core.quit_state == QUIT_KILL_ASK) {
		core.quit_state = QUIT_NONE;
		if ((key == 'y' || key == 'Y') && t->proc != NULL &&
		    tracer_kill(t->tr, t->proc, &err) < 0) {
			tui_msg(t, true, "kill: %s", err);
			free(err);
		}
		tui_sync_proc(t);
		return PANE_REDRAW;
	}
	switch (key) {
	case 'c':
	case 'C':
	case 'k':
	case 'K':
		core.quit_state = QUIT_NONE;
		core.quit_confirmed = true;
		core.quit_killed = key == 'k' || key == 'K';
		tui_release_all(t, core.quit_killed);
		return PANE_QUIT;
	case 27:
	case 'n':
	case KEY_CTRL('c'):
		core.quit_state = QUIT_NONE;
		return PANE_REDRAW;
	}
	return PANE_HANDLED;
}

enum pane_result
input_handle_key(struct tui *t, int key)
{
	enum pane_result r = PANE_IGNORED;

	if (key == KEY_RESIZE) {
		layout_apply(t);
		return PANE_REDRAW;
	}
	if (layout_get()->too_small)
		return key == 'q' || key == KEY_F(10) ? PANE_QUIT :
		    PANE_HANDLED;
	if (core.quit_state != QUIT_NONE)
		return quit_key(t, key);
	if (prompt_active())
		return prompt_key(t, key);
	if (core.input_mode)
		return input_key(t, key);
	bars_msg_clear();
	if (key == KEY_MOUSE)
		return mouse_event(t);
	if (popup_active())
		return popup_key(t, key);
	if (core.help_open) {
		r = pane_help_ops.key(t, key);
		if (r == PANE_IGNORED && (key == 27 || key == 'q' ||
		    key == '?' || key == KEY_F(1) || key == KEY_F(10))) {
			core.help_open = false;
			r = PANE_REDRAW;
		}
		return r == PANE_IGNORED ? PANE_HANDLED : r;
	}
	r = layout_focused()->key(t, key);
	if (r == PANE_IGNORED)
		r = global_key(t, key);
	return r;
}
