/*
 * cmd-set.c: typed writes to the held process, through the memory layer
 * (mem.h), so they reach redirected memory and read-only pages alike:
 *
 *	set TYPE ADDR VALUE	TYPE u8..u64, i8..i64, f32, f64, ptr;
 *				ADDR an address expression (or a C one);
 *				VALUE a number in range
 *	set var EXPR = VALUE	a scalar variable (dwarf-value.h)
 *
 * A core file is read-only: mem_write refuses, naming the address. The
 * TUI's inspector writes what it edits through cmd_set_typed (cmd.h).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-int.h"
#include "dwarf-value.h"
#include "json.h"
#include "mem.h"
#include "util.h"

static enum cmd_result cmd_set_exec(struct cmd_ctx *ctx, int argc,
    char **argv, const char *raw, char **errp);
static enum cmd_result cmd_set_var(struct cmd_ctx *ctx, const char *raw,
    char **errp);
static int cmd_set_address(struct cmd_ctx *ctx, const char *s,
    uint64_t *addr, char **errp);
static int cmd_set_value(const char *type, const char *s, uint8_t *buf,
    size_t *len, char **errp);
static int cmd_set_write(struct cmd_ctx *ctx, uint64_t addr,
    const uint8_t *buf, size_t len, char **errp);

const struct cmd_entry cmd_set_entry = {
	.name = "set",
	.args = "TYPE ADDR VALUE | var EXPR = VALUE",
	.min_args = 2,
	.max_args = -1,
	.core_ok = true,
	.help = "write VALUE as TYPE (u8..u64, i8..i64, f32, f64, ptr) at "
	    "ADDR, or into a variable",
	.exec = cmd_set_exec,
};

static enum cmd_result
cmd_set_exec(struct cmd_ctx *ctx, int argc, char **argv, const char *raw,
    char **errp)
{
	uint8_t buf[8];
	uint64_t addr;
	size_t len = 0;
	struct json j;

	if (strcmp(argv[1], "var") == 0 || strcmp(argv[1], "variable") == 0)
		return cmd_set_var(ctx, raw + strlen(argv[1]), errp);
	if (argc != 4) {
		set_error(errp, "usage: set %s", cmd_set_entry.args);
		return CMD_FAILED;
	}
	if (cmd_set_value(argv[1], argv[3], buf, &len, errp) < 0 ||
	    cmd_set_address(ctx, argv[2], &addr, errp) < 0 ||
	    cmd_set_write(ctx, addr, buf, len, errp) < 0)
		return CMD_FAILED;
	if (ctx->json) {
		json_begin(&j, ctx->out, "set");
		json_put_addr(&j, "addr", addr);
		json_put_str(&j, "type", argv[1]);
		json_put_hex(&j, "bytes", buf, len);
		json_end(&j);
	}
	return CMD_OK;
}

int
cmd_set_typed(struct cmd_ctx *ctx, const char *type, uint64_t addr,
    const char *value, char **errp)
{
	uint8_t buf[8];
	size_t len = 0;

	if (cmd_set_value(type, value, buf, &len, errp) < 0)
		return -1;
	return cmd_set_write(ctx, addr, buf, len, errp);
}

/* All of len bytes mapped and writable, then written; else nothing. */
static int
cmd_set_write(struct cmd_ctx *ctx, uint64_t addr, const uint8_t *buf,
    size_t len, char **errp)
{
	if (cmd_check_range(ctx, addr, len, true, errp) < 0 ||
	    mem_write(ctx->proc, addr, buf, len, errp) < 0)
		return -1;
	return 0;
}

/* "EXPR = VALUE" after `set var`. */
static enum cmd_result
cmd_set_var(struct cmd_ctx *ctx, const char *raw, char **errp)
{
	struct cmd_print_frame pf;
	struct dwv_env env;
	enum cmd_result rc = CMD_FAILED;
	const char *eq = strchr(raw, '=');
	struct json j;
	char *lhs;

	if (eq == NULL || eq[1] == '=') {
		set_error(errp, "set var%s: '=' expected", raw);
		return CMD_FAILED;
	}
	while (*raw == ' ' || *raw == '\t')
		raw++;
	lhs = xstrndup(raw, (size_t)(eq - raw));
	while (*lhs != '\0' && strchr(" \t", lhs[strlen(lhs) - 1]) != NULL)
		lhs[strlen(lhs) - 1] = '\0';
	if (cmd_print_env(ctx, &pf, &env, errp) == 0 &&
	    dwv_assign(&env, lhs, eq + 1, errp) == 0) {
		rc = CMD_OK;
		if (ctx->json) {
			json_begin(&j, ctx->out, "set");
			json_put_str(&j, "var", lhs);
			json_end(&j);
		}
	}
	cmd_print_env_free(&pf);
	free(lhs);
	return rc;
}

/*
 * ADDR: an address expression (expr.h), else a C expression over the
 * program's variables (&numbers[2], p->next); the first one's error when
 * both fail.
 */
static int
cmd_set_address(struct cmd_ctx *ctx, const char *s, uint64_t *addr,
    char **errp)
{
	struct cmd_print_frame pf;
	struct dwv_env env;
	char *err = NULL;
	int rc;

	if (cmd_eval_address(ctx, s, addr, &err) == 0)
		return 0;
	rc = cmd_print_env(ctx, &pf, &env, NULL) == 0 &&
	    dwv_eval_u64(&env, s, addr, NULL) == 0 ? 0 : -1;
	cmd_print_env_free(&pf);
	if (rc < 0)
		set_error(errp, "%s", err);
	free(err);
	return rc;
}

/* VALUE as TYPE's little-endian bytes, range-checked. */
static int
cmd_set_value(const char *type, const char *s, uint8_t *buf, size_t *len,
    char **errp)
{
	char *end;
	uint64_t u;
	int64_t v;
	unsigned bits;
	double d;
	float f;

	errno = 0;
	if (strcmp(type, "f32") == 0 || strcmp(type, "f64") == 0) {
		d = strtod(s, &end);
		if (errno != 0 || end == s || *end != '\0')
			return set_error(errp, "%s: not a number", s);
		if (type[1] == '3') {
			f = (float)d;
			memcpy(buf, &f, 4);
			*len = 4;
		} else {
			memcpy(buf, &d, 8);
			*len = 8;
		}
		return 0;
	}
	if (strcmp(type, "ptr") == 0)
		bits = 64;
	else if ((type[0] != 'u' && type[0] != 'i') ||
	    ((bits = (unsigned)strtoul(type + 1, &end, 10)) != 8 &&
	    bits != 16 && bits != 32 && bits != 64) || *end != '\0')
		return set_error(errp, "%s: not a type (u8..u64, i8..i64, "
		    "f32, f64, ptr)", type);
	errno = 0;
	if (type[0] == 'i') {
		v = strtoll(s, &end, 0);
		if (errno != 0 || end == s || *end != '\0' || (bits < 64 &&
		    (v < -((int64_t)1 << (bits - 1)) ||
		    v >= ((int64_t)1 << (bits - 1)))))
			return set_error(errp, "%s: not an %s", s, type);
		u = (uint64_t)v;
	} else {
		u = strtoull(s, &end, 0);
		if (errno != 0 || end == s || *end != '\0' || s[0] == '-' ||
		    (bits < 64 && u >> bits != 0))
			return set_error(errp, "%s: not a %s", s, type);
	}
	*len = bits / 8;
	memcpy(buf, &u, *len);
	return 0;
}
