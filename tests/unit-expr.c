/*
 * unit-expr.c: the address expression grammar (src/expr.c) without a
 * process: names, regions, registers and memory are small tables here.
 * Covers precedence (unary * over binary *, * over + and -), parentheses,
 * &NAME, nested dereferences, names holding '+' '-' '@', overflow, and
 * every syntax error with the column it names.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../src/expr.h"
#include "../src/util.h"
#include "tap.h"

static int fake_name(void *arg, const char *name, uint64_t *out,
    char **errp);
static int fake_region(void *arg, const char *name, uint64_t *out,
    char **errp);
static int fake_reg(void *arg, const char *name, uint64_t *out,
    char **errp);
static int fake_load(void *arg, uint64_t addr, uint64_t *out, char **errp);
static void fuzz(const struct expr_env *env);

static const struct {
	const char *name;
	uint64_t value;
} names[] = {
	{ "main", 0x401000 },
	{ "planet_list", 0x404040 },
	{ "malloc@libc.so.6", 0x7f0000001000 },
	{ "libstdc++.so.6", 0x10000 },
	{ "a-b", 0x30000 },
};

/* Memory: a pointer chain 0x404040 -> 0x5000 -> 0x6000. */
static const struct {
	uint64_t addr, value;
} memory[] = {
	{ 0x404040, 0x5000 },
	{ 0x5000, 0x6000 },
	{ 0x5008, 0x7 },
};

static int
fake_name(void *arg, const char *name, uint64_t *out, char **errp)
{
	size_t i;

	(void)arg, (void)errp;
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (strcmp(names[i].name, name) == 0) {
			*out = names[i].value;
			return 1;
		}
	return 0;
}

static int
fake_region(void *arg, const char *name, uint64_t *out, char **errp)
{
	(void)arg, (void)errp;
	if (strcmp(name, "[heap]") != 0)
		return 0;
	*out = 0x2000;
	return 1;
}

static int
fake_reg(void *arg, const char *name, uint64_t *out, char **errp)
{
	(void)arg;
	if (strcmp(name, "$rsp") != 0)
		return set_error(errp, "%s: no such register", name);
	*out = 0x7ffd1000;
	return 0;
}

static int
fake_load(void *arg, uint64_t addr, uint64_t *out, char **errp)
{
	size_t i;

	(void)arg;
	for (i = 0; i < ARRAY_SIZE(memory); i++)
		if (memory[i].addr == addr) {
			*out = memory[i].value;
			return 0;
		}
	return set_error(errp, "0x%llx: address not mapped",
	    (unsigned long long)addr);
}

int
main(void)
{
	static const struct {
		const char *expr;
		uint64_t want;
	} good[] = {
		{ "0x10", 0x10 },
		{ "1+2*3", 7 },
		{ "(1+2)*3", 9 },
		{ "2*3-1", 5 },
		{ "10-2-3", 5 },
		{ "10-(2-1)", 9 },
		{ " ( ( 4 ) ) ", 4 },
		{ "main", 0x401000 },
		{ "&main", 0x401000 },
		{ "& main+4", 0x401004 },
		{ "main+0x10", 0x401010 },
		{ "*planet_list", 0x5000 },
		{ "**planet_list", 0x6000 },
		{ "*&planet_list", 0x5000 },
		{ "*(planet_list)+8", 0x5008 },
		{ "*(*planet_list+8)", 7 },
		{ "*planet_list*2", 0xa000 },
		{ "malloc@libc.so.6", 0x7f0000001000 },
		{ "malloc@libc.so.6+1", 0x7f0000001001 },
		{ "libstdc++.so.6+0x10", 0x10010 },
		{ "a-b-1", 0x2ffff },
		{ "[heap]+0x40", 0x2040 },
		{ "$rsp-16", 0x7ffd1000 - 16 },
		{ "($rsp)", 0x7ffd1000 },
		{ "0xffffffffffffffff", UINT64_MAX },
	};
	static const struct {
		const char *expr;
		const char *err;
	} bad[] = {
		{ "", "missing address" },
		{ "frobnicate", "frobnicate: no such symbol or region" },
		{ "frob+main", "frob: no such symbol or region" },
		{ "1+", "1+: operand expected at column 3" },
		{ "(1+2", "(1+2: ')' expected at column 5" },
		{ "1+2)", "1+2): unmatched ')' at column 4" },
		{ "()", "(): operand expected at column 2" },
		{ "main main", "main main: operator expected at column 6" },
		{ "&1", "&1: symbol expected after '&' at column 2" },
		{ "&$rsp", "&$rsp: symbol expected after '&' at column 2" },
		{ "*", "*: operand expected at column 2" },
		{ "*0x10", "0x10: address not mapped" },
		{ "*main", "0x401000: address not mapped" },
		{ "0xzz", "0xzz: bad address" },
		{ "[nope]", "[nope]: no such region" },
		{ "$foo", "$foo: no such register" },
		{ "0-1", "0-1: address out of range" },
		{ "0xffffffffffffffff+1",
		  "0xffffffffffffffff+1: address out of range" },
		{ "0x100000000*0x100000000",
		  "0x100000000*0x100000000: address out of range" },
		{ "1 + -1", "1 + -1: operand expected at column 5" },
	};
	const struct expr_env env = {
		.name = fake_name,
		.region = fake_region,
		.reg = fake_reg,
		.load = fake_load,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		uint64_t v = 1;
		char *err = NULL;
		int rc = expr_eval(good[i].expr, &env, &v, &err);

		tap_ok(rc == 0 && v == good[i].want, "'%s' = 0x%llx (%s)",
		    good[i].expr, (unsigned long long)v, err ? err : "ok");
		free(err);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		uint64_t v;
		char *err = NULL;
		int rc = expr_eval(bad[i].expr, &env, &v, &err);

		tap_ok(rc == -1 && err != NULL && strcmp(err, bad[i].err) == 0,
		    "'%s' fails: %s", bad[i].expr, err ? err : "accepted");
		free(err);
	}
	fuzz(&env);
	return tap_exit();
}

/*
 * Random strings over the grammar's characters: every one evaluates or
 * fails with a message, never crashes or reads past its end (run under
 * --enable-sanitizers to see the latter).
 */
static void
fuzz(const struct expr_env *env)
{
	static const char alphabet[] = "0x19af+-*&()$[] mainrsp@.heap";
	unsigned seed = 14, bad = 0, ok = 0;
	char s[24];
	int i, k, n;

	for (i = 0; i < 20000; i++) {
		uint64_t v;
		char *err = NULL;

		seed = seed * 1103515245u + 12345u;
		n = (int)(seed >> 16) % (int)(sizeof s - 1);
		for (k = 0; k < n; k++) {
			seed = seed * 1103515245u + 12345u;
			s[k] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
		}
		s[n] = '\0';
		if (expr_eval(s, env, &v, &err) == 0 && err == NULL)
			ok++;
		else if (err != NULL)
			bad++;
		free(err);
	}
	tap_ok(ok + bad == 20000, "fuzz: 20000 random expressions, %u "
	    "evaluated, %u refused with a message", ok, bad);
}
