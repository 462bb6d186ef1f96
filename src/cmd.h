/*
 * cmd.h: the command language shared by batch mode (-ex, -x) and the TUI's
 * `:` prompt. A command line is parsed, evaluated against one process (and
 * one selected thread, for $registers), and prints its result as text or as
 * exactly one JSON object on one line.
 *
 * Each command lives in its own cmd-NAME.c and exports a const
 * struct cmd_entry; cmd.c holds the only list of them.
 */
#ifndef PTI_CMD_H
#define PTI_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct tracer;
struct proc;
struct thread;

enum cmd_result {
	CMD_OK,
	CMD_FAILED,		/* error printed; later commands still run */
	/* continue/kill: the process is no longer held */
	CMD_RESUMED,
};

struct cmd_entry;

struct cmd_ctx {
	struct tracer *tracer;
	struct proc *proc;	/* the process commands act on */
	/* selected thread, for $registers; may be NULL */
	struct thread *thread;
	/*
	 * Selected frame of that thread's backtrace (`frame`, `up`, `down`),
	 * 0 the innermost: $pc and $sp, `list` and `disas` use it.
	 */
	unsigned frame;
	bool json;		/* one JSON object per command on `out` */
	FILE *out;		/* results (and JSON errors) */
	/* text-mode errors: "x: 0x10: address not mapped" */
	FILE *err;
	const char *where;	/* "FILE:LINE" prefix of text errors, or NULL */
	/* set by cmd_run: errno of a failed write to out */
	int out_error;
	/*
	 * Set by cmd_run for the command it runs: the table (help lists it)
	 * and cmd_run itself (save runs commands into its files), so that no
	 * command calls back into cmd.c by name.
	 */
	const struct cmd_entry *const *table;
	enum cmd_result (*run)(struct cmd_ctx *ctx, const char *line);
};

struct cmd_entry {
	const char *name;
	const char *args;	/* usage of the arguments: "ADDR [LEN]" */
	/*
	 * How many arguments may follow the name (max_args -1: any number).
	 * cmd_run checks them before exec and prints "usage: NAME ARGS", so
	 * exec never counts argc itself.
	 */
	int min_args;
	int max_args;
	/*
	 * It works on a core file (--core) too: it reads only memory,
	 * regions, registers and backtraces, never /proc/PID or ptrace.
	 */
	bool core_ok;
	const char *help;	/* one line */
	/*
	 * argv[0] is the command name; quoted arguments arrive unquoted with
	 * C escapes already applied, and `raw` is everything after the name,
	 * untouched (for `write ADDR "str"` style arguments). On failure the
	 * command returns CMD_FAILED with *errp set; cmd_run prints it.
	 * argc - 1 is within [min_args, max_args].
	 */
	enum cmd_result (*exec)(struct cmd_ctx *ctx, int argc, char **argv,
	    const char *raw, char **errp);
};

/* Runs one command line. Blank lines and # comments are CMD_OK no-ops. */
enum cmd_result cmd_run(struct cmd_ctx *ctx, const char *line);

/*
 * Where p is and why, as `status` says it ("paused at exit_group(42)",
 * "paused before SIGSEGV (fault address 0x10)", "exited with status 1").
 */
void cmd_status_why(const struct proc *p, char *buf, size_t len);

/* All commands, NULL-terminated (for help and completion). */
extern const struct cmd_entry *const cmd_table[];

/*
 * Evaluates an address expression (expr.h): hex, decimal, $register,
 * region ([heap], libc.so.6), symbol (main, malloc@libc.so.6), &NAME,
 * *EXPR (8-byte load), parentheses, + - *. 0 or -1 with *errp.
 */
int cmd_eval_address(struct cmd_ctx *ctx, const char *expr, uint64_t *out,
    char **errp);

/*
 * Parses DATA: hex bytes ("de ad be ef", "deadbeef") or a "quoted string"
 * with C escapes. Returns a malloc'd buffer in *buf. 0 or -1 with *errp.
 */
int cmd_parse_data(const char *s, uint8_t **buf, size_t *len, char **errp);

/*
 * What `set TYPE ADDR VALUE` does once ADDR is known (cmd-set.c): VALUE
 * (decimal, 0x hex, negative for i8..i64, a float for f32 and f64)
 * range-checked for TYPE (u8..u64, i8..i64, f32, f64, ptr), then written
 * little-endian at addr, all or nothing. 0, or -1 with *errp naming the
 * bad value ("300: not a u8") or address; nothing is written on error.
 */
int cmd_set_typed(struct cmd_ctx *ctx, const char *type, uint64_t addr,
    const char *value, char **errp);

#endif
