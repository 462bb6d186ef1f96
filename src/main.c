/*
 * main.c: options, and the choice between batch mode and the TUI.
 *
 * Batch mode runs the -ex/-x commands against each process as it pauses,
 * then lets its exit happen; the TUI (tui/) does everything else. Both end
 * with tracer_finish(), whose result is ptinspect's exit status: the
 * tracee's own, or 128+N for a death by signal N (see tracer.h).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "tracer.h"
#include "tui/tui.h"
#include "unwind.h"
#include "util.h"

#define EXIT_USAGE 2

struct options {
	struct tracer_opts tracer;
	bool batch;
	bool json;
	FILE *cmd_out;		/* --json=FILE, else stdout */
	const char *output_file;
	struct command *commands;	/* -ex and -x lines, in order */
	size_t ncommands;
};

/* One command line, and for a -x line the "FILE:LINE" it came from. */
struct command {
	char *line;
	char *where;		/* NULL for -ex */
};

enum {
	OPT_NO_SECCOMP = 256,
	OPT_NO_REDIRECT,
	OPT_EX,
};

static const char usage_line[] =
    "usage: ptinspect [OPTIONS] [--] PROGRAM [ARG...]";

static const char help_text[] =
    "Run PROGRAM under ptrace and inspect its memory, live and at its exit.\n"
    "\n"
    "  -p, --pause-on-exit     hold the process when it calls exit_group,\n"
    "                          when its last thread exits, or just before a\n"
    "                          fatal signal kills it\n"
    "  -f, --follow-forks      child processes pause at their exit too\n"
    "  -b, --batch             no TUI: run the commands at each pause, then\n"
    "                          let the exit happen (with -ex implies -p)\n"
    "  -ex CMD, --ex CMD, --eval-command CMD\n"
    "                          run CMD at the pause (repeatable)\n"
    "  -x FILE, --command FILE run the commands in FILE, one a line\n"
    "  -j, --json[=FILE]       print each command's result as one JSON line,\n"
    "                          to FILE (not the program's stdout) if given\n"
    "  -o FILE, --output FILE  TUI: send the program's output to FILE\n"
    "      --no-seccomp        trace every syscall instead of using a\n"
    "                          seccomp filter (slow; for comparison)\n"
    "      --no-redirect       leave the program's memory private: no\n"
    "                          shared memfd, every access by syscall\n"
    "  -h, --help              show this help and exit\n"
    "  -V, --version           show the version and exit\n"
    "\n"
    "Commands: status, maps, x ADDR [LEN], write ADDR DATA, find DATA\n"
    "[REGION], regs [TID], threads, bt [TID|all], stats, fds, env [NAME],\n"
    "cmdline, cwd, exe, root, limits, signals [TID], proc [FILE], shell CMD,\n"
    "hold [SECONDS], continue, kill, help. ADDR: 0x7ffd..., 4096, $rsp,\n"
    "[heap]+0x40, libc.so.6-16.\n"
    "\n"
    "Exit status: the program's own; 128+N if it died of signal N; 125 if\n"
    "ptinspect failed, 126 if PROGRAM is not executable, 127 if not found.\n"
    "See ptinspect(1).\n";

static void PTI_NORETURN
usage_error(const char *msg)
{
	fprintf(stderr, "%s: %s\n%s\nTry 'ptinspect --help' for more.\n",
	    progname, msg, usage_line);
	exit(EXIT_USAGE);
}

static void
add_command(struct options *o, const char *line, char *where)
{
	o->commands = xreallocarray(o->commands, o->ncommands + 1,
	    sizeof(*o->commands));
	o->commands[o->ncommands].line = xstrdup(line);
	o->commands[o->ncommands++].where = where;
}

static void PTI_NORETURN
command_file_error(const char *path, unsigned long lineno, const char *msg)
{
	if (lineno > 0)
		fprintf(stderr, "%s: %s:%lu: %s\n", progname, path, lineno,
		    msg);
	else
		fprintf(stderr, "%s: %s: %s\n", progname, path, msg);
	exit(EXIT_USAGE);
}

/*
 * -x FILE: one command a line; blank lines and # comments are skipped.
 * Refuses what cannot be a file of commands (a directory, a binary) before
 * anything runs: a NUL byte or another control character than tab and CR
 * names the line.
 */
static void
add_command_file(struct options *o, const char *path)
{
	char *line = NULL, *s;
	unsigned long lineno = 0;
	size_t cap = 0, i;
	ssize_t n;
	FILE *f;

	f = fopen(path, "r");
	if (f == NULL)
		command_file_error(path, 0, strerror(errno));
	errno = 0;
	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (strlen(line) != (size_t)n)
			command_file_error(path, lineno, "NUL byte in the "
			    "line (not a text file of commands)");
		line[strcspn(line, "\r\n")] = '\0';
		for (i = 0; line[i] != '\0'; i++)
			if ((unsigned char)line[i] < 0x20 && line[i] != '\t')
				command_file_error(path, lineno, "control "
				    "character in the line (not a text "
				    "file of commands)");
		s = line + strspn(line, " \t");
		if (*s != '\0' && *s != '#')
			add_command(o, s, xstrfmt("%s:%lu", path, lineno));
		errno = 0;
	}
	if (ferror(f))
		command_file_error(path, 0, strerror(errno));
	free(line);
	fclose(f);
}

/*
 * gdb spells it -ex; getopt_long would read that as -e -x. Rewrite it to
 * --ex among the options (stepping over option arguments) before PROGRAM.
 * The rewritten words point at gdb_style_ex, so messages can say "-ex".
 */
static char gdb_style_ex[] = "--ex";

static void
rewrite_gdb_style_options(int argc, char **argv)
{
	static const char *const with_argument[] = {
		"--ex", "--eval-command", "-x", "--command", "-o", "--output",
	};
	size_t k;
	int i = 1;

	while (i < argc && argv[i][0] == '-' && strcmp(argv[i], "--") != 0) {
		if (strcmp(argv[i], "-ex") == 0)
			argv[i] = gdb_style_ex;
		for (k = 0; k < ARRAY_SIZE(with_argument); k++)
			if (strcmp(argv[i], with_argument[k]) == 0)
				break;
		i += k < ARRAY_SIZE(with_argument) ? 2 : 1;
	}
}

/*
 * --json=FILE: the command results go to FILE, so they never mix with the
 * program's own stdout. Opened (close-on-exec) before the program starts,
 * so a bad FILE costs nothing.
 */
static void
open_json_file(struct options *o, const char *path)
{
	if (o->cmd_out != NULL)
		fclose(o->cmd_out);
	o->cmd_out = fopen(path, "we");
	if (o->cmd_out == NULL) {
		warnx_msg("--json=%s: %s", path, strerror(errno));
		exit(EXIT_USAGE);
	}
	setvbuf(o->cmd_out, NULL, _IOLBF, 0);
}

static int
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "pause-on-exit", no_argument, NULL, 'p' },
		{ "follow-forks", no_argument, NULL, 'f' },
		{ "batch", no_argument, NULL, 'b' },
		{ "ex", required_argument, NULL, OPT_EX },
		{ "eval-command", required_argument, NULL, OPT_EX },
		{ "command", required_argument, NULL, 'x' },
		{ "json", optional_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		{ "no-seccomp", no_argument, NULL, OPT_NO_SECCOMP },
		{ "no-redirect", no_argument, NULL, OPT_NO_REDIRECT },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	rewrite_gdb_style_options(argc, argv);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:pfbx:jo:hV", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'p':
			o->tracer.pause_on_exit = true;
			break;
		case 'f':
			o->tracer.follow_forks = true;
			break;
		case 'b':
			o->batch = true;
			break;
		case OPT_EX:
			add_command(o, optarg, NULL);
			break;
		case 'x':
			add_command_file(o, optarg);
			break;
		case 'j':
			o->json = true;
			if (optarg != NULL)
				open_json_file(o, optarg);
			break;
		case 'o':
			o->output_file = optarg;
			break;
		case OPT_NO_SECCOMP:
			o->tracer.no_seccomp = true;
			break;
		case OPT_NO_REDIRECT:
			o->tracer.no_redirect = true;
			break;
		case 'h':
			printf("%s\n\n%s", usage_line, help_text);
			exit(0);
		case 'V':
			printf("ptinspect %s\n", PACKAGE_VERSION);
			exit(0);
		case ':':
			usage_error(xstrfmt("option '%s' needs an argument",
			    argv[optind - 1] == gdb_style_ex ? "-ex" :
			    argv[optind - 1]));
		default:
			usage_error(xstrfmt("unknown option '%s'",
			    argv[optind - 1]));
		}
	}
	if (optind >= argc)
		usage_error("no PROGRAM given");
	if (o->batch && o->ncommands > 0)
		o->tracer.pause_on_exit = true;
	if (!o->batch && o->ncommands > 0)
		usage_error("-ex and -x need --batch (the TUI has a : prompt "
		    "instead)");
	if (!o->batch && o->cmd_out != NULL)
		usage_error("--json=FILE needs --batch");
	if (o->batch && o->output_file != NULL)
		usage_error("-o is for the TUI; in --batch mode the program "
		    "shares ptinspect's output");
	return optind;
}

/*
 * Runs the command list against one paused process. Once the command
 * output cannot be written (the reader went away: EPIPE; a full disk:
 * ENOSPC) it says so once and prints nothing more; the processes still
 * pause and exit with their own status.
 */
static void
run_batch_commands(struct tracer *tr, struct proc *p, const struct options *o)
{
	static int out_error;
	struct cmd_ctx ctx = {
		.tracer = tr,
		.proc = p,
		.thread = proc_main_thread(p),
		.json = o->json,
		.out = o->cmd_out != NULL ? o->cmd_out : stdout,
		.err = stderr,
	};
	size_t i;

	for (i = 0; i < o->ncommands && out_error == 0; i++) {
		ctx.where = o->commands[i].where;
		if (cmd_run(&ctx, o->commands[i].line) == CMD_RESUMED)
			break;
		if (ctx.out_error != 0) {
			out_error = ctx.out_error;
			warnx_msg("command output: %s; no more commands run, "
			    "the program goes on", strerror(out_error));
		}
	}
	if (p->state == PROC_PAUSED)
		tracer_continue(tr, p, NULL);
}

/* SIGPIPE caught rather than ignored: exec gives the program SIG_DFL. */
static void
on_sigpipe(int sig)
{
	(void)sig;
}

/*
 * A write to a reader that went away must fail with EPIPE, not kill
 * ptinspect (and with it, through PTRACE_O_EXITKILL, the program). A caught
 * signal is reset to SIG_DFL by execve, so the program gets SIGPIPE's
 * default as it would natively; one that ptinspect inherited ignored stays
 * ignored for both.
 */
static void
catch_sigpipe(void)
{
	struct sigaction sa = { .sa_handler = on_sigpipe };
	struct sigaction old;

	if (sigaction(SIGPIPE, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
		return;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGPIPE, &sa, NULL);
}

/* The commands never ran: say why rather than print nothing. */
static void
report_unpaused_root(const struct proc *root, const struct options *o)
{
	int st = root->wait_status;

	if (o->ncommands == 0 || root->pause_reported || !root->execed)
		return;
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
		warnx_msg("pid %d was killed by SIGKILL, which cannot be "
		    "paused: no command ran", (int)root->pid);
	else
		warnx_msg("pid %d ended without a pause: no command ran",
		    (int)root->pid);
}

static int
run_batch(const struct options *o, char **argv)
{
	struct tracer *tr;
	struct proc *p;
	int status, n;

	catch_sigpipe();
	tr = tracer_spawn(&o->tracer, argv, &status);
	if (tr == NULL)
		return status;
	do {
		n = tracer_poll(tr, -1);
		while ((p = tracer_next_paused(tr)) != NULL)
			run_batch_commands(tr, p, o);
	} while (n >= 0);
	status = tracer_finish(tr);
	report_unpaused_root(tracer_root(tr), o);
	tracer_destroy(tr);
	return status;
}

int
main(int argc, char **argv)
{
	struct options o = { 0 };
	struct tui_opts tui;
	int first, status;
	size_t i;

	first = parse_options(argc, argv, &o);
	task_add_forget_hook(unwind_forget);
	if (o.batch) {
		status = run_batch(&o, argv + first);
	} else {
		/*
		 * Curses without a terminal draws into a pipe and reads no
		 * key: refuse before the program starts.
		 */
		if (!isatty(0) || !isatty(1)) {
			warnx_msg("the TUI needs a terminal on stdin and "
			    "stdout; use --batch");
			return EXIT_USAGE;
		}
		tui = (struct tui_opts){
			.tracer = o.tracer,
			.output_file = o.output_file,
		};
		status = tui_run(&tui, argv + first);
	}
	for (i = 0; i < o.ncommands; i++) {
		free(o.commands[i].line);
		free(o.commands[i].where);
	}
	free(o.commands);
	if (o.cmd_out != NULL && fclose(o.cmd_out) != 0 && status == 0) {
		warnx_msg("--json: %s", strerror(errno));
		status = 125;
	}
	return status;
}
