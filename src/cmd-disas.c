/*
 * cmd-disas.c: `disas [ADDR] [COUNT]`, COUNT instructions (10) at ADDR, by
 * default around the selected thread's $rip (the selected frame's pc after
 * `frame N`): from up to DISAS_BEFORE
 * instructions before it when the function it is in is known (decoded
 * from the function's start, so no guess at where an instruction begins),
 * the current one marked "=>" as gdb's x/i does:
 *
 *	   0x401136 <level_b+0x4>:	mov    %edi,-0x14(%rbp)
 *	=> 0x401139 <level_b+0x7>:	callq  0x401120 <level_c>
 *
 * ADDR at a function's first byte (`disas level_b`, by name or number)
 * lists that function, all of it without COUNT, as gdb's disassemble; no
 * listing runs past the end of the function it starts in when the symbol
 * has a size (ELF st_size, as objdump -d and nm -S see it).
 *
 * Bytes come through mem.h, text from disas.h, names from the process's
 * symbol cache (unwind_lookup).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/user.h>

#include "cmd-int.h"
#include "disas.h"
#include "json.h"
#include "mem.h"
#include "symbols.h"
#include "tracer.h"
#include "unwind.h"
#include "util.h"

#define DISAS_DEFAULT_COUNT 10
#define DISAS_MAX_COUNT 1000
#define DISAS_BEFORE 3
/* Farther into a function than this, $rip's context is not decoded. */
#define DISAS_MAX_PREFIX 65536

static enum cmd_result cmd_disas_exec(struct cmd_ctx *ctx, int argc,
    char **argv, const char *raw, char **errp);
static bool cmd_disas_pc(struct cmd_ctx *ctx, uint64_t *pc);
static size_t cmd_disas_span(struct cmd_ctx *ctx, uint64_t addr,
    size_t len);
static long cmd_disas_read(struct cmd_ctx *ctx, uint64_t addr, size_t len,
    struct disas_insn **out, char **errp);
static bool cmd_disas_symbol(struct cmd_ctx *ctx, uint64_t addr, char *buf,
    size_t len);
static void cmd_disas_print(struct cmd_ctx *ctx, const struct disas_insn *in,
    size_t n, bool has_pc, uint64_t pc);

const struct cmd_entry cmd_disas_entry = {
	.name = "disas",
	.args = "[ADDR] [COUNT]",
	.min_args = 0,
	.max_args = 2,
	.core_ok = true,
	.help = "disassemble COUNT (10) instructions at ADDR or around $rip",
	.exec = cmd_disas_exec,
};

static enum cmd_result
cmd_disas_exec(struct cmd_ctx *ctx, int argc, char **argv, const char *raw,
    char **errp)
{
	const struct sym_info *si;
	struct disas_insn *insns = NULL;
	uint64_t addr, count = DISAS_DEFAULT_COUNT, pc = 0;
	size_t first = 0, i;
	bool has_pc;
	long n = -1;

	(void)raw;
	if (argc == 3 && (cmd_parse_number(argv[2], &count) < 0 ||
	    count == 0 || count > DISAS_MAX_COUNT)) {
		set_error(errp, "%s: not a count from 1 to %d", argv[2],
		    DISAS_MAX_COUNT);
		return CMD_FAILED;
	}
	has_pc = cmd_disas_pc(ctx, &pc);
	if (argc >= 2) {
		if (cmd_eval_address(ctx, argv[1], &addr, errp) < 0)
			return CMD_FAILED;
		si = unwind_lookup(ctx->proc, addr);
		if (argc == 2 && si != NULL && si->function != NULL &&
		    si->offset == 0 && si->size > 0)
			count = DISAS_MAX_COUNT;	/* the whole function */
		n = cmd_disas_read(ctx, addr, cmd_disas_span(ctx, addr,
		    count * DISAS_MAX_INSN), &insns, errp);
	} else if (!has_pc) {
		set_error(errp, "no thread to take $rip from");
		return CMD_FAILED;
	} else {
		/* From the function's start, to show what led to $rip. */
		si = unwind_lookup(ctx->proc, pc);
		if (si != NULL && si->function != NULL &&
		    si->offset <= DISAS_MAX_PREFIX) {
			n = cmd_disas_read(ctx, pc - si->offset,
			    cmd_disas_span(ctx, pc - si->offset, si->offset +
			    count * DISAS_MAX_INSN), &insns, NULL);
			for (i = 0; n > 0 && i < (size_t)n; i++)
				if (insns[i].addr == pc)
					break;
			if (n > 0 && i < (size_t)n)
				first = i > DISAS_BEFORE ? i - DISAS_BEFORE : 0;
			else
				n = -1;	/* $rip is not where decoding got */
		}
		if (n < 0) {
			free(insns);
			insns = NULL;
			n = cmd_disas_read(ctx, pc, cmd_disas_span(ctx, pc,
			    count * DISAS_MAX_INSN), &insns, errp);
		}
	}
	if (n < 0) {
		free(insns);
		return CMD_FAILED;
	}
	if ((size_t)n - first > count)
		n = (long)(first + count);
	cmd_disas_print(ctx, insns + first, (size_t)n - first, has_pc, pc);
	free(insns);
	return CMD_OK;
}

/*
 * The selected (else main) thread's $rip as the program sees it, or the
 * selected frame's pc (`frame`) past frame #0.
 */
static bool
cmd_disas_pc(struct cmd_ctx *ctx, uint64_t *pc)
{
	struct user_regs_struct regs;
	struct thread *t = ctx->thread;
	struct backtrace bt;
	const struct frame *fr;

	if (ctx->frame > 0) {
		if (cmd_selected_frame(ctx, &bt, &fr, NULL) < 0)
			return false;
		*pc = fr->pc;
		backtrace_free(&bt);
		return true;
	}

	if (t == NULL)
		t = proc_main_thread(ctx->proc);
	if (t == NULL || thread_program_regs(t, &regs, NULL) < 0)
		return false;
	*pc = regs.rip;
	return true;
}

/*
 * len, or less so that bytes from addr stop at the end of the function
 * addr is in, when its symbol has a size.
 */
static size_t
cmd_disas_span(struct cmd_ctx *ctx, uint64_t addr, size_t len)
{
	const struct sym_info *si = unwind_lookup(ctx->proc, addr);
	uint64_t left;

	if (si == NULL || si->function == NULL || si->size == 0 ||
	    si->offset >= si->size)
		return len;
	left = si->size - si->offset;
	return left < len ? (size_t)left : len;
}

/*
 * Reads up to len bytes at addr and decodes them all into *out (malloc'd).
 * The number decoded, or -1 with *errp: nothing readable, or no
 * instruction at addr.
 */
static long
cmd_disas_read(struct cmd_ctx *ctx, uint64_t addr, size_t len,
    struct disas_insn **out, char **errp)
{
	uint8_t *buf = xmalloc(len);
	ssize_t got;
	long n;

	*out = NULL;
	got = mem_read(ctx->proc, addr, buf, len, errp);
	if (got < 0) {
		free(buf);
		return -1;
	}
	*out = xreallocarray(NULL, (size_t)got + 1, sizeof **out);
	n = disas_decode(buf, (size_t)got, addr, *out, (size_t)got + 1, errp);
	free(buf);
	if (n == 0) {
		set_error(errp, "0x%" PRIx64 ": not an instruction", addr);
		return -1;
	}
	return n;
}

/* "name" or "name+0xoff" for addr, false when no symbol covers it. */
static bool
cmd_disas_symbol(struct cmd_ctx *ctx, uint64_t addr, char *buf, size_t len)
{
	const struct sym_info *si = unwind_lookup(ctx->proc, addr);

	if (si == NULL || si->function == NULL)
		return false;
	if (si->offset == 0)
		snprintf(buf, len, "%s", si->function);
	else
		snprintf(buf, len, "%s+0x%" PRIx64, si->function, si->offset);
	return true;
}

static void
cmd_disas_print(struct cmd_ctx *ctx, const struct disas_insn *in, size_t n,
    bool has_pc, uint64_t pc)
{
	char sym[256], tsym[256];
	bool cur, has_sym;
	struct json j;
	size_t i;

	if (ctx->json) {
		json_begin(&j, ctx->out, "disas");
		json_open(&j, "insns", '[');
	}
	for (i = 0; i < n; i++) {
		cur = has_pc && in[i].addr == pc;
		has_sym = cmd_disas_symbol(ctx, in[i].addr, sym, sizeof sym);
		if (!in[i].has_target ||
		    !cmd_disas_symbol(ctx, in[i].target, tsym, sizeof tsym))
			tsym[0] = '\0';
		if (!ctx->json) {
			fprintf(ctx->out, "%s0x%" PRIx64, cur ? "=> " : "   ",
			    in[i].addr);
			if (has_sym)
				fprintf(ctx->out, " <%s>", sym);
			fprintf(ctx->out, ":\t%s%s%s%s\n", in[i].text,
			    tsym[0] != '\0' ? " <" : "", tsym,
			    tsym[0] != '\0' ? ">" : "");
			continue;
		}
		json_open(&j, NULL, '{');
		json_put_addr(&j, "addr", in[i].addr);
		json_put_hex(&j, "bytes", in[i].bytes, in[i].size);
		json_put_str(&j, "text", in[i].text);
		json_put_str(&j, "symbol", has_sym ? sym : NULL);
		if (tsym[0] != '\0') {
			json_put_addr(&j, "target", in[i].target);
			json_put_str(&j, "target_symbol", tsym);
		}
		json_put_bool(&j, "current", cur);
		json_close(&j);
	}
	if (ctx->json)
		json_end(&j);
}
