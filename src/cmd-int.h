/*
 * cmd-int.h: what cmd.c shares with the cmd-*.c command files and nobody
 * else: the command entries, the register table, small parsers.
 *
 * A command that prints its own error (x, whose JSON object carries both
 * the bytes it read and the error) returns CMD_FAILED and leaves *errp
 * NULL; cmd_run then prints nothing more.
 */
#ifndef PTI_CMD_INT_H
#define PTI_CMD_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cmd.h"
#include "symbols.h"
#include "unwind.h"

struct json;

extern const struct cmd_entry cmd_status_entry;
extern const struct cmd_entry cmd_maps_entry;
extern const struct cmd_entry cmd_x_entry;
extern const struct cmd_entry cmd_write_entry;
extern const struct cmd_entry cmd_find_entry;
extern const struct cmd_entry cmd_regs_entry;
extern const struct cmd_entry cmd_threads_entry;
extern const struct cmd_entry cmd_continue_entry;
extern const struct cmd_entry cmd_kill_entry;
extern const struct cmd_entry cmd_help_entry;
extern const struct cmd_entry cmd_stats_entry;
extern const struct cmd_entry cmd_bt_entry;
extern const struct cmd_entry cmd_fds_entry;
extern const struct cmd_entry cmd_env_entry;
extern const struct cmd_entry cmd_cmdline_entry;
extern const struct cmd_entry cmd_cwd_entry;
extern const struct cmd_entry cmd_exe_entry;
extern const struct cmd_entry cmd_root_entry;
extern const struct cmd_entry cmd_limits_entry;
extern const struct cmd_entry cmd_signals_entry;
extern const struct cmd_entry cmd_proc_entry;
extern const struct cmd_entry cmd_shell_entry;
extern const struct cmd_entry cmd_hold_entry;
extern const struct cmd_entry cmd_disas_entry;
extern const struct cmd_entry cmd_sym_entry;
extern const struct cmd_entry cmd_list_entry;
extern const struct cmd_entry cmd_frame_entry;
extern const struct cmd_entry cmd_up_entry;
extern const struct cmd_entry cmd_down_entry;
extern const struct cmd_entry cmd_gcore_entry;
extern const struct cmd_entry cmd_save_entry;
extern const struct cmd_entry cmd_print_entry;
extern const struct cmd_entry cmd_p_entry;
extern const struct cmd_entry cmd_locals_entry;
extern const struct cmd_entry cmd_args_entry;
extern const struct cmd_entry cmd_set_entry;

/*
 * What `status` adds (cmd-proc.c): ppid, comm, argv, exe, ids, lifetime,
 * CPU, peak RSS, context switches: members of the status object j, or
 * with j NULL text lines after the first.
 */
void cmd_proc_status(struct cmd_ctx *ctx, struct json *j);

/* One register of struct user_regs_struct, by name (cmd-regs.c). */
struct cmd_reg {
	const char *name;
	size_t offset;		/* of the unsigned long long field */
};
/* In the order `regs` prints them, NULL-name terminated. */
extern const struct cmd_reg cmd_regs[];

/* The command called name, or NULL. */
const struct cmd_entry *cmd_lookup(const char *name);

/*
 * The thread a TID argument names; with tid NULL the selected thread, else
 * the process's main one. NULL with *errp ("123: no such thread").
 */
struct thread *cmd_thread_arg(struct cmd_ctx *ctx, const char *tid,
    char **errp);

/*
 * Whether all of [addr, addr + len) is mapped and accessible. 0, or -1
 * with *errp naming the first address that is not and why: "0x10: address
 * not mapped", "0x7ffd... ([vvar]): region cannot be read (...)". With
 * write, a range that starts accessible adds "; nothing written".
 */
int cmd_check_range(struct cmd_ctx *ctx, uint64_t addr, uint64_t len,
    bool write, char **errp);

/*
 * Unwinds the selected (else the main) thread into *bt and points *fr at
 * frame ctx->frame. 0, or -1 with *errp ("frame 9: no such frame (6
 * frames)"), bt then freed. Free bt with backtrace_free.
 */
struct backtrace;
struct frame;
int cmd_selected_frame(struct cmd_ctx *ctx, struct backtrace *bt,
    const struct frame **fr, char **errp);

/*
 * The selected frame as dwarf-value.h reads it (cmd-print.c): its
 * backtrace, registers and struct sym_frame, kept until
 * cmd_print_env_free.
 */
struct cmd_print_frame {
	struct cmd_ctx *ctx;
	struct backtrace bt;
	bool have_bt;
	struct sym_frame sf;
	uint64_t regs[17];
};

/*
 * Binds *env to ctx's process (or core file) and selected frame (only
 * globals when no frame can be unwound). 0, or -1 with *errp when the
 * program's symbols cannot be read. Call cmd_print_env_free(pf) after
 * either.
 */
struct dwv_env;
int cmd_print_env(struct cmd_ctx *ctx, struct cmd_print_frame *pf,
    struct dwv_env *env, char **errp);
void cmd_print_env_free(struct cmd_print_frame *pf);

/* A whole string as 0x-prefixed hex or decimal. 0, or -1 if malformed. */
int cmd_parse_number(const char *s, uint64_t *out);

/*
 * Where the DATA at the start of s ends: after the closing quote of a
 * "string", or after the last whitespace-separated run of hex digits.
 */
const char *cmd_data_end(const char *s);

/*
 * The tokenizer's quoting (cmd.c) and DATA's: whitespace, and a C escape
 * after the backslash at *sp (advanced past it) into *out; -1 with *errp.
 */
bool cmd_space(int c);
int cmd_escape(const char **sp, unsigned char *out, char **errp);

#endif
