/*
 * dwarf-value.c: the C expression parser and evaluator over DWARF
 * variables (dwarf-value.h), `set var`, and a frame's locals and args;
 * types and locations are dwarf-types.c's, printing dwarf-print.c's.
 *
 * A value is a type and a place: memory (an lvalue, with a bit offset
 * and size for bit fields), bytes (a register, DW_OP_stack_value or
 * implicit_value, a composite of pieces, an arithmetic result), or
 * nothing (optimized out). Types are DWARF DIEs of the modules libdwfl
 * reports, plus "ptrs" pointers added on top (&x, casts) and synthetic C
 * base types for literals and casts to int, long and the like, so no type
 * is ever made up inside libdw. Names are looked up the way gdb's C scope
 * goes: the selected frame's blocks innermost first (dwv_frame_scopes),
 * its CU, then the index of every module's globals (dwarf-types.c).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>

#include "dwarf-value-int.h"
#include "symbols.h"
#include "util.h"

/* The C names a cast may use without DWARF, as gdb knows them. */
static const struct {
	const char *name;
	unsigned size;
	int enc;
} dwv_c_types[] = {
	{ "char", 1, DW_ATE_signed_char },
	{ "signed char", 1, DW_ATE_signed_char },
	{ "unsigned char", 1, DW_ATE_unsigned_char },
	{ "short", 2, DW_ATE_signed },
	{ "unsigned short", 2, DW_ATE_unsigned },
	{ "int", 4, DW_ATE_signed },
	{ "unsigned", 4, DW_ATE_unsigned },
	{ "unsigned int", 4, DW_ATE_unsigned },
	{ "long", 8, DW_ATE_signed },
	{ "unsigned long", 8, DW_ATE_unsigned },
	{ "long long", 8, DW_ATE_signed },
	{ "unsigned long long", 8, DW_ATE_unsigned },
	{ "float", 4, DW_ATE_float },
	{ "double", 8, DW_ATE_float },
	{ "long double", 16, DW_ATE_float },
	{ "_Bool", 1, DW_ATE_boolean },
	{ "void", 0, 0 },
};

static struct dwv_value *dwv_parse_expr(struct dwv_parser *ps, int depth);
static struct dwv_value *dwv_parse_binary(struct dwv_parser *ps, int depth,
    int min_prec);
static int dwv_peek_binop(struct dwv_parser *ps, int *prec, size_t *len);
static struct dwv_value *dwv_logical(struct dwv_parser *ps, int depth,
    int op, int prec, struct dwv_value *a);
static struct dwv_value *dwv_sizeof(struct dwv_parser *ps, int depth);
static struct dwv_value *dwv_number(struct dwv_parser *ps);
static struct dwv_value *dwv_parse_unary(struct dwv_parser *ps, int depth);
static struct dwv_value *dwv_parse_postfix(struct dwv_parser *ps,
    int depth);
static struct dwv_value *dwv_parse_primary(struct dwv_parser *ps,
    int depth);
static bool dwv_parse_type(struct dwv_parser *ps, struct dwv_type *t,
    uint64_t *count);
static void dwv_skip(struct dwv_parser *ps);
static bool dwv_accept(struct dwv_parser *ps, const char *tok);
static bool dwv_expect(struct dwv_parser *ps, const char *tok);
static char *dwv_ident(struct dwv_parser *ps);
static struct dwv_value *dwv_deref(struct dwv_parser *ps,
    struct dwv_value *v, const char *what);
static struct dwv_value *dwv_index(struct dwv_parser *ps,
    struct dwv_value *v, struct dwv_value *i);
static struct dwv_value *dwv_variable(struct dwv_parser *ps,
    const char *name);


struct dwv_value *
dwv_eval(const struct dwv_env *env, const char *expr, char **errp)
{
	struct dwv_parser ps = { env, expr, expr, NULL, 0 };
	struct dwv_value *v;

	v = dwv_parse_expr(&ps, 0);
	dwv_skip(&ps);
	if (v != NULL && *ps.p != '\0') {
		dwv_fail(&ps, "%s: unexpected '%s' at column %zu", expr, ps.p,
		    (size_t)(ps.p - expr) + 1);
		dwv_free(v);
		v = NULL;
	}
	if (v == NULL) {
		if (ps.err == NULL)
			ps.err = xstrfmt("%s: cannot evaluate", expr);
		set_error(errp, "%s", ps.err);
	}
	free(ps.err);
	return v;
}

static void
dwv_skip(struct dwv_parser *ps)
{
	while (isspace((unsigned char)*ps->p))
		ps->p++;
}

static bool
dwv_accept(struct dwv_parser *ps, const char *tok)
{
	size_t n = strlen(tok);

	dwv_skip(ps);
	if (strncmp(ps->p, tok, n) != 0)
		return false;
	ps->p += n;
	return true;
}

/* dwv_accept, or false with "'tok' expected at column N". */
static bool
dwv_expect(struct dwv_parser *ps, const char *tok)
{
	if (dwv_accept(ps, tok))
		return true;
	dwv_fail(ps, "%s: '%s' expected at column %zu", ps->s, tok,
	    (size_t)(ps->p - ps->s) + 1);
	return false;
}

/* An identifier (letters, digits, _, and @MODULE's . and -), or NULL. */
static char *
dwv_ident(struct dwv_parser *ps)
{
	const char *start;
	bool at = false;

	dwv_skip(ps);
	start = ps->p;
	if (!isalpha((unsigned char)*ps->p) && *ps->p != '_')
		return NULL;
	while (isalnum((unsigned char)*ps->p) || *ps->p == '_' ||
	    *ps->p == '@' || (at && (*ps->p == '.' || *ps->p == '-'))) {
		if (*ps->p == '@')
			at = true;
		ps->p++;
	}
	return xstrndup(start, (size_t)(ps->p - start));
}

/* expr := binary [ "?" expr ":" expr ], the chosen side unconverted. */
static struct dwv_value *
dwv_parse_expr(struct dwv_parser *ps, int depth)
{
	struct dwv_value *c, *a, *b;
	bool yes = false;

	if (depth > DWV_MAX_DEPTH) {
		dwv_fail(ps, "%s: nested too deeply", ps->s);
		return NULL;
	}
	if ((c = dwv_parse_binary(ps, depth + 1, 1)) == NULL ||
	    !dwv_accept(ps, "?"))
		return c;
	if (dwv_truth(ps, c, &yes) < 0) {
		dwv_free(c);
		return NULL;
	}
	dwv_free(c);
	ps->skip += !yes;
	a = dwv_parse_expr(ps, depth + 1);
	ps->skip -= !yes;
	if (a == NULL)
		return NULL;
	if (!dwv_expect(ps, ":")) {
		dwv_free(a);
		return NULL;
	}
	ps->skip += yes;
	b = dwv_parse_expr(ps, depth + 1);
	ps->skip -= yes;
	if (b == NULL) {
		dwv_free(a);
		return NULL;
	}
	dwv_free(yes ? b : a);
	return yes ? a : b;
}

/*
 * The binary operator at ps->p (not consumed) and its C precedence in
 * *prec (|| 1 up to * / % 10), or 0 when there is none.
 */
static int
dwv_peek_binop(struct dwv_parser *ps, int *prec, size_t *len)
{
	static const struct {
		const char *tok;
		int op, prec;
	} ops[] = {
		{ "||", DWV_OP_OR, 1 }, { "&&", DWV_OP_AND, 2 },
		{ "==", DWV_OP_EQ, 6 }, { "!=", DWV_OP_NE, 6 },
		{ "<=", DWV_OP_LE, 7 }, { ">=", DWV_OP_GE, 7 },
		{ "<<", DWV_OP_SHL, 8 }, { ">>", DWV_OP_SHR, 8 },
		{ "|", '|', 3 }, { "^", '^', 4 }, { "&", '&', 5 },
		{ "<", '<', 7 }, { ">", '>', 7 },
		{ "+", '+', 9 }, { "-", '-', 9 },
		{ "*", '*', 10 }, { "/", '/', 10 }, { "%", '%', 10 },
	};
	size_t i, n;

	dwv_skip(ps);
	/* "--" and "++" (C's, with side effects) are not operators here. */
	if ((ps->p[0] == '-' && (ps->p[1] == '>' || ps->p[1] == '-')) ||
	    (ps->p[0] == '+' && ps->p[1] == '+'))
		return 0;
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		n = strlen(ops[i].tok);
		if (strncmp(ps->p, ops[i].tok, n) == 0) {
			*prec = ops[i].prec;
			*len = n;
			return ops[i].op;
		}
	}
	return 0;
}

/*
 * Left-associative binary operators of precedence min_prec and higher,
 * by precedence climbing over unary operands.
 */
static struct dwv_value *
dwv_parse_binary(struct dwv_parser *ps, int depth, int min_prec)
{
	struct dwv_value *a, *b;
	size_t len;
	int op, prec;

	if ((a = dwv_parse_unary(ps, depth + 1)) == NULL)
		return NULL;
	while ((op = dwv_peek_binop(ps, &prec, &len)) != 0 &&
	    prec >= min_prec) {
		ps->p += len;
		if (op == DWV_OP_AND || op == DWV_OP_OR) {
			if ((a = dwv_logical(ps, depth, op, prec, a)) == NULL)
				return NULL;
			continue;
		}
		if ((b = dwv_parse_binary(ps, depth + 1, prec + 1)) == NULL) {
			dwv_free(a);
			return NULL;
		}
		if ((a = dwv_binary(ps, op, a, b)) == NULL)
			return NULL;
	}
	return a;
}

/*
 * a && b, a || b: b is parsed and type-checked but not evaluated when a
 * decides.
 */
static struct dwv_value *
dwv_logical(struct dwv_parser *ps, int depth, int op, int prec,
    struct dwv_value *a)
{
	struct dwv_value *b;
	bool x = false, y = false, decided;
	int rc;

	rc = dwv_truth(ps, a, &x);
	dwv_free(a);
	if (rc < 0)
		return NULL;
	decided = op == DWV_OP_AND ? !x : x;
	ps->skip += decided;
	b = dwv_parse_binary(ps, depth + 1, prec + 1);
	ps->skip -= decided;
	if (b == NULL)
		return NULL;
	/* Type-checked even when not taken, as gdb does. */
	ps->skip += decided;
	rc = dwv_truth(ps, b, &y);
	ps->skip -= decided;
	dwv_free(b);
	if (rc < 0)
		return NULL;
	return dwv_bool_value(decided ? x : y);
}

/*
 * sizeof(TYPE), sizeof(TYPE[N]) or sizeof unary (not evaluated): an int,
 * as gdb's sizeof is; void and functions count 1, as in gdb.
 */
static struct dwv_value *
dwv_sizeof(struct dwv_parser *ps, int depth)
{
	struct dwv_type t = { .size = 4, .enc = DW_ATE_signed, .name = "int" };
	struct dwv_type of;
	struct dwv_value *v;
	const char *save = ps->p;
	enum dwv_class c;
	uint64_t count = 1;

	if (dwv_accept(ps, "(") && dwv_parse_type(ps, &of, &count)) {
		dwv_accept(ps, ")");
	} else {
		if (ps->err != NULL)
			return NULL;
		ps->p = save;
		ps->skip++;
		v = dwv_parse_unary(ps, depth + 1);
		ps->skip--;
		if (v == NULL)
			return NULL;
		of = v->type;
		dwv_free(v);
	}
	c = dwv_class(&of, NULL);
	return dwv_int_value(&t, c == DWV_VOID || c == DWV_FUNC ? 1 :
	    dwv_size(&of) * count);
}

static struct dwv_value *
dwv_parse_unary(struct dwv_parser *ps, int depth)
{
	struct dwv_value *v, *r;
	struct dwv_type t;
	const char *at, *save;
	char op;

	if (depth > DWV_MAX_DEPTH) {
		dwv_fail(ps, "%s: nested too deeply", ps->s);
		return NULL;
	}
	dwv_skip(ps);
	at = ps->p;
	op = *ps->p;
	if (strncmp(ps->p, "sizeof", 6) == 0 &&
	    !isalnum((unsigned char)ps->p[6]) && ps->p[6] != '_') {
		ps->p += 6;
		return dwv_sizeof(ps, depth + 1);
	}
	if ((op == '-' || op == '+') && ps->p[1] == op) {
		dwv_fail(ps, "%s: '%c%c' at column %zu: increment and "
		    "decrement are not supported", ps->s, op, op,
		    (size_t)(ps->p - ps->s) + 1);
		return NULL;
	}
	if (op == '-' || op == '!' || op == '~' || op == '*' || op == '&') {
		ps->p++;
		if ((v = dwv_parse_unary(ps, depth + 1)) == NULL)
			return NULL;
		if (op == '*')
			return dwv_deref(ps, v, at);
		if (op != '&')
			return dwv_unary(ps, op, v, at);
		if (v->place != DWV_MEM || v->bit_size != 0) {
			dwv_fail(ps, "%.*s: not an lvalue in memory",
			    (int)(ps->p - at), at);
			dwv_free(v);
			return NULL;
		}
		r = dwv_new();
		r->type = v->type;
		r->type.ptrs++;
		r->place = DWV_BYTES;
		r->nbytes = 8;
		r->bytes = xmalloc(8);
		memcpy(r->bytes, &v->addr, 8);
		dwv_free(v);
		return r;
	}
	/* A cast: "(" TYPE ")" unary; else a parenthesized expression. */
	save = ps->p;
	if (dwv_accept(ps, "(") && dwv_parse_type(ps, &t, NULL)) {
		dwv_accept(ps, ")");
		if ((v = dwv_parse_unary(ps, depth + 1)) == NULL)
			return NULL;
		return dwv_cast(ps, &t, v, at);
	}
	if (ps->err != NULL)
		return NULL;
	ps->p = save;
	return dwv_parse_postfix(ps, depth + 1);
}

static struct dwv_value *
dwv_parse_postfix(struct dwv_parser *ps, int depth)
{
	struct dwv_value *v, *i;
	char *name;
	const char *at;

	if ((v = dwv_parse_primary(ps, depth + 1)) == NULL)
		return NULL;
	for (;;) {
		dwv_skip(ps);
		at = ps->p;
		if (dwv_accept(ps, "[")) {
			if ((i = dwv_parse_expr(ps, depth + 1)) == NULL) {
				dwv_free(v);
				return NULL;
			}
			if (!dwv_expect(ps, "]")) {
				dwv_free(i);
				dwv_free(v);
				return NULL;
			}
			v = dwv_index(ps, v, i);
		} else if (dwv_accept(ps, "->")) {
			if ((v = dwv_deref(ps, v, at)) == NULL)
				return NULL;
			goto member;
		} else if (dwv_accept(ps, ".")) {
member:
			if ((name = dwv_ident(ps)) == NULL) {
				dwv_fail(ps, "%s: member name expected at "
				    "column %zu", ps->s,
				    (size_t)(ps->p - ps->s) + 1);
				dwv_free(v);
				return NULL;
			}
			v = dwv_member(ps, v, name);
			free(name);
		} else {
			return v;
		}
		if (v == NULL)
			return NULL;
	}
}

static struct dwv_value *
dwv_parse_primary(struct dwv_parser *ps, int depth)
{
	struct dwv_type t = { .size = 4, .enc = DW_ATE_signed, .name = "int" };
	struct dwv_value *v;
	const char *start;
	char *name, *err = NULL;
	uint64_t u;

	dwv_skip(ps);
	start = ps->p;
	if (*ps->p == '\0') {
		dwv_fail(ps, "%s: operand expected at column %zu", ps->s,
		    (size_t)(ps->p - ps->s) + 1);
		return NULL;
	}
	if (dwv_accept(ps, "(")) {
		if ((v = dwv_parse_expr(ps, depth + 1)) == NULL)
			return NULL;
		if (!dwv_expect(ps, ")")) {
			dwv_free(v);
			return NULL;
		}
		return v;
	}
	if (isdigit((unsigned char)*ps->p) || (*ps->p == '.' &&
	    isdigit((unsigned char)ps->p[1])))
		return dwv_number(ps);
	if (*ps->p == '\'') {
		if (ps->p[1] == '\0' || ps->p[1] == '\\' || ps->p[2] != '\'') {
			dwv_fail(ps, "%s: bad character constant at column %zu",
			    ps->s, (size_t)(ps->p - ps->s) + 1);
			return NULL;
		}
		t = (struct dwv_type){ .size = 1, .enc = DW_ATE_signed_char,
		    .name = "char" };
		u = (uint64_t)(int64_t)(signed char)ps->p[1];
		ps->p += 3;
		return dwv_int_value(&t, u);
	}
	if (*ps->p == '$' && ps->env->reg != NULL) {
		ps->p++;
		free(dwv_ident(ps));
		name = xstrndup(start, (size_t)(ps->p - start));
		if (ps->env->reg(ps->env->arg, name, &u, &err) < 0) {
			dwv_fail(ps, "%s", err);
			free(err);
			free(name);
			return NULL;
		}
		free(name);
		t = (struct dwv_type){ .size = 8, .enc = DW_ATE_signed,
		    .name = "long" };
		return dwv_int_value(&t, u);
	}
	if ((name = dwv_ident(ps)) == NULL) {
		dwv_fail(ps, "%s: unexpected '%c' at column %zu", ps->s,
		    *ps->p, (size_t)(ps->p - ps->s) + 1);
		return NULL;
	}
	v = dwv_variable(ps, name);
	free(name);
	return v;
}

/*
 * A number: a decimal, hex or octal integer with C's u and l suffixes (int
 * when it fits, else long, else unsigned long, as gdb types them), or a
 * floating constant (a double; an f suffix makes it a float).
 */
static struct dwv_value *
dwv_number(struct dwv_parser *ps)
{
	struct dwv_type t = { .size = 4, .enc = DW_ATE_signed, .name = "int" };
	const char *start = ps->p, *digits;
	char *e;
	unsigned us = 0, ls = 0;
	uint64_t u = 0;
	double d;
	float fl;

	digits = start + strspn(start, "0123456789");
	if ((start[0] != '0' || (start[1] != 'x' && start[1] != 'X')) &&
	    (*digits == '.' || *digits == 'e' || *digits == 'E')) {
		errno = 0;
		d = strtod(start, &e);
		t = (struct dwv_type){ .size = 8, .enc = DW_ATE_float,
		    .name = "double" };
		if (*e == 'f' || *e == 'F') {
			t = (struct dwv_type){ .size = 4,
			    .enc = DW_ATE_float, .name = "float" };
			e++;
		}
		if (e == start || isalnum((unsigned char)*e) || *e == '_' ||
		    *e == '.')
			goto bad;
		ps->p = e;
		fl = (float)d;
		if (t.size == 4)
			memcpy(&u, &fl, 4);
		else
			memcpy(&u, &d, 8);
		return dwv_int_value(&t, u);
	}
	errno = 0;
	u = strtoull(start, &e, 0);
	for (; *e == 'u' || *e == 'U' || *e == 'l' || *e == 'L'; e++) {
		if (*e == 'u' || *e == 'U')
			us++;
		else
			ls++;
	}
	if (errno != 0 || us > 1 || ls > 2 || isalnum((unsigned char)*e) ||
	    *e == '_' || *e == '.')
		goto bad;
	ps->p = e;
	if (us > 0 && ls == 0 && u <= UINT32_MAX)
		t = (struct dwv_type){ .size = 4, .enc = DW_ATE_unsigned,
		    .name = "unsigned int" };
	else if (us > 0 || u > INT64_MAX)
		t = (struct dwv_type){ .size = 8, .enc = DW_ATE_unsigned,
		    .name = "unsigned long" };
	else if (ls > 0 || u > INT32_MAX)
		t = (struct dwv_type){ .size = 8, .enc = DW_ATE_signed,
		    .name = ls == 2 ? "long long" : "long" };
	return dwv_int_value(&t, u);
bad:
	while (isalnum((unsigned char)*digits) || *digits == '.' ||
	    *digits == '_')
		digits++;
	dwv_fail(ps, "%.*s: invalid number", (int)(digits - start), start);
	return NULL;
}

/*
 * A type name at ps->p (struct NAME, a C base type, a typedef) and its
 * "*"s into *t, then, with count (sizeof's), array dimensions "[N]" whose
 * product goes to *count (1 without); false, ps->p unmoved, when there is
 * none.
 */
static bool
dwv_parse_type(struct dwv_parser *ps, struct dwv_type *t, uint64_t *count)
{
	const char *save = ps->p;
	char words[128] = "";
	char *id, *end;
	size_t i;
	uint64_t n;
	int tag = 0;
	bool is_const = false;

	memset(t, 0, sizeof *t);
	while ((id = dwv_ident(ps)) != NULL) {
		if (strcmp(id, "const") == 0 || strcmp(id, "volatile") == 0) {
			if (id[0] == 'c')
				is_const = true;
			free(id);
			continue;
		}
		if (tag == 0 && words[0] == '\0' && (strcmp(id, "struct") == 0
		    || strcmp(id, "union") == 0 || strcmp(id, "enum") == 0)) {
			tag = id[0] == 's' ? DW_TAG_structure_type :
			    id[0] == 'u' ? DW_TAG_union_type :
			    DW_TAG_enumeration_type;
			free(id);
			continue;
		}
		if (strlen(words) + strlen(id) + 2 < sizeof words) {
			if (words[0] != '\0')
				strcat(words, " ");
			strcat(words, id);
		}
		free(id);
		if (tag != 0)
			break;
	}
	if (words[0] == '\0')
		goto none;
	if (tag != 0) {
		if (!dwv_find_type(ps->env, words, tag, &t->die)) {
			dwv_fail(ps, "%s %s: no such type",
			    tag == DW_TAG_structure_type ? "struct" :
			    tag == DW_TAG_union_type ? "union" : "enum", words);
			goto none;
		}
		t->has_die = true;
	} else {
		for (i = 0; i < ARRAY_SIZE(dwv_c_types); i++)
			if (strcmp(dwv_c_types[i].name, words) == 0)
				break;
		if (i < ARRAY_SIZE(dwv_c_types)) {
			t->size = dwv_c_types[i].size;
			t->enc = dwv_c_types[i].enc;
			t->name = dwv_c_types[i].name;
			t->is_const = is_const;
		} else if (strchr(words, ' ') == NULL &&
		    dwv_find_type(ps->env, words, DW_TAG_typedef, &t->die)) {
			t->has_die = true;
		} else if (strchr(words, ' ') == NULL &&
		    dwv_find_type(ps->env, words, DW_TAG_base_type, &t->die)) {
			t->has_die = true;
		} else {
			goto none;
		}
	}
	while (dwv_accept(ps, "*"))
		t->ptrs++;
	if (count != NULL)
		*count = 1;
	while (count != NULL && dwv_accept(ps, "[")) {
		dwv_skip(ps);
		errno = 0;
		n = strtoull(ps->p, &end, 0);
		if (errno != 0 || end == ps->p || (n != 0 &&
		    *count > UINT64_MAX / n))
			goto none;
		*count *= n;
		ps->p = end;
		if (!dwv_accept(ps, "]"))
			goto none;
	}
	dwv_skip(ps);
	if (*ps->p != ')')
		goto none;
	return true;
none:
	ps->p = save;
	return false;
}

/* *v: what a pointer points at, or an array's first element. */
static struct dwv_value *
dwv_deref(struct dwv_parser *ps, struct dwv_value *v, const char *what)
{
	struct dwv_value *r;
	struct dwv_type t;
	enum dwv_class c = dwv_class(&v->type, NULL);
	uint64_t u;
	char *err = NULL;
	int len = (int)(ps->p - what);

	if (c == DWV_ARRAY && v->place == DWV_MEM) {
		dwv_array_dims(&v->type, NULL, &t);
		r = dwv_sub(v, &t, 0, 0);
		dwv_free(v);
		return r;
	}
	if (c != DWV_PTR && c != DWV_INT) {
		dwv_fail(ps, "%.*s: attempt to take contents of a non-pointer "
		    "value", len, what);
		dwv_free(v);
		return NULL;
	}
	if (dwv_operand(ps, v, &u, &err) < 0) {
		dwv_fail(ps, "%.*s: %s", len, what, err);
		free(err);
		dwv_free(v);
		return NULL;
	}
	if (c == DWV_INT) {
		/* gdb reads *INTEGER as a long. */
		t = (struct dwv_type){ .size = 8, .enc = DW_ATE_signed,
		    .name = "long" };
	} else {
		dwv_target(&v->type, &t);
	}
	dwv_free(v);
	if (dwv_class(&t, NULL) == DWV_VOID && ps->skip == 0) {
		dwv_fail(ps, "%.*s: attempt to take contents of a void pointer",
		    len, what);
		return NULL;
	}
	if (u == 0 && ps->skip == 0) {
		dwv_fail(ps, "%.*s: cannot access memory at address 0x0 "
		    "(null pointer)", len, what);
		return NULL;
	}
	r = dwv_new();
	r->type = t;
	r->place = DWV_MEM;
	r->addr = u;
	return r;
}

struct dwv_value *
dwv_member(struct dwv_parser *ps, struct dwv_value *v, const char *name)
{
	Dwarf_Die peeled, child, inner;
	Dwarf_Attribute attr;
	Dwarf_Word loc = 0, bits = 0, bitoff = 0, bytes = 0;
	struct dwv_type t;
	struct dwv_value *r = NULL, *anon;
	enum dwv_class c = dwv_class(&v->type, &peeled);
	const char *n;
	char *tn;

	if (c != DWV_STRUCT && c != DWV_UNION) {
		dwv_fail(ps, "%s: %s is not a struct or union", name,
		    c == DWV_PTR ? "a pointer (use ->)" : "the operand");
		dwv_free(v);
		return NULL;
	}
	if (dwarf_child(&peeled, &child) == 0) {
		do {
			if (dwarf_tag(&child) != DW_TAG_member)
				continue;
			n = dwv_die_name(&child);
			if (dwarf_attr(&child, DW_AT_data_member_location,
			    &attr) != NULL)
				dwarf_formudata(&attr, &loc);
			else
				loc = 0;
			if (n == NULL) {
				/* An anonymous struct or union member. */
				if (dwarf_attr(&child, DW_AT_type, &attr) ==
				    NULL || dwarf_formref_die(&attr, &inner) ==
				    NULL)
					continue;
				memset(&t, 0, sizeof t);
				dwv_type_of(&inner, &t);
				anon = dwv_sub(v, &t, loc * 8, 0);
				r = dwv_member(ps, anon, name);
				if (r != NULL) {
					free(ps->err);
					ps->err = NULL;
					break;
				}
				free(ps->err);
				ps->err = NULL;
				continue;
			}
			if (strcmp(n, name) != 0)
				continue;
			if (dwarf_attr(&child, DW_AT_type, &attr) == NULL ||
			    dwarf_formref_die(&attr, &inner) == NULL)
				break;
			memset(&t, 0, sizeof t);
			dwv_type_of(&inner, &t);
			if (dwv_attr_int(&child, DW_AT_bit_size, &bits) == 0) {
				if (dwv_attr_int(&child, DW_AT_data_bit_offset,
				    &bitoff) == 0) {
					loc = 0;
				} else if (dwv_attr_int(&child,
				    DW_AT_bit_offset, &bitoff) == 0) {
					/* DWARF 2/3: from the top bit. */
					if (dwv_attr_int(&child,
					    DW_AT_byte_size, &bytes) != 0)
						bytes = dwv_size(&t);
					bitoff = bytes * 8 - bitoff - bits;
				}
			}
			r = dwv_sub(v, &t, loc * 8 + bitoff, (unsigned)bits);
			break;
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	if (r == NULL && ps->err == NULL) {
		tn = dwv_type_name(v);
		dwv_fail(ps, "%s: there is no member named %s in %s", name,
		    name, tn);
		free(tn);
	}
	dwv_free(v);
	return r;
}

static struct dwv_value *
dwv_index(struct dwv_parser *ps, struct dwv_value *v, struct dwv_value *i)
{
	struct dwv_type elem;
	struct dwv_value *r;
	enum dwv_class c = dwv_class(&v->type, NULL);
	uint64_t idx, count = 0;
	char *err = NULL;

	if (dwv_class(&i->type, NULL) != DWV_INT ||
	    dwv_operand(ps, i, &idx, &err) < 0) {
		dwv_fail(ps, "%s: the index is not an integer%s%s", ps->s,
		    err != NULL ? ": " : "", err != NULL ? err : "");
		free(err);
		dwv_free(i);
		dwv_free(v);
		return NULL;
	}
	if (dwv_is_signed(&i->type) && dwv_size(&i->type) < 8)
		idx = (uint64_t)(int64_t)(int32_t)idx;
	dwv_free(i);
	if (c == DWV_PTR) {
		struct dwv_type it = { .size = 8, .enc = DW_ATE_signed,
		    .name = "long" };

		v = dwv_binary(ps, '+', v, dwv_int_value(&it, idx));
		return v != NULL ? dwv_deref(ps, v, ps->s) : NULL;
	}
	if (c != DWV_ARRAY) {
		dwv_fail(ps, "%s: cannot subscript something that is not an "
		    "array or pointer", ps->s);
		dwv_free(v);
		return NULL;
	}
	dwv_array_dims(&v->type, &count, &elem);
	r = dwv_sub(v, &elem, idx * dwv_size(&elem) * 8, 0);
	if (v->place == DWV_BYTES && idx >= count)
		r->place = DWV_OPTIMIZED;
	dwv_free(v);
	return r;
}

/* A variable by name, or an ELF symbol without debug information. */
static struct dwv_value *
dwv_variable(struct dwv_parser *ps, const char *name)
{
	Dwarf_Die var, fn, type;
	Dwarf_Attribute attr;
	Dwarf_Addr bias = 0;
	struct dwv_value *v, *r;
	bool have_fn = false;
	uint64_t addr;
	char *err = NULL;

	if (!dwv_find_var(ps->env, name, &var, &fn, &have_fn, &bias)) {
		if (ps->env->symbol != NULL &&
		    ps->env->symbol(ps->env->arg, name, &addr))
			dwv_fail(ps, "%s: symbol at 0x%" PRIx64 " has no debug "
			    "information, so no type (x %s reads it)", name,
			    addr, name);
		else
			dwv_fail(ps, "%s: no symbol in the current context%s",
			    name, dwv_have_debug_info(ps->env) ? "" :
			    " (the program has no debug information)");
		return NULL;
	}
	v = dwv_new();
	if (dwarf_tag(&var) == DW_TAG_subprogram) {
		/* A function: its address, as gdb's {int (int)} 0x... <f>. */
		Dwarf_Addr lo;

		v->type.die = var;
		v->type.has_die = true;
		v->place = DWV_MEM;
		if (dwarf_lowpc(&var, &lo) == 0)
			v->addr = lo + bias;
		else
			v->place = DWV_OPTIMIZED;
		return v;
	}
	if (dwarf_tag(&var) == DW_TAG_enumerator) {
		/* Its type is the enumeration holding it. */
		Dwarf_Sword val = 0;
		struct dwv_type et;

		if (dwarf_formsdata(dwarf_attr(&var, DW_AT_const_value, &attr),
		    &val) != 0) {
			dwv_fail(ps, "%s: has no value", name);
			dwv_free(v);
			return NULL;
		}
		dwv_type_of(&fn, &et);
		r = dwv_int_value(&et, (uint64_t)val);
		dwv_free(v);
		return r;
	}
	if (dwarf_attr_integrate(&var, DW_AT_type, &attr) == NULL ||
	    dwarf_formref_die(&attr, &type) == NULL) {
		dwv_fail(ps, "%s: has no type", name);
		dwv_free(v);
		return NULL;
	}
	dwv_type_of(&type, &v->type);
	if (dwv_locate(ps->env, &var, &fn, have_fn, bias, v, &err) < 0) {
		dwv_fail(ps, "%s: %s", name, err);
		free(err);
		dwv_free(v);
		return NULL;
	}
	return v;
}

/* Collects the variables of one scope for dwv_frame_vars. */
int
dwv_frame_vars(const struct dwv_env *env, bool args,
    void (*fn)(void *arg, const char *name, struct dwv_value *v),
    void *arg, char **errp)
{
	struct dwv_parser ps = { env, "", "", NULL, 0 };
	Dwarf_Die *scopes = NULL, child;
	Dwarf_Addr bias;
	struct dwv_value *v;
	const char *name;
	int n, i, tag, count = 0;
	bool done = false;

	if (env->frame == NULL)
		return set_error(errp, "no frame selected");
	n = dwv_frame_scopes(env, &scopes, &bias);
	if (n <= 0)
		return set_error(errp, "no debug information at 0x%" PRIx64,
		    env->frame->pc);
	for (i = 0; i < n && !done; i++) {
		tag = dwarf_tag(&scopes[i]);
		if (tag == DW_TAG_compile_unit)
			break;
		if (tag == DW_TAG_subprogram ||
		    tag == DW_TAG_inlined_subroutine)
			done = true;
		if (args && !done)
			continue;
		if (dwarf_child(&scopes[i], &child) != 0)
			continue;
		do {
			tag = dwarf_tag(&child);
			if (tag != (args ? DW_TAG_formal_parameter :
			    DW_TAG_variable) ||
			    (name = dwv_die_name(&child)) == NULL)
				continue;
			/* Through the lookup, as print NAME would find it. */
			if ((v = dwv_variable(&ps, name)) == NULL) {
				v = dwv_new();
				v->place = DWV_OPTIMIZED;
			}
			free(ps.err);
			ps.err = NULL;
			fn(arg, name, v);
			dwv_free(v);
			count++;
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	free(scopes);
	return count;
}

int
dwv_eval_u64(const struct dwv_env *env, const char *expr, uint64_t *out,
    char **errp)
{
	struct dwv_value *v;
	enum dwv_class c;
	int rc = -1;

	if ((v = dwv_eval(env, expr, errp)) == NULL)
		return -1;
	c = dwv_class(&v->type, NULL);
	if (c == DWV_ARRAY && v->place == DWV_MEM) {
		*out = v->addr;
		rc = 0;
	} else if (c == DWV_FLOAT || c > DWV_PTR || c == DWV_VOID) {
		set_error(errp, "%s: not an integer or pointer", expr);
	} else {
		rc = dwv_scalar(env, v, out, errp);
	}
	dwv_free(v);
	return rc;
}

int
dwv_assign(const struct dwv_env *env, const char *lhs, const char *rhs,
    char **errp)
{
	struct dwv_value *l, *r;
	enum dwv_class lc, rc;
	uint64_t u, size, old = 0, mask;
	double d;
	float fl;
	char *end, *err = NULL;
	size_t n;
	int ret = -1;

	while (isspace((unsigned char)*rhs))
		rhs++;
	if ((l = dwv_eval(env, lhs, errp)) == NULL)
		return -1;
	lc = dwv_class(&l->type, NULL);
	size = dwv_size(&l->type);
	if (lc > DWV_PTR || lc == DWV_VOID || size == 0 || size > 8) {
		set_error(errp, "%s: not a scalar variable", lhs);
		goto out_l;
	}
	if (l->place != DWV_MEM) {
		set_error(errp, "%s: %s; not written", lhs,
		    l->place == DWV_OPTIMIZED ? "value has been optimized out"
		    : l->in_reg ? "lives in a register" :
		    "not an lvalue in memory");
		goto out_l;
	}
	if (lc == DWV_FLOAT) {
		errno = 0;
		d = strtod(rhs, &end);
		while (isspace((unsigned char)*end))
			end++;
		if (errno != 0 || end == rhs || *end != '\0') {
			/* Not a literal: an integer expression. */
			if ((r = dwv_eval(env, rhs, errp)) == NULL)
				goto out_l;
			rc = dwv_class(&r->type, NULL);
			if (rc != DWV_INT || dwv_scalar(env, r, &u, errp) < 0) {
				if (rc != DWV_INT)
					set_error(errp, "%s: type mismatch: "
					    "not a number", rhs);
				dwv_free(r);
				goto out_l;
			}
			d = dwv_is_signed(&r->type) ? (double)(int64_t)u :
			    (double)u;
			dwv_free(r);
		}
		fl = (float)d;
		if (size == 4)
			memcpy(&u, &fl, 4);
		else
			memcpy(&u, &d, 8);
	} else {
		if ((r = dwv_eval(env, rhs, errp)) == NULL)
			goto out_l;
		rc = dwv_class(&r->type, NULL);
		if (rc > DWV_PTR || rc == DWV_FLOAT || rc == DWV_VOID ||
		    dwv_scalar(env, r, &u, &err) < 0) {
			set_error(errp, "%s: %s", rhs, err != NULL ? err :
			    "type mismatch: not an integer or pointer");
			free(err);
			dwv_free(r);
			goto out_l;
		}
		dwv_free(r);
	}
	if (l->bit_size != 0) {
		n = (l->bit_off + l->bit_size + 7) / 8;
		if (n > 8 || dwv_fetch(env, l, 0, &old, n, errp) < 0)
			goto out_l;
		mask = (l->bit_size < 64 ? ((uint64_t)1 << l->bit_size) - 1 :
		    ~(uint64_t)0) << l->bit_off;
		u = (old & ~mask) | ((u << l->bit_off) & mask);
		size = n;
	}
	ret = env->write(env->arg, l->addr, &u, (size_t)size, errp);
out_l:
	dwv_free(l);
	return ret;
}
