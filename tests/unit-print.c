/*
 * unit-print.c: the C expression evaluator and printer (src/dwarf-value.c)
 * over this test's own globals, through libdwfl's view of this process
 * and process_vm_readv of itself: values as gdb prints them, errors naming
 * the bad token, C's operators (comparisons, && || ?:, bitwise, shifts,
 * sizeof, floats), and a fuzz loop: 20000 random and truncated
 * expressions over the grammar's operators and the globals' names
 * evaluate or fail with a message, never crash (also under ASan/UBSan
 * when built with them).
 */
#define _GNU_SOURCE
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include <elfutils/libdwfl.h>

#include "../src/dwarf-value.h"
#include "../src/util.h"
#include "tap.h"

struct unit_node {
	const char *name;
	int weight;
	struct unit_node *next;
};

struct unit_bits {
	unsigned a : 3;
	int b : 4;
	unsigned char c;
};

enum unit_color { UNIT_RED, UNIT_GREEN = 4 };

struct unit_node unit_tail = { "tail", -2, NULL };
struct unit_node unit_head = { "head", 7, &unit_tail };
int unit_numbers[4] = { 1, -2, 3, 4 };
char unit_text[8] = "abc";
struct unit_bits unit_bits = { 5, -3, 'x' };
enum unit_color unit_color = UNIT_GREEN;
double unit_ratio = 0.5;
long unit_matrix[2][2] = { { 1, 2 }, { 3, 4 } };

static long unit_read(void *arg, uint64_t addr, void *buf, size_t len);
static int unit_write(void *arg, uint64_t addr, const void *buf,
    size_t len, char **errp);
static char *unit_print(const struct dwv_env *env, const char *expr);
static void unit_fuzz(const struct dwv_env *env, FILE *null);

static const Dwfl_Callbacks unit_callbacks = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
};

int
main(void)
{
	static const struct {
		const char *expr, *want;
	} cases[] = {
		{ "unit_head.weight", "7" },
		{ "unit_head.next->weight", "-2" },
		{ "*unit_head.next->name", "116 't'" },
		{ "unit_numbers", "{1, -2, 3, 4}" },
		{ "unit_numbers[1] * 3 + 1", "-5" },
		{ "unit_text", "\"abc\\000\\000\\000\\000\"" },
		{ "unit_bits", "{a = 5, b = -3, c = 120 'x'}" },
		{ "unit_color", "UNIT_GREEN" },
		{ "unit_ratio", "0.5" },
		{ "unit_matrix[1]", "{3, 4}" },
		{ "unit_matrix[1][0]", "3" },
		{ "(long)unit_ratio + 1", "1" },
		{ "UNIT_GREEN", "UNIT_GREEN" },
		{ "(char)65", "65 'A'" },
		{ "7 / 2 - 7 % 2", "2" },
		{ "-2147483647 - 1", "-2147483648" },
		{ "*&unit_numbers[3]", "4" },
		{ "unit_nope", "error: unit_nope: no symbol in the current "
		    "context" },
		{ "unit_numbers.x", "error: x: the operand is not a struct or "
		    "union" },
		{ "*unit_tail.next", "error: *unit_tail.next: cannot access "
		    "memory at address 0x0 (null pointer)" },
		{ "(unit_head",
		    "error: (unit_head: ')' expected at column 11" },
		{ "unit_head +", "error: unit_head +: operand expected at "
		    "column 12" },
		{ "1 / 0", "error: 1 / 0: division by zero" },
		{ "(struct nope *)0", "error: struct nope: no such type" },
		{ "unit_numbers[1] < 0 && unit_ratio > 0.25", "1" },
		{ "unit_tail.next && unit_tail.next->weight", "0" },
		{ "unit_numbers[0] | 6 ^ 1 & 3", "7" },
		{ "1 + 2 << 3 >> 1", "12" },
		{ "unit_numbers[2] == 3 ? unit_ratio * 3 : -1", "1.5" },
		{ "sizeof(struct unit_node) + sizeof unit_numbers", "40" },
		{ "-unit_ratio / 4", "-0.125" },
		{ "unit_ratio != 0.5", "0" },
		{ "~unit_numbers[1] >= 1", "1" },
		{ "0.0 / 0 == 0.0 / 0", "0" },
		{ "unit_ratio % 2", "error: unit_ratio % 2: operands of '%' "
		    "must be integers" },
		{ "1 ? 2", "error: 1 ? 2: ':' expected at column 6" },
	};
	void *index = NULL;
	struct dwv_env env = {
		.read = unit_read,
		.write = unit_write,
		.index = &index,
	};
	Dwfl *dwfl;
	char *got, *err = NULL;
	FILE *null;
	size_t i;

	dwfl = dwfl_begin(&unit_callbacks);
	if (dwfl == NULL || dwfl_linux_proc_report(dwfl, getpid()) != 0 ||
	    dwfl_report_end(dwfl, NULL, NULL) != 0)
		tap_bail("libdwfl cannot report this process");
	env.dwfl = dwfl;
	tap_plan(ARRAY_SIZE(cases) + 4);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		got = unit_print(&env, cases[i].expr);
		if (!tap_ok(strcmp(got, cases[i].want) == 0, "%s",
		    cases[i].expr))
			tap_diag("got '%s', want '%s'", got, cases[i].want);
		free(got);
	}
	tap_ok(dwv_assign(&env, "unit_bits.b", "-8", &err) == 0 &&
	    unit_bits.b == -8 && unit_bits.a == 5,
	    "set var on a bit field: its bits only");
	tap_ok(dwv_assign(&env, "unit_numbers[2]", "unit_numbers[3] * 10",
	    &err) == 0 && unit_numbers[2] == 40, "set var: an element");
	tap_ok(dwv_assign(&env, "unit_head", "1", &err) == -1 && err != NULL &&
	    strcmp(err, "unit_head: not a scalar variable") == 0,
	    "set var on a struct: refused");
	free(err);
	null = fopen("/dev/null", "w");
	if (null == NULL)
		tap_bail("/dev/null");
	unit_fuzz(&env, null);
	tap_ok(1, "fuzz: 20000 random and truncated expressions");
	fclose(null);
	dwv_index_free(index);
	dwfl_end(dwfl);
	return tap_exit();
}

/* The text of expr's value, or "error: " and the message. */
static char *
unit_print(const struct dwv_env *env, const char *expr)
{
	struct dwv_value *v;
	char *buf = NULL, *err = NULL;
	size_t len = 0;
	FILE *f;

	v = dwv_eval(env, expr, &err);
	if (v == NULL) {
		buf = xstrfmt("error: %s", err != NULL ? err : "(no message)");
		free(err);
		return buf;
	}
	f = open_memstream(&buf, &len);
	dwv_write_text(env, v, f, true);
	fclose(f);
	dwv_free(v);
	return buf;
}

static void
unit_fuzz(const struct dwv_env *env, FILE *null)
{
	static const char *const atoms[] = {
		"unit_head", "unit_tail", "unit_numbers", "unit_text",
		"unit_bits", "unit_color", "unit_ratio", "unit_matrix",
		"next", "name", "weight", "a", "b", "(struct unit_node *)",
		"(long)", "(char *)", "(double)", "0", "1", "0x10", "'a'",
		"$rsp", "UNIT_GREEN", "->", ".", "[", "]", "(", ")", "*", "&",
		"-", "+", "/", "%", "!", "~", " ", "'", "9999999999999999999",
		"==", "!=", "<", "<=", ">", ">=", "&&", "||", "|", "^", "<<",
		">>", "?", ":", "sizeof", "sizeof(int)", "1.5", ".5e3",
		"1e", "2.5f", "7u", "8ul", "0x1L", "(float)", "--", "++",
		"1e300", "(int)", "63", "-9223372036854775807", "0.0/0",
	};
	static const char *const valid[] = {
		"unit_head.next->name", "(struct unit_node *)&unit_tail",
		"unit_matrix[1][1] * -3", "*unit_head.next",
		"&unit_numbers[2] - 1", "unit_text[1]",
		"unit_tail.next && unit_tail.next->weight > 1 || !unit_ratio",
		"sizeof(struct unit_node) << 2 | unit_numbers[1] ^ 3",
		"unit_ratio >= 0.5 ? unit_numbers[0] * 2.5f : -unit_ratio",
		"(long)1e300 + (int)(0.0/0) - (1L << 63) / -1 % -1",
	};
	char expr[256], *err;
	struct dwv_value *v;
	size_t len, n, k;
	unsigned seed = 14;
	int i;

	for (i = 0; i < 20000; i++) {
		expr[0] = '\0';
		if (i % 4 == 0) {
			/* A prefix of a valid expression. */
			const char *s = valid[rand_r(&seed) %
			    ARRAY_SIZE(valid)];

			len = (size_t)rand_r(&seed) % (strlen(s) + 1);
			memcpy(expr, s, len);
			expr[len] = '\0';
		} else {
			n = 1 + (size_t)rand_r(&seed) % 8;
			for (k = 0; k < n; k++) {
				const char *a = atoms[rand_r(&seed) %
				    ARRAY_SIZE(atoms)];

				if (strlen(expr) + strlen(a) < sizeof expr)
					strcat(expr, a);
			}
		}
		err = NULL;
		v = dwv_eval(env, expr, &err);
		if (v == NULL && err == NULL)
			tap_bail("%s: failed without a message", expr);
		if (v != NULL) {
			dwv_write_text(env, v, null, true);
			dwv_write_json(env, v, null);
		}
		dwv_free(v);
		free(err);
	}
}

/* This process's memory, as a tracee's: an unmapped address fails. */
static long
unit_read(void *arg, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };

	(void)arg;
	return (long)process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
}

static int
unit_write(void *arg, uint64_t addr, const void *buf, size_t len,
    char **errp)
{
	struct iovec local = { (void *)(uintptr_t)buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };

	(void)arg;
	if (process_vm_writev(getpid(), &local, 1, &remote, 1, 0) !=
	    (ssize_t)len)
		return set_error(errp, "0x%llx: cannot write",
		    (unsigned long long)addr);
	return 0;
}
