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
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "cmd.h"
#include "postmortem.h"
#include "source.h"
#include "summary.h"
#include "snapshot.h"
#include "snapshot-read.h"
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
	bool summary;		/* --summary */
	FILE *summary_out;	/* --summary=FILE, else stderr */
	const char *output_file;
	const char *save_dir;	/* --save=DIR */
	const char *core_file;	/* --core=FILE */
	const char *snapshot_dir;	/* --snapshot=DIR */
	struct command *commands;	/* -ex and -x lines, in order */
	size_t ncommands;
	char **only;		/* --only globs */
	size_t nonly;
	long timeout_ms;	/* --timeout; 0: none */
	int timeout_signal;	/* --timeout-signal, default SIGTERM */
	long kill_after_ms;	/* --kill-after; 0: none */
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
	OPT_SAVE,
	OPT_PAUSE_ON,
	OPT_ONLY,
	OPT_TIMEOUT,
	OPT_TIMEOUT_SIGNAL,
	OPT_KILL_AFTER,
	OPT_SUMMARY,
	OPT_SOURCE_DIR,
	OPT_CORE,
	OPT_SNAPSHOT,
	OPT_REUSE_FREED,
};

static const char usage_line[] =
    "usage: ptinspect [OPTIONS] [--] PROGRAM [ARG...]\n"
    "       ptinspect --core=FILE|--snapshot=DIR [OPTIONS] [PROGRAM]";

static const char help_text[] =
    "Run PROGRAM under ptrace and inspect its memory, live and at its exit.\n"
    "\n"
    "  -p, --pause-on-exit     hold the process when it calls exit_group,\n"
    "                          when its last thread exits, or just before a\n"
    "                          fatal signal kills it\n"
    "  -f, --follow-forks      child processes pause at their exit too\n"
    "      --pause-on=WHEN[,WHEN...]\n"
    "                          which processes pause (implies -p): exit\n"
    "                          (every exit, as -p), failure (non-zero exit\n"
    "                          or fatal signal), crash (fatal signal),\n"
    "                          exec (after execve, before its first\n"
    "                          instruction)\n"
    "      --only=GLOB         only processes whose comm, executable path\n"
    "                          or its base name match GLOB pause\n"
    "                          (repeatable)\n"
    "      --timeout=DURATION  at DURATION (10, 2.5s, 1m, 1h) pause every\n"
    "                          traced process, run the commands, then send\n"
    "                          the --timeout-signal and exit 124\n"
    "      --timeout-signal=SIG  the signal sent then (default TERM)\n"
    "      --kill-after=DURATION  SIGKILL what is left this long after\n"
    "  -b, --batch             no TUI: run the commands at each pause, then\n"
    "                          let the exit happen (with -ex implies -p)\n"
    "  -ex CMD, --ex CMD, --eval-command CMD\n"
    "                          run CMD at the pause (repeatable)\n"
    "  -x FILE, --command FILE run the commands in FILE, one a line\n"
    "      --source-dir=DIR    look for source files in DIR too (repeatable)\n"
    "      --core=FILE         a core file (ours, gdb's or the kernel's)\n"
    "                          instead of a program, read-only: the TUI,\n"
    "                          or with --batch the commands; PROGRAM, if\n"
    "                          given, is its executable\n"
    "      --snapshot=DIR      as --core, on a directory `save` wrote: its\n"
    "                          core, and its fds, env, limits... as saved\n"
    "  -j, --json[=FILE]       print each command's result as one JSON line,\n"
    "                          to FILE (not the program's stdout) if given\n"
    "      --summary[=FILE]    batch: once all is gone, one line per traced\n"
    "                          process (pid, ppid, comm, lifetime in ms,\n"
    "                          exit code or signal) to stderr or FILE\n"
    "  -o FILE, --output FILE  TUI: send the program's output to FILE\n"
    "      --save=DIR          at each pause, first save the process into\n"
    "                          DIR/PID-COMM/ as `save` does; implies -p\n"
    "      --no-seccomp        trace every syscall instead of using a\n"
    "                          seccomp filter (slow; for comparison)\n"
    "      --no-redirect       leave the program's memory private: no\n"
    "                          shared memfd, every access by syscall\n"
    "      --reuse-freed=SIZE  keep up to SIZE (64M; K, M, G) of memory\n"
    "                          the programs unmap, to hand back zeroed at\n"
    "                          their next mappings; 0: give it back at once\n"
    "  -h, --help              show this help and exit\n"
    "  -V, --version           show the version and exit\n"
    "\n"
    "Commands: status, maps, x ADDR [LEN], write ADDR DATA, find DATA\n"
    "[REGION], regs [TID], threads, bt [TID|all], disas [ADDR] [COUNT],\n"
    "sym ADDR, list [FUNCTION|FILE:LINE], frame|up|down [N], print|p\n"
    "EXPR, locals, args, set TYPE ADDR VALUE, set var EXPR = VALUE, stats,\n"
    "fds, env [NAME], cmdline, cwd, exe, root, limits, signals [TID],\n"
    "proc [FILE], shell CMD, hold [SECONDS], gcore [FILE], save [DIR],\n"
    "continue, kill, help. ADDR: 0x7ffd..., 4096, $rsp, [heap]+0x40,\n"
    "libc.so.6-16, main+4, *ptr.\n"
    "\n"
    "Exit status: the program's own; 128+N if it died of signal N; 124 if\n"
    "--timeout ran out (137 if --kill-after had to SIGKILL); 125 if\n"
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
 * A duration as timeout(1) reads it: a non-negative number with an
 * optional unit s, m, h or d. In milliseconds, rounded up; -1 if invalid.
 */
static long
parse_duration(const char *s)
{
	double v, unit = 1000;
	char *end;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno != 0 || !(v >= 0) || *s == '-' || *s == '+')
		return -1;
	if (*end != '\0') {
		switch (*end) {
		case 's': unit = 1000; break;
		case 'm': unit = 60 * 1000; break;
		case 'h': unit = 3600 * 1000; break;
		case 'd': unit = 86400 * 1000; break;
		default: return -1;
		}
		if (end[1] != '\0')
			return -1;
	}
	v *= unit;
	if (v > (double)LONG_MAX / 2)
		return -1;
	return v > 0 && v < 1 ? 1 : (long)(v + 0.999);
}

/*
 * A size in bytes: a whole number with an optional unit K, M or G (of
 * 1024). 0 and *bytes, or -1 if invalid.
 */
static int
parse_size(const char *s, uint64_t *bytes)
{
	unsigned long long v;
	unsigned shift = 0;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (end == s || errno != 0 || *s < '0' || *s > '9')
		return -1;
	if (*end != '\0') {
		switch (*end) {
		case 'K': case 'k': shift = 10; break;
		case 'M': case 'm': shift = 20; break;
		case 'G': case 'g': shift = 30; break;
		default: return -1;
		}
		if (end[1] != '\0')
			return -1;
	}
	if (v > (UINT64_MAX >> shift))
		return -1;
	*bytes = (uint64_t)v << shift;
	return 0;
}

/* A signal by name (TERM, SIGTERM, sigterm) or number; -1 if unknown. */
static int
parse_signal(const char *s)
{
	char *end;
	long n;
	int sig;

	n = strtol(s, &end, 10);
	if (end != s && *end == '\0')
		return n > 0 && n < NSIG ? (int)n : -1;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (sig = 1; sig < NSIG; sig++)
		if (signal_name(sig) != NULL &&
		    strcasecmp(signal_name(sig) + 3, s) == 0)
			return sig;
	return -1;
}

/* --pause-on=WHEN[,WHEN...] as a PAUSE_ON_* mask. */
static unsigned
parse_pause_on(const char *arg)
{
	static const struct {
		const char *word;
		unsigned bit;
	} words[] = {
		{ "exit", PAUSE_ON_EXIT },
		{ "failure", PAUSE_ON_FAILURE },
		{ "crash", PAUSE_ON_CRASH },
		{ "exec", PAUSE_ON_EXEC },
	};
	unsigned mask = 0;
	size_t len, k;
	const char *w;

	for (w = arg; ; w += len + 1) {
		len = strcspn(w, ",");
		for (k = 0; k < ARRAY_SIZE(words); k++)
			if (strlen(words[k].word) == len &&
			    strncmp(words[k].word, w, len) == 0)
				break;
		if (k == ARRAY_SIZE(words))
			usage_error(xstrfmt("--pause-on=%s: '%.*s' is not one "
			    "of exit, failure, crash, exec", arg, (int)len,
			    w));
		mask |= words[k].bit;
		if (w[len] == '\0')
			break;
	}
	return mask;
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

/* --summary=FILE, opened (close-on-exec) before the program starts. */
static void
open_summary_file(struct options *o, const char *path)
{
	if (o->summary_out != NULL)
		fclose(o->summary_out);
	o->summary_out = fopen(path, "we");
	if (o->summary_out == NULL) {
		warnx_msg("--summary=%s: %s", path, strerror(errno));
		exit(EXIT_USAGE);
	}
}

/*
 * --core and --snapshot run no program: the options that shape a run are
 * refused by name rather than ignored.
 */
static void
post_mortem_options(const struct options *o)
{
	const char *live = NULL;

	/* Those that imply -p first. */
	if (o->save_dir != NULL)
		live = "--save";
	else if (o->timeout_ms > 0)
		live = "--timeout";
	else if (o->tracer.pause_on != 0)
		live = "--pause-on";
	else if (o->nonly > 0)
		live = "--only";
	else if (o->tracer.pause_on_exit)
		live = "-p (--pause-on-exit)";
	else if (o->tracer.follow_forks)
		live = "-f";
	else if (o->tracer.no_seccomp)
		live = "--no-seccomp";
	else if (o->tracer.no_redirect)
		live = "--no-redirect";
	else if (o->output_file != NULL)
		live = "-o";
	else if (o->summary)
		live = "--summary";
	if (live != NULL)
		usage_error(xstrfmt("%s is for a program ptinspect runs, not "
		    "with --%s", live, o->core_file != NULL ? "core" :
		    "snapshot"));
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
		{ "summary", optional_argument, NULL, OPT_SUMMARY },
		{ "save", required_argument, NULL, OPT_SAVE },
		{ "no-seccomp", no_argument, NULL, OPT_NO_SECCOMP },
		{ "no-redirect", no_argument, NULL, OPT_NO_REDIRECT },
		{ "pause-on", required_argument, NULL, OPT_PAUSE_ON },
		{ "only", required_argument, NULL, OPT_ONLY },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "timeout-signal", required_argument, NULL,
		    OPT_TIMEOUT_SIGNAL },
		{ "kill-after", required_argument, NULL, OPT_KILL_AFTER },
		{ "source-dir", required_argument, NULL, OPT_SOURCE_DIR },
		{ "core", required_argument, NULL, OPT_CORE },
		{ "snapshot", required_argument, NULL, OPT_SNAPSHOT },
		{ "reuse-freed", required_argument, NULL, OPT_REUSE_FREED },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t bytes;
	long ms;
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
		case OPT_SUMMARY:
			o->summary = true;
			if (optarg != NULL)
				open_summary_file(o, optarg);
			break;
		case OPT_SAVE:
			o->save_dir = optarg;
			o->tracer.pause_on_exit = true;
			break;
		case OPT_NO_SECCOMP:
			o->tracer.no_seccomp = true;
			break;
		case OPT_NO_REDIRECT:
			o->tracer.no_redirect = true;
			break;
		case OPT_PAUSE_ON:
			o->tracer.pause_on |= parse_pause_on(optarg);
			o->tracer.pause_on_exit = true;
			break;
		case OPT_CORE:
			o->core_file = optarg;
			break;
		case OPT_SNAPSHOT:
			o->snapshot_dir = optarg;
			break;
		case OPT_SOURCE_DIR:
			source_add_dir(optarg);
			break;
		case OPT_ONLY:
			o->only = xreallocarray(o->only, o->nonly + 1,
			    sizeof(*o->only));
			o->only[o->nonly++] = optarg;
			break;
		case OPT_TIMEOUT:
		case OPT_KILL_AFTER:
			ms = parse_duration(optarg);
			if (ms < 0)
				usage_error(xstrfmt("--%s=%s: not a duration "
				    "(such as 10, 2.5s, 1m, 1h)",
				    c == OPT_TIMEOUT ? "timeout" :
				    "kill-after", optarg));
			*(c == OPT_TIMEOUT ? &o->timeout_ms :
			    &o->kill_after_ms) = ms;
			break;
		case OPT_REUSE_FREED:
			if (parse_size(optarg, &bytes) != 0)
				usage_error(xstrfmt("--reuse-freed=%s: not a "
				    "size (such as 0, 4096, 512K, 64M, 1G)",
				    optarg));
			arena_set_keep_budget(bytes);
			break;
		case OPT_TIMEOUT_SIGNAL:
			o->timeout_signal = parse_signal(optarg);
			if (o->timeout_signal < 0)
				usage_error(xstrfmt("--timeout-signal=%s: no "
				    "such signal", optarg));
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
	if (o->core_file != NULL || o->snapshot_dir != NULL) {
		if (o->core_file != NULL && o->snapshot_dir != NULL)
			usage_error("--core and --snapshot: one or the other "
			    "(a snapshot has its own core)");
		if (argc - optind > 1)
			usage_error(xstrfmt("--%s takes one PROGRAM (its "
			    "executable), without arguments",
			    o->core_file != NULL ? "core" : "snapshot"));
		if (!o->batch && o->ncommands > 0)
			usage_error("-ex and -x need --batch (the TUI has a : "
			    "prompt instead)");
		post_mortem_options(o);
		return optind;
	}
	if (optind >= argc)
		usage_error("no PROGRAM given");
	o->tracer.only = o->only;
	o->tracer.nonly = o->nonly;
	if (o->timeout_signal == 0)
		o->timeout_signal = SIGTERM;
	if (o->timeout_ms > 0 && !o->batch)
		usage_error("--timeout needs --batch (in the TUI, pause a "
		    "process with its key instead)");
	if (o->batch && o->ncommands > 0)
		o->tracer.pause_on_exit = true;
	if (!o->batch && o->ncommands > 0)
		usage_error("-ex and -x need --batch (the TUI has a : prompt "
		    "instead)");
	if (!o->batch && o->cmd_out != NULL)
		usage_error("--json=FILE needs --batch");
	if (!o->batch && o->summary)
		usage_error("--summary needs --batch");
	/* What outlives the program goes on under a keeper. */
	o->tracer.keeper = o->batch && !o->tracer.follow_forks &&
	    o->timeout_ms <= 0 && !o->summary;
	if (o->batch && o->output_file != NULL)
		usage_error("-o is for the TUI; in --batch mode the program "
		    "shares ptinspect's output");
	return optind;
}

/* --save: the paused process into DIR/PID-COMM, said on stderr. */
static void
save_paused(struct tracer *tr, struct proc *p, const char *base)
{
	struct snapshot_stats st;
	char *dir, *err = NULL;

	if ((dir = snapshot_save_under(tr, p, base, cmd_run, &st,
	    &err)) == NULL) {
		warnx_msg("--save: %s", err);
		free(err);
		return;
	}
	if (st.errors > 0)
		warnx_msg("pid %d saved in %s, %u part%s missing (see "
		    "summary.json)", (int)p->pid, dir, st.errors,
		    st.errors == 1 ? "" : "s");
	else
		warnx_msg("pid %d saved in %s", (int)p->pid, dir);
	free(dir);
}

/*
 * With -f, once more than one process has been traced, text output names
 * the process each pause's lines are about, as strace -f prefixes its
 * lines; JSON needs none (status carries pid, ppid, comm, argv, exe).
 */
static void
batch_header(struct tracer *tr, struct proc *p, const struct options *o,
    FILE *out)
{
	int n = 0;

	if (o->json || !o->tracer.follow_forks || o->ncommands == 0)
		return;
	for (struct proc *q = tracer_procs(tr); q != NULL && n < 2;
	    q = q->next)
		n++;
	if (n > 1)
		fprintf(out, "[pid %d (%s)]\n", (int)p->pid, p->comm);
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

	if (out_error == 0)
		batch_header(tr, p, o, ctx.out);
	if (o->save_dir != NULL)
		save_paused(tr, p, o->save_dir);
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
	if (p->state != PROC_PAUSED)
		return;
	if (p->reason == PAUSE_TIMEOUT) {
		/* Its end, as timeout(1) makes it: the signal, no pause. */
		tracer_forgo_pauses(p);
		kill(p->pid, o->timeout_signal);
	}
	tracer_continue(tr, p, NULL);
}

/*
 * --core, --snapshot: the commands run once against the process the core
 * file holds, or without --batch the TUI shows it. Exit status 0, 1 if a
 * command failed, 2 if the core or snapshot cannot be read.
 */
static int
run_post(const struct options *o, const char *exe)
{
	struct cmd_ctx ctx = {
		.json = o->json,
		.out = o->cmd_out != NULL ? o->cmd_out : stdout,
		.err = stderr,
	};
	char *err = NULL;
	struct proc *p;
	int status = 0;
	size_t i;

	if (!o->batch && (!isatty(0) || !isatty(1))) {
		warnx_msg("the TUI needs a terminal on stdin and stdout; use "
		    "--batch");
		return EXIT_USAGE;
	}
	if (o->snapshot_dir != NULL)
		p = snapshot_open(o->snapshot_dir, exe, &err);
	else
		p = postmortem_open(o->core_file, exe, &err);
	if (p == NULL) {
		warnx_msg("--%s=%s", o->snapshot_dir != NULL ? "snapshot" :
		    "core", err);
		free(err);
		return EXIT_USAGE;
	}
	if (!o->batch) {
		status = tui_run_post(p);
		postmortem_close(p);
		return status;
	}
	ctx.proc = p;
	ctx.thread = proc_main_thread(p);
	for (i = 0; i < o->ncommands && ctx.out_error == 0; i++) {
		ctx.where = o->commands[i].where;
		if (cmd_run(&ctx, o->commands[i].line) == CMD_FAILED)
			status = 1;
	}
	postmortem_close(p);
	return status;
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
	else if ((o->tracer.pause_on == 0 ||
	    (o->tracer.pause_on & PAUSE_ON_EXIT)) && o->nonly == 0)
		/* Not when --pause-on or --only chose to let it go. */
		warnx_msg("pid %d ended without a pause: no command ran",
		    (int)root->pid);
}

/* The monotonic clock in ms, signed for deadline arithmetic. */
static long
now_ms(void)
{
	return (long)monotonic_ms();
}

/*
 * --timeout ran out: every traced process that runs is paused (the -ex
 * commands then run on each, and it gets the timeout signal).
 */
static void
pause_everything(struct tracer *tr, const struct options *o)
{
	struct proc *p;

	warnx_msg("--timeout: %.3g s passed; pausing every process",
	    o->timeout_ms / 1000.0);
	for (p = tracer_procs(tr); p != NULL; p = p->next) {
		tracer_forgo_pauses(p);
		if (p->state == PROC_RUNNING && p->execed)
			tracer_pause(tr, p, PAUSE_TIMEOUT, NULL);
		else if (p->state != PROC_GONE)
			kill(p->pid, o->timeout_signal);
	}
}

/* --kill-after ran out too: SIGKILL whatever is left. */
static void
kill_everything(struct tracer *tr)
{
	struct proc *p;

	warnx_msg("--kill-after: sending SIGKILL");
	for (p = tracer_procs(tr); p != NULL; p = p->next)
		if (p->state != PROC_GONE)
			tracer_kill(tr, p, NULL);
}

static int
run_batch(const struct options *o, char **argv)
{
	struct summary *sum = o->summary ? summary_new() : NULL;
	long deadline = -1;	/* monotonic ms of --timeout's next step */
	bool timed_out = false, killed = false;
	struct tracer *tr;
	struct proc *p;
	int status, n;

	catch_sigpipe();
	tr = tracer_spawn(&o->tracer, argv, &status);
	if (tr == NULL) {
		summary_free(sum);
		return status;
	}
	if (sum != NULL)
		summary_update(sum, tr);
	if (o->timeout_ms > 0)
		deadline = now_ms() + o->timeout_ms;
	do {
		n = tracer_poll(tr, deadline < 0 ? -1 :
		    (int)(deadline > now_ms() ? deadline - now_ms() : 0));
		if (deadline >= 0 && now_ms() >= deadline) {
			if (!timed_out) {
				timed_out = true;
				pause_everything(tr, o);
				deadline = o->kill_after_ms > 0 ?
				    now_ms() + o->kill_after_ms : -1;
			} else if (!killed) {
				killed = true;
				kill_everything(tr);
				deadline = -1;
			}
		}
		/* Before the commands: a held exit is the end of its life. */
		if (sum != NULL)
			summary_update(sum, tr);
		while ((p = tracer_next_paused(tr)) != NULL) {
			run_batch_commands(tr, p, o);
			if (sum != NULL)
				summary_update(sum, tr);
		}
	} while (n >= 0);
	status = tracer_finish(tr);
	if (timed_out)
		status = killed ? 128 + SIGKILL : 124;
	report_unpaused_root(tracer_root(tr), o);
	if (sum != NULL) {
		summary_update(sum, tr);
		fflush(o->cmd_out != NULL ? o->cmd_out : stdout);
		summary_print(sum, o->summary_out != NULL ? o->summary_out :
		    stderr, o->json, getpid());
		summary_free(sum);
	}
	tracer_destroy(tr);
	return status;
}

int
main(int argc, char **argv)
{
	struct options o = { 0 };
	const char *first_read;
	struct tui_opts tui;
	int first, status;
	size_t i;

	first = parse_options(argc, argv, &o);
	task_add_forget_hook(unwind_forget);
	/* The tests' way to take each first-read way on any host. */
	if ((first_read = getenv("PTI_TEST_FIRST_READ")) != NULL)
		arena_set_first_way(strcmp(first_read, "view") == 0 ?
		    ARENA_FIRST_VIEW : ARENA_FIRST_PREAD);
	if (o.core_file != NULL || o.snapshot_dir != NULL) {
		status = run_post(&o, argv[first]);
	} else if (o.batch) {
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
			.save_dir = o.save_dir,
		};
		status = tui_run(&tui, argv + first);
	}
	for (i = 0; i < o.ncommands; i++) {
		free(o.commands[i].line);
		free(o.commands[i].where);
	}
	free(o.commands);
	free(o.only);
	if (o.cmd_out != NULL && fclose(o.cmd_out) != 0 && status == 0) {
		warnx_msg("--json: %s", strerror(errno));
		status = 125;
	}
	if (o.summary_out != NULL && fclose(o.summary_out) != 0 &&
	    status == 0) {
		warnx_msg("--summary: %s", strerror(errno));
		status = 125;
	}
	return status;
}
