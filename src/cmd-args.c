/*
 * cmd-args.c: what commands share for their arguments: numbers, thread
 * ids, address expressions evaluated against the process (expr.h, with
 * symbols, regions, registers of the selected frame and loads from its
 * memory), the range checks that name what is wrong, DATA ("string",
 * hex bytes), the selected frame, the register table ($name lookups and
 * `regs`), and the tokenizer's quoting rules (cmd_space, cmd_escape),
 * which cmd.c's tokenizer uses too.
 *
 * Calls nothing in cmd.c: the commands (cmd-NAME.c) and cmd.c depend on
 * it, not the other way.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/user.h>

#include "cmd-int.h"
#include "expr.h"
#include "maps.h"
#include "mem.h"
#include "symbols.h"
#include "tracer.h"
#include "unwind.h"
#include "util.h"

#define CMD_REG(name) { #name, offsetof(struct user_regs_struct, name) }

/* gdb's order: general registers, rip, flags, segments, then the rest. */
const struct cmd_reg cmd_regs[] = {
	CMD_REG(rax), CMD_REG(rbx), CMD_REG(rcx), CMD_REG(rdx),
	CMD_REG(rsi), CMD_REG(rdi), CMD_REG(rbp), CMD_REG(rsp),
	CMD_REG(r8), CMD_REG(r9), CMD_REG(r10), CMD_REG(r11),
	CMD_REG(r12), CMD_REG(r13), CMD_REG(r14), CMD_REG(r15),
	CMD_REG(rip), CMD_REG(eflags),
	CMD_REG(cs), CMD_REG(ss), CMD_REG(ds), CMD_REG(es),
	CMD_REG(fs), CMD_REG(gs), CMD_REG(fs_base), CMD_REG(gs_base),
	CMD_REG(orig_rax),
	{ NULL, 0 },
};

/* What expr_eval's callbacks need: the context, and maps read once. */
struct cmd_eval_env {
	struct cmd_ctx *ctx;
	struct maps *maps;
};

static int cmd_eval(struct cmd_ctx *ctx, const char *expr, struct maps *maps,
    uint64_t *out, char **errp);
static int cmd_eval_name(void *arg, const char *name, uint64_t *out,
    char **errp);
static int cmd_eval_region(void *arg, const char *name, uint64_t *out,
    char **errp);
static int cmd_eval_register(void *arg, const char *name, uint64_t *out,
    char **errp);
static int cmd_eval_load(void *arg, uint64_t addr, uint64_t *out,
    char **errp);
static int cmd_eval_frame_register(struct cmd_ctx *ctx, const char *name,
    const char *reg, uint64_t *out, char **errp);
static int cmd_need_maps(struct cmd_ctx *ctx, struct maps *maps,
    char **errp);
static const char *cmd_region_refusal(const struct region *r);
static int cmd_parse_hex_data(const char *s, uint8_t *buf, size_t *len,
    char **errp);

struct thread *
cmd_thread_arg(struct cmd_ctx *ctx, const char *tid, char **errp)
{
	struct thread *t = NULL;
	uint64_t n;

	if (tid != NULL) {
		if (cmd_parse_number(tid, &n) < 0 || n > INT32_MAX ||
		    (t = proc_find_thread(ctx->proc, (pid_t)n)) == NULL)
			set_error(errp, "%s: no such thread", tid);
		return t;
	}
	t = ctx->thread != NULL ? ctx->thread : proc_main_thread(ctx->proc);
	if (t == NULL)
		set_error(errp, "no thread");
	return t;
}

int
cmd_parse_number(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	int base = 10, d;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		d = hex_digit((unsigned char)*s);
		if (d < 0 || d >= base || v > (UINT64_MAX - (uint64_t)d) /
		    (uint64_t)base)
			return -1;
		v = v * (uint64_t)base + (uint64_t)d;
	}
	*out = v;
	return 0;
}

int
cmd_eval_address(struct cmd_ctx *ctx, const char *expr, uint64_t *out,
    char **errp)
{
	struct maps maps = { NULL, 0 };
	int rc;

	rc = cmd_eval(ctx, expr, &maps, out, errp);
	maps_free(&maps);
	return rc;
}

/*
 * Evaluates expr (expr.h) against ctx's process; maps is read on first
 * use of a name.
 */
static int
cmd_eval(struct cmd_ctx *ctx, const char *expr, struct maps *maps,
    uint64_t *out, char **errp)
{
	struct cmd_eval_env ee = { ctx, maps };
	const struct expr_env env = {
		.name = cmd_eval_name,
		.region = cmd_eval_region,
		.reg = cmd_eval_register,
		.load = cmd_eval_load,
		.arg = &ee,
	};

	return expr_eval(expr, &env, out, errp);
}

int
cmd_check_range(struct cmd_ctx *ctx, uint64_t addr, uint64_t len,
    bool write, char **errp)
{
	struct maps maps = { NULL, 0 };
	const struct region *r;
	uint64_t at = addr;
	const char *why, *tail;
	int rc = -1;

	if (mem_maps_read(ctx->proc, &maps, errp) < 0)
		return -1;
	while (len > 0) {
		r = maps_find(&maps, at);
		why = r != NULL ? cmd_region_refusal(r) : NULL;
		/* A write that would have started says it did not. */
		tail = write && at != addr ? "; nothing written" : "";
		if (r == NULL) {
			if (mem_unlisted(ctx->proc, at, errp) == 0)
				set_error(errp, "0x%" PRIx64 ": address not "
				    "mapped%s", at, tail);
			goto out;
		}
		if (why != NULL) {
			set_error(errp, "0x%" PRIx64 " (%s): region cannot be "
			    "%s (%s)%s", at, region_basename(r),
			    write ? "written" : "read", why, tail);
			goto out;
		}
		if (r->end - at >= len)
			break;
		len -= r->end - at;
		at = r->end;
	}
	rc = 0;
out:
	maps_free(&maps);
	return rc;
}

/*
 * Why nobody, ptinspect included, can access a region that maps lists, or
 * NULL. The vvar pages are kernel data mapped VM_IO|VM_PFNMAP: both
 * /proc/PID/mem and process_vm_readv refuse them (EIO, EFAULT).
 */
static const char *
cmd_region_refusal(const struct region *r)
{
	if (strncmp(r->name, "[vvar", 5) == 0)
		return "the kernel's vvar page, not accessible through "
		    "/proc/PID/mem";
	return NULL;
}

int
cmd_parse_data(const char *s, uint8_t **bufp, size_t *lenp, char **errp)
{
	const char *end;
	uint8_t *buf;
	size_t len = 0;

	while (cmd_space(*s))
		s++;
	if (*s == '\0')
		return set_error(errp, "missing data");
	/* Never longer than the text it comes from. */
	buf = xmalloc(strlen(s));
	if (*s == '"' || *s == '\'') {
		char quote = *s++;

		while (*s != quote) {
			if (*s == '\0') {
				free(buf);
				return set_error(errp, "unterminated string");
			}
			if (*s == '\\' && quote == '"') {
				s++;
				if (cmd_escape(&s, &buf[len++], errp) < 0) {
					free(buf);
					return -1;
				}
			} else {
				buf[len++] = (uint8_t)*s++;
			}
		}
		for (end = s + 1; cmd_space(*end); end++)
			;
		if (*end != '\0') {
			set_error(errp, "%s: unexpected after the string",
			    end);
			free(buf);
			return -1;
		}
	} else if (cmd_parse_hex_data(s, buf, &len, errp) < 0) {
		free(buf);
		return -1;
	}
	*bufp = buf;
	*lenp = len;
	return 0;
}

const char *
cmd_data_end(const char *s)
{
	const char *end;

	while (cmd_space(*s))
		s++;
	if (*s == '"' || *s == '\'') {
		char quote = *s++;

		for (; *s != '\0' && *s != quote; s++)
			if (*s == '\\' && quote == '"' && s[1] != '\0')
				s++;
		return *s == quote ? s + 1 : s;
	}
	for (end = s; *s != '\0';) {
		const char *t = s;

		while (hex_digit((unsigned char)*t) >= 0)
			t++;
		if (t == s || (*t != '\0' && !cmd_space(*t)))
			break;
		end = t;
		for (s = t; cmd_space(*s); s++)
			;
	}
	return end;
}

bool
cmd_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Decodes the C escape after a backslash at *sp into *out and advances *sp
 * past it. \xNN takes one or two hex digits, \NNN one to three octal ones.
 */
int
cmd_escape(const char **sp, unsigned char *out, char **errp)
{
	static const char from[] = "ntrabefv\\\"'";
	static const char to[] = "\n\t\r\a\b\033\f\v\\\"'";
	const char *s = *sp, *hit;
	unsigned v = 0;
	int i;

	if (*s == '\0')
		return set_error(errp, "\\: escape at end of line");
	if (*s == 'x') {
		int d;

		for (i = 1; i <= 2 &&
		    (d = hex_digit((unsigned char)s[i])) >= 0; i++)
			v = v * 16 + (unsigned)d;
		if (i == 1)
			return set_error(errp, "\\x: bad escape");
		*out = (unsigned char)v;
		*sp = s + i;
		return 0;
	}
	if (*s >= '0' && *s <= '7') {
		for (i = 0; i < 3 && s[i] >= '0' && s[i] <= '7'; i++)
			v = v * 8 + (unsigned)(s[i] - '0');
		if (v > 0xff)
			return set_error(errp, "\\%.3s: bad escape", s);
		*out = (unsigned char)v;
		*sp = s + i;
		return 0;
	}
	hit = strchr(from, *s);
	if (hit == NULL)
		return set_error(errp, "\\%c: bad escape", *s);
	*out = (unsigned char)to[hit - from];
	*sp = s + 1;
	return 0;
}

/* "[heap]", "[stack]": a region by its name in maps. */
static int
cmd_eval_region(void *arg, const char *name, uint64_t *out, char **errp)
{
	struct cmd_eval_env *ee = arg;
	const struct region *r;

	if (cmd_need_maps(ee->ctx, ee->maps, errp) < 0)
		return -1;
	r = maps_find_name(ee->maps, name);
	if (r == NULL)
		return 0;
	*out = r->start;
	return 1;
}

/*
 * A bare name: a region (libc.so.6, a path) first, as before symbols were
 * known, then a function or object of the program or its libraries
 * ("main", "planet_list", "malloc@libc.so.6").
 */
static int
cmd_eval_name(void *arg, const char *name, uint64_t *out, char **errp)
{
	struct cmd_eval_env *ee = arg;
	struct symbols *syms;
	int rc;

	rc = cmd_eval_region(arg, name, out, errp);
	if (rc != 0)
		return rc;
	syms = unwind_symbols(ee->ctx->proc);
	return syms != NULL && symbols_find_symbol(syms, name, out) ? 1 : 0;
}

/* "*ADDR": the 8 bytes at addr as a little-endian number. */
static int
cmd_eval_load(void *arg, uint64_t addr, uint64_t *out, char **errp)
{
	struct cmd_eval_env *ee = arg;
	uint8_t buf[8];
	ssize_t n;
	int i;

	n = mem_read(ee->ctx->proc, addr, buf, sizeof buf, errp);
	if (n < 0)
		return -1;
	if (n < (ssize_t)sizeof buf)
		return set_error(errp, "*0x%" PRIx64 ": only %zd of 8 bytes "
		    "readable", addr, n);
	*out = 0;
	for (i = 7; i >= 0; i--)
		*out = *out << 8 | buf[i];
	return 0;
}

/* "$rip": a register of the selected thread. */
static int
cmd_eval_register(void *arg, const char *name, uint64_t *out, char **errp)
{
	struct cmd_eval_env *ee = arg;
	struct cmd_ctx *ctx = ee->ctx;
	struct user_regs_struct regs;
	const char *want = name + 1;
	size_t i;

	if (strcmp(want, "pc") == 0)
		want = "rip";
	else if (strcmp(want, "sp") == 0)
		want = "rsp";
	for (i = 0; cmd_regs[i].name != NULL; i++)
		if (strcmp(cmd_regs[i].name, want) == 0)
			break;
	if (cmd_regs[i].name == NULL)
		return set_error(errp, "%s: no such register", name);
	if (ctx->thread == NULL)
		return set_error(errp, "%s: no thread selected", name);
	if (ctx->frame > 0)
		return cmd_eval_frame_register(ctx, name, want, out, errp);
	if (thread_program_regs(ctx->thread, &regs, errp) < 0)
		return -1;
	memcpy(out, (const char *)&regs + cmd_regs[i].offset, sizeof *out);
	return 0;
}

/*
 * A register in a selected frame past #0, as the unwinder recovered it
 * (struct frame's regs, by DWARF number; one the callee did not save is
 * the callee's, as gdb reads it), or refused by name when unknown rather
 * than shown with frame #0's value.
 */
static int
cmd_eval_frame_register(struct cmd_ctx *ctx, const char *name,
    const char *reg, uint64_t *out, char **errp)
{
	static const char *const dwarf_regs[] = {
		"rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp",
		"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
	};
	struct backtrace bt;
	const struct frame *fr;
	size_t n;
	int rc = 0;

	for (n = 0; n < ARRAY_SIZE(dwarf_regs); n++)
		if (strcmp(reg, dwarf_regs[n]) == 0)
			break;
	if (n == ARRAY_SIZE(dwarf_regs) && strcmp(reg, "rip") != 0)
		return set_error(errp, "%s: not known in frame #%u (only the "
		    "general registers and $pc are)", name, ctx->frame);
	if (cmd_selected_frame(ctx, &bt, &fr, errp) < 0)
		return -1;
	if (strcmp(reg, "rip") == 0)
		*out = fr->pc;
	else if (strcmp(reg, "rsp") == 0)
		*out = fr->sp;
	else if (fr->regs_known & (1u << n))
		*out = fr->regs[n];
	else
		rc = set_error(errp, "%s: not known in frame #%u (the unwinder "
		    "did not recover it)", name, ctx->frame);
	backtrace_free(&bt);
	return rc;
}

int
cmd_selected_frame(struct cmd_ctx *ctx, struct backtrace *bt,
    const struct frame **fr, char **errp)
{
	struct thread *t;

	if ((t = cmd_thread_arg(ctx, NULL, errp)) == NULL)
		return -1;
	if (unwind_thread(ctx->proc, t, bt, errp) < 0)
		return -1;
	if (ctx->frame >= bt->count) {
		set_error(errp, "frame %u: no such frame (%zu frames)",
		    ctx->frame, bt->count);
		backtrace_free(bt);
		return -1;
	}
	*fr = &bt->frames[ctx->frame];
	return 0;
}

static int
cmd_need_maps(struct cmd_ctx *ctx, struct maps *maps, char **errp)
{
	if (maps->regions != NULL)
		return 0;
	return mem_maps_read(ctx->proc, maps, errp);
}

/* "de ad be ef" or "deadbeef": pairs of hex digits, spaces between pairs. */
static int
cmd_parse_hex_data(const char *s, uint8_t *buf, size_t *len, char **errp)
{
	*len = 0;
	while (*s != '\0') {
		int hi, lo;

		if (cmd_space(*s)) {
			s++;
			continue;
		}
		hi = hex_digit((unsigned char)s[0]);
		lo = hi < 0 || s[1] == '\0' ? -1 :
		    hex_digit((unsigned char)s[1]);
		if (hi < 0 || lo < 0) {
			size_t n = s[1] != '\0' && !cmd_space(s[1]) ? 2 : 1;

			return set_error(errp, "\"%.*s\": bad hex byte", (int)n,
			    s);
		}
		buf[(*len)++] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	return 0;
}
