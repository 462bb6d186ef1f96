/*
 * dwarf-value.c: the expression evaluator over DWARF variables and the
 * printer of typed values (dwarf-value.h).
 *
 * A value is a type and a place: memory (an lvalue, with a bit offset
 * and size for bit fields), bytes (a register, DW_OP_stack_value or
 * implicit_value, a composite of pieces, an arithmetic result), or
 * nothing (optimized out). Types are DWARF DIEs of the modules libdwfl
 * reports, plus "ptrs" pointers added on top (&x, casts) and synthetic C
 * base types for literals and casts to int, long and the like, so no type
 * is ever made up inside libdw. Names are looked up the way gdb's C scope
 * goes: the selected frame's blocks innermost first (dwarf_getscopes),
 * its CU, then every CU of every module.
 *
 * Text output follows gdb's defaults: `print elements` 200, repeats of
 * more than 10 equal elements folded, the trailing NUL of a char array
 * dropped, pointers to symbols with <name+off>, top-level pointers with
 * their type in parentheses.
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

#include "dwarf-value.h"
#include "json.h"
#include "symbols.h"
#include "util.h"

#define DWV_PRINT_MAX 200	/* gdb's `print elements` */
#define DWV_REPEATS 10		/* gdb's `print repeats` */
#define DWV_MAX_DEPTH 32	/* nesting of printed aggregates */
#define DWV_STACK 64		/* DWARF expression stack */

enum dwv_class {
	DWV_VOID, DWV_INT, DWV_FLOAT, DWV_BOOL, DWV_CHAR, DWV_ENUM, DWV_PTR,
	DWV_STRUCT, DWV_UNION, DWV_ARRAY, DWV_FUNC,
};

struct dwv_type {
	Dwarf_Die die;
	bool has_die;
	unsigned ptrs;		/* pointers added on top of die */
	unsigned dim;		/* leading array dimensions already indexed */
	/* Synthetic base type (when !has_die): size 0 is void. */
	unsigned size;
	int enc;		/* DW_ATE_signed, _unsigned, _float, ... */
	const char *name;
};

enum dwv_place { DWV_MEM, DWV_BYTES, DWV_OPTIMIZED };

struct dwv_value {
	struct dwv_type type;
	enum dwv_place place;
	uint64_t addr;		/* DWV_MEM */
	uint8_t *bytes;		/* DWV_BYTES */
	size_t nbytes;
	unsigned bit_off;	/* bit fields: from addr (or bytes) */
	unsigned bit_size;	/* 0: not a bit field */
	bool in_reg;		/* bytes are a register's: not writable */
};

struct dwv_parser {
	const struct dwv_env *env;
	const char *s, *p;
	char *err;
};

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
	{ "_Bool", 1, DW_ATE_boolean },
	{ "void", 0, 0 },
};

static struct dwv_value *dwv_new(void);
static int dwv_fail(struct dwv_parser *ps, const char *fmt, ...)
    PTI_PRINTF(2, 3);
static struct dwv_value *dwv_parse_expr(struct dwv_parser *ps, int depth);
static struct dwv_value *dwv_parse_mul(struct dwv_parser *ps, int depth);
static struct dwv_value *dwv_parse_unary(struct dwv_parser *ps, int depth);
static struct dwv_value *dwv_parse_postfix(struct dwv_parser *ps,
    int depth);
static struct dwv_value *dwv_parse_primary(struct dwv_parser *ps,
    int depth);
static bool dwv_parse_type(struct dwv_parser *ps, struct dwv_type *t);
static void dwv_skip(struct dwv_parser *ps);
static bool dwv_accept(struct dwv_parser *ps, const char *tok);
static char *dwv_ident(struct dwv_parser *ps);
static struct dwv_value *dwv_binary(struct dwv_parser *ps, char op,
    struct dwv_value *a, struct dwv_value *b);
static struct dwv_value *dwv_deref(struct dwv_parser *ps,
    struct dwv_value *v, const char *what);
static struct dwv_value *dwv_member(struct dwv_parser *ps,
    struct dwv_value *v, const char *name);
static struct dwv_value *dwv_index(struct dwv_parser *ps,
    struct dwv_value *v, struct dwv_value *i);
static struct dwv_value *dwv_variable(struct dwv_parser *ps,
    const char *name);
static struct dwv_value *dwv_int_value(const struct dwv_type *t,
    uint64_t u);
static int dwv_scalar(const struct dwv_env *env, const struct dwv_value *v,
    uint64_t *u, char **errp);
static int dwv_fetch(const struct dwv_env *env, const struct dwv_value *v,
    uint64_t off, void *buf, size_t len, char **errp);
static bool dwv_is_signed(const struct dwv_type *t);
static bool dwv_find_var(const struct dwv_env *env, const char *name,
    Dwarf_Die *var, Dwarf_Die *fn, bool *have_fn, Dwarf_Addr *bias);
static bool dwv_find_type(const struct dwv_env *env, const char *name,
    int tag, Dwarf_Die *out);
static int dwv_locate(const struct dwv_env *env, Dwarf_Die *var,
    Dwarf_Die *fn, bool have_fn, Dwarf_Addr bias, struct dwv_value *v,
    char **errp);
static int dwv_run_ops(const struct dwv_env *env, const Dwarf_Op *ops,
    size_t nops, Dwarf_Die *fn, bool have_fn, Dwarf_Addr bias,
    struct dwv_value *v, char **errp);
static uint64_t dwv_pc(const struct dwv_env *env);
static void dwv_type_of(Dwarf_Die *die, struct dwv_type *t);
static enum dwv_class dwv_class(const struct dwv_type *t, Dwarf_Die *peeled);
static uint64_t dwv_size(const struct dwv_type *t);
static void dwv_target(const struct dwv_type *t, struct dwv_type *out);
static bool dwv_array_dims(const struct dwv_type *t, uint64_t *count,
    struct dwv_type *elem);
static char *dwv_name_decl(const struct dwv_type *t, const char *suffix);
static int dwv_attr_int(Dwarf_Die *die, unsigned name, Dwarf_Word *out);
static const char *dwv_die_name(Dwarf_Die *die);
static void dwv_write(const struct dwv_env *env, struct dwv_value *v,
    FILE *f, bool json, bool top, int depth);
static void dwv_write_scalar(const struct dwv_env *env, struct dwv_value *v,
    enum dwv_class c, Dwarf_Die *peeled, FILE *f, bool json, bool top);
static void dwv_write_fields(const struct dwv_env *env, struct dwv_value *v,
    Dwarf_Die *peeled, FILE *f, bool json, int depth);
static void dwv_write_array(const struct dwv_env *env, struct dwv_value *v,
    FILE *f, bool json, int depth);
static bool dwv_char_type(const struct dwv_type *t);
static void dwv_write_chars(const uint8_t *s, size_t n, bool more, FILE *f);
static void dwv_write_char(int c, int quote, FILE *f);
static void dwv_write_string_at(const struct dwv_env *env, uint64_t addr,
    FILE *f, bool json);
static void dwv_json_head(struct dwv_value *v, const char *kind, FILE *f);
static struct dwv_value *dwv_sub(const struct dwv_value *v,
    const struct dwv_type *t, uint64_t bit_pos, unsigned bit_size);

static struct dwv_value *
dwv_new(void)
{
	return xcalloc(1, sizeof(struct dwv_value));
}

void
dwv_free(struct dwv_value *v)
{
	if (v == NULL)
		return;
	free(v->bytes);
	free(v);
}

/* Records the first error of a parse; returns -1. */
static int
dwv_fail(struct dwv_parser *ps, const char *fmt, ...)
{
	va_list ap;

	if (ps->err == NULL) {
		va_start(ap, fmt);
		ps->err = xvasprintf_str(fmt, ap);
		va_end(ap);
	}
	return -1;
}

struct dwv_value *
dwv_eval(const struct dwv_env *env, const char *expr, char **errp)
{
	struct dwv_parser ps = { env, expr, expr, NULL };
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

static struct dwv_value *
dwv_parse_expr(struct dwv_parser *ps, int depth)
{
	struct dwv_value *a, *b;
	char op;

	if (depth > DWV_MAX_DEPTH) {
		dwv_fail(ps, "%s: nested too deeply", ps->s);
		return NULL;
	}
	if ((a = dwv_parse_mul(ps, depth + 1)) == NULL)
		return NULL;
	for (;;) {
		dwv_skip(ps);
		if ((*ps->p != '+' && *ps->p != '-') || ps->p[1] == '>')
			return a;
		op = *ps->p++;
		if ((b = dwv_parse_mul(ps, depth + 1)) == NULL) {
			dwv_free(a);
			return NULL;
		}
		if ((a = dwv_binary(ps, op, a, b)) == NULL)
			return NULL;
	}
}

static struct dwv_value *
dwv_parse_mul(struct dwv_parser *ps, int depth)
{
	struct dwv_value *a, *b;
	char op;

	if ((a = dwv_parse_unary(ps, depth + 1)) == NULL)
		return NULL;
	for (;;) {
		dwv_skip(ps);
		if (*ps->p != '*' && *ps->p != '/' && *ps->p != '%')
			return a;
		op = *ps->p++;
		if ((b = dwv_parse_unary(ps, depth + 1)) == NULL) {
			dwv_free(a);
			return NULL;
		}
		if ((a = dwv_binary(ps, op, a, b)) == NULL)
			return NULL;
	}
}

static struct dwv_value *
dwv_parse_unary(struct dwv_parser *ps, int depth)
{
	struct dwv_value *v, *r;
	struct dwv_type t;
	const char *at, *save;
	char op;
	uint64_t u;
	char *err = NULL;

	if (depth > DWV_MAX_DEPTH) {
		dwv_fail(ps, "%s: nested too deeply", ps->s);
		return NULL;
	}
	dwv_skip(ps);
	at = ps->p;
	op = *ps->p;
	if (op == '-' || op == '!' || op == '~' || op == '*' || op == '&') {
		ps->p++;
		if ((v = dwv_parse_unary(ps, depth + 1)) == NULL)
			return NULL;
		if (op == '*')
			return dwv_deref(ps, v, at);
		if (op == '&') {
			if (v->place != DWV_MEM || v->bit_size != 0) {
				dwv_fail(ps, "%.*s: not an lvalue in memory",
				    (int)(ps->p - at), at);
				dwv_free(v);
				return NULL;
			}
			r = dwv_new();
			r->type = v->type;
			r->type.ptrs++;
			r->type.dim = 0;
			r->place = DWV_BYTES;
			r->nbytes = 8;
			r->bytes = xmalloc(8);
			memcpy(r->bytes, &v->addr, 8);
			dwv_free(v);
			return r;
		}
		if (dwv_scalar(ps->env, v, &u, &err) < 0) {
			dwv_fail(ps, "%.*s: %s", (int)(ps->p - at), at, err);
			free(err);
			dwv_free(v);
			return NULL;
		}
		t = v->type;
		if (dwv_class(&t, NULL) != DWV_INT || dwv_size(&t) < 4)
			t = (struct dwv_type){ .size = 4,
			    .enc = DW_ATE_signed, .name = "int" };
		if (op == '!')
			t = (struct dwv_type){ .size = 4,
			    .enc = DW_ATE_signed, .name = "int" };
		dwv_free(v);
		return dwv_int_value(&t, op == '-' ? (uint64_t)0 - u :
		    op == '~' ? ~u : (uint64_t)(u == 0));
	}
	/* A cast: "(" TYPE ")" unary; else a parenthesized expression. */
	save = ps->p;
	if (dwv_accept(ps, "(") && dwv_parse_type(ps, &t)) {
		if (!dwv_accept(ps, ")")) {
			dwv_fail(ps, "%s: ')' expected at column %zu", ps->s,
			    (size_t)(ps->p - ps->s) + 1);
			return NULL;
		}
		if ((v = dwv_parse_unary(ps, depth + 1)) == NULL)
			return NULL;
		if (dwv_class(&t, NULL) > DWV_PTR ||
		    dwv_class(&v->type, NULL) > DWV_PTR) {
			if (dwv_class(&v->type, NULL) == DWV_ARRAY &&
			    v->place == DWV_MEM && dwv_class(&t, NULL) ==
			    DWV_PTR) {
				/* An array decays to its address. */
				r = dwv_int_value(&t, v->addr);
				dwv_free(v);
				return r;
			}
			dwv_fail(ps, "%.*s: invalid cast", (int)(ps->p - at),
			    at);
			dwv_free(v);
			return NULL;
		}
		if (dwv_scalar(ps->env, v, &u, &err) < 0) {
			dwv_fail(ps, "%.*s: %s", (int)(ps->p - at), at, err);
			free(err);
			dwv_free(v);
			return NULL;
		}
		if (dwv_class(&v->type, NULL) == DWV_FLOAT) {
			double d = 0;
			float fl;

			if (dwv_size(&v->type) == 4) {
				memcpy(&fl, &u, 4);
				d = fl;
			} else {
				memcpy(&d, &u, 8);
			}
			u = (uint64_t)(int64_t)d;
		}
		if (dwv_class(&t, NULL) == DWV_FLOAT) {
			double d = dwv_is_signed(&v->type) ?
			    (double)(int64_t)u : (double)u;
			float fl = (float)d;

			if (dwv_size(&t) == 4)
				memcpy(&u, &fl, 4);
			else
				memcpy(&u, &d, 8);
		}
		dwv_free(v);
		return dwv_int_value(&t, u);
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
			if (!dwv_accept(ps, "]")) {
				dwv_fail(ps, "%s: ']' expected at column %zu",
				    ps->s, (size_t)(ps->p - ps->s) + 1);
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
	char *name, *end, *err = NULL;
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
		if (!dwv_accept(ps, ")")) {
			dwv_fail(ps, "%s: ')' expected at column %zu", ps->s,
			    (size_t)(ps->p - ps->s) + 1);
			dwv_free(v);
			return NULL;
		}
		return v;
	}
	if (isdigit((unsigned char)*ps->p)) {
		errno = 0;
		u = strtoull(ps->p, &end, 0);
		if (errno != 0 || isalnum((unsigned char)*end) ||
		    *end == '_' || *end == '.') {
			while (isalnum((unsigned char)*end) || *end == '.')
				end++;
			dwv_fail(ps, "%.*s: invalid number",
			    (int)(end - start), start);
			return NULL;
		}
		ps->p = end;
		if (u > INT32_MAX)
			t = (struct dwv_type){ .size = 8,
			    .enc = u > INT64_MAX ? DW_ATE_unsigned :
			    DW_ATE_signed, .name = u > INT64_MAX ?
			    "unsigned long" : "long" };
		return dwv_int_value(&t, u);
	}
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
 * A type name at ps->p (struct NAME, a C base type, a typedef) and its
 * "*"s into *t; false, ps->p unmoved, when there is none.
 */
static bool
dwv_parse_type(struct dwv_parser *ps, struct dwv_type *t)
{
	const char *save = ps->p;
	char words[128] = "";
	char *id;
	size_t i;
	int tag = 0;

	memset(t, 0, sizeof *t);
	while ((id = dwv_ident(ps)) != NULL) {
		if (strcmp(id, "const") == 0 || strcmp(id, "volatile") == 0) {
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
	dwv_skip(ps);
	if (*ps->p != ')')
		goto none;
	return true;
none:
	ps->p = save;
	return false;
}

/* A scalar value of type t holding u (truncated to t's size). */
static struct dwv_value *
dwv_int_value(const struct dwv_type *t, uint64_t u)
{
	struct dwv_value *v = dwv_new();
	uint64_t size = dwv_size(t);

	v->type = *t;
	v->place = DWV_BYTES;
	v->nbytes = size > 8 || size == 0 ? 8 : size;
	v->bytes = xmalloc(8);
	memcpy(v->bytes, &u, 8);
	return v;
}

static bool
dwv_is_signed(const struct dwv_type *t)
{
	Dwarf_Die peeled;
	Dwarf_Word enc = 0;

	if (t->ptrs > 0)
		return false;
	if (!t->has_die)
		return t->enc == DW_ATE_signed || t->enc == DW_ATE_signed_char;
	peeled = t->die;
	dwarf_peel_type(&peeled, &peeled);
	if (dwarf_tag(&peeled) == DW_TAG_enumeration_type)
		return false;
	dwv_attr_int(&peeled, DW_AT_encoding, &enc);
	return enc == DW_ATE_signed || enc == DW_ATE_signed_char;
}

/* Integer arithmetic, and pointer +/- integer and pointer - pointer. */
static struct dwv_value *
dwv_binary(struct dwv_parser *ps, char op, struct dwv_value *a,
    struct dwv_value *b)
{
	struct dwv_type t = { .size = 4, .enc = DW_ATE_signed, .name = "int" };
	struct dwv_type target;
	enum dwv_class ca = dwv_class(&a->type, NULL);
	enum dwv_class cb = dwv_class(&b->type, NULL);
	struct dwv_value *r = NULL;
	uint64_t x, y, scale;
	char *err = NULL;
	bool sign;

	if (ca == DWV_ARRAY && a->place == DWV_MEM) {
		/* An array in arithmetic is a pointer to its first element. */
		dwv_array_dims(&a->type, NULL, &target);
		t = target;
		t.ptrs++;
		r = dwv_int_value(&t, a->addr);
		dwv_free(a);
		a = r;
		r = NULL;
		ca = DWV_PTR;
	}
	if (ca > DWV_PTR || cb > DWV_PTR || ca == DWV_FLOAT ||
	    cb == DWV_FLOAT || ca == DWV_VOID || cb == DWV_VOID) {
		dwv_fail(ps, "%s: operands of '%c' must be integers or "
		    "pointers", ps->s, op);
		goto out;
	}
	if (dwv_scalar(ps->env, a, &x, &err) < 0 ||
	    dwv_scalar(ps->env, b, &y, &err) < 0) {
		dwv_fail(ps, "%s: %s", ps->s, err);
		goto out;
	}
	if (ca == DWV_PTR || cb == DWV_PTR) {
		if (op != '+' && op != '-') {
			dwv_fail(ps, "%s: '%c' of a pointer", ps->s, op);
			goto out;
		}
		if (ca == DWV_PTR && cb == DWV_PTR && op == '+') {
			dwv_fail(ps, "%s: pointer + pointer", ps->s);
			goto out;
		}
		dwv_target(ca == DWV_PTR ? &a->type : &b->type, &target);
		scale = dwv_size(&target);
		if (scale == 0)
			scale = 1;	/* void *: gdb counts bytes */
		if (ca == DWV_PTR && cb == DWV_PTR) {
			t = (struct dwv_type){ .size = 8,
			    .enc = DW_ATE_signed, .name = "long" };
			r = dwv_int_value(&t, (uint64_t)((int64_t)(x - y) /
			    (int64_t)scale));
		} else if (ca == DWV_PTR) {
			y = dwv_is_signed(&b->type) && dwv_size(&b->type) < 8 ?
			    (uint64_t)(int64_t)(int32_t)y : y;
			r = dwv_int_value(&a->type, op == '+' ? x + y * scale :
			    x - y * scale);
		} else if (op == '+') {
			r = dwv_int_value(&b->type, y + x * scale);
		} else {
			dwv_fail(ps, "%s: integer - pointer", ps->s);
		}
		goto out;
	}
	if (dwv_size(&a->type) == 8 || dwv_size(&b->type) == 8)
		t = (struct dwv_type){ .size = 8, .enc = DW_ATE_signed,
		    .name = "long" };
	if ((dwv_size(&a->type) >= dwv_size(&t) && !dwv_is_signed(&a->type))
	    || (dwv_size(&b->type) >= dwv_size(&t) &&
	    !dwv_is_signed(&b->type))) {
		t.enc = DW_ATE_unsigned;
		t.name = t.size == 8 ? "unsigned long" : "unsigned int";
	}
	sign = t.enc == DW_ATE_signed;
	if (sign && dwv_is_signed(&a->type) && dwv_size(&a->type) < 8)
		x = (uint64_t)(int64_t)(int32_t)x;
	if (sign && dwv_is_signed(&b->type) && dwv_size(&b->type) < 8)
		y = (uint64_t)(int64_t)(int32_t)y;
	if ((op == '/' || op == '%') && (t.size == 4 ? (uint32_t)y : y) == 0) {
		dwv_fail(ps, "%s: division by zero", ps->s);
		goto out;
	}
	if (t.size == 4) {
		x = sign ? (uint64_t)(int64_t)(int32_t)x : (uint32_t)x;
		y = sign ? (uint64_t)(int64_t)(int32_t)y : (uint32_t)y;
	}
	if (sign && (op == '/' || op == '%') && (int64_t)y == -1)
		x = op == '/' ? (uint64_t)0 - x : 0;
	else if (op == '/')
		x = sign ? (uint64_t)((int64_t)x / (int64_t)y) : x / y;
	else if (op == '%')
		x = sign ? (uint64_t)((int64_t)x % (int64_t)y) : x % y;
	else if (op == '*')
		x *= y;
	else if (op == '+')
		x += y;
	else
		x -= y;
	r = dwv_int_value(&t, x);
out:
	free(err);
	dwv_free(a);
	dwv_free(b);
	return r;
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
	if (dwv_scalar(ps->env, v, &u, &err) < 0) {
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
	if (dwv_class(&t, NULL) == DWV_VOID) {
		dwv_fail(ps, "%.*s: attempt to take contents of a void pointer",
		    len, what);
		return NULL;
	}
	if (u == 0) {
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

/* The part of v of type t that starts bit_pos bits into it. */
static struct dwv_value *
dwv_sub(const struct dwv_value *v, const struct dwv_type *t,
    uint64_t bit_pos, unsigned bit_size)
{
	struct dwv_value *r = dwv_new();
	uint64_t size = dwv_size(t), off = bit_pos / 8;

	r->type = *t;
	r->place = v->place;
	r->bit_size = bit_size;
	r->bit_off = bit_size != 0 ? (unsigned)(bit_pos % 8) : 0;
	r->in_reg = v->in_reg;
	if (v->place == DWV_MEM) {
		r->addr = v->addr + off;
	} else if (v->place == DWV_BYTES) {
		if (bit_size != 0)
			size = (r->bit_off + bit_size + 7) / 8;
		if (off >= v->nbytes || size > v->nbytes - off) {
			r->place = DWV_OPTIMIZED;
		} else {
			r->nbytes = size;
			r->bytes = xmalloc(size != 0 ? size : 1);
			memcpy(r->bytes, v->bytes + off, size);
		}
	}
	return r;
}

static struct dwv_value *
dwv_member(struct dwv_parser *ps, struct dwv_value *v, const char *name)
{
	Dwarf_Die peeled, child, inner;
	Dwarf_Attribute attr;
	Dwarf_Word loc = 0, bits = 0, bitoff = 0, bytes = 0;
	struct dwv_type t;
	struct dwv_value *r = NULL, *anon;
	enum dwv_class c = dwv_class(&v->type, &peeled);
	const char *n;

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
		t = v->type;
		n = NULL;
		{
			char *tn = dwv_name_decl(&t, "");

			dwv_fail(ps, "%s: there is no member named %s in %s",
			    name, name, tn);
			free(tn);
		}
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
	    dwv_scalar(ps->env, i, &idx, &err) < 0) {
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
			    "information (cast its address: *(int *)&%s "
			    "does not work either; use x %s)", name, addr,
			    name, name);
		else
			dwv_fail(ps, "%s: no symbol in the current context",
			    name);
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

static void
dwv_type_of(Dwarf_Die *die, struct dwv_type *t)
{
	memset(t, 0, sizeof *t);
	t->die = *die;
	t->has_die = true;
}

static uint64_t
dwv_pc(const struct dwv_env *env)
{
	const struct sym_frame *f = env->frame;

	return f->return_address ? f->pc - 1 : f->pc;
}

static const char *
dwv_die_name(Dwarf_Die *die)
{
	Dwarf_Attribute attr;

	return dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &attr));
}

static int
dwv_attr_int(Dwarf_Die *die, unsigned name, Dwarf_Word *out)
{
	Dwarf_Attribute attr;

	if (dwarf_attr_integrate(die, name, &attr) == NULL)
		return -1;
	return dwarf_formudata(&attr, out);
}

/* Whether die is a variable (or parameter) called name. */
static bool
dwv_var_named(Dwarf_Die *die, const char *name, bool params)
{
	int tag = dwarf_tag(die);
	const char *n;

	if (tag != DW_TAG_variable && !(params &&
	    tag == DW_TAG_formal_parameter))
		return false;
	n = dwv_die_name(die);
	return n != NULL && strcmp(n, name) == 0;
}

/*
 * The name index: every CU's top-level variables (with a location),
 * functions (with code), enumerators and named types of every module,
 * built on the first global lookup and kept in env->index (the symbol
 * cache's slot) until the modules change. Class 0 is a value (variable,
 * function, enumerator), else the DWARF tag of a type. The first of a
 * name and class wins, in libdwfl's module order.
 */
struct dwv_entry {
	const char *name;	/* in the DWARF string table */
	int class;
	Dwarf_Die die;
	Dwarf_Die owner;	/* an enumerator's enumeration type */
	Dwarf_Addr bias;
};

struct dwv_index {
	struct dwv_entry *slots;
	size_t size;		/* a power of two */
	size_t used;
	/*
	 * Modules are indexed one at a time, as lookups miss: where
	 * dwfl_getmodules goes on, and whether every module is in.
	 */
	ptrdiff_t next;
	bool complete;
};

static uint64_t
dwv_hash(const char *name, int class)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)class;

	while (*name != '\0')
		h = (h ^ (unsigned char)*name++) * 1099511628211ULL;
	return h;
}

static struct dwv_entry *
dwv_index_slot(struct dwv_index *ix, const char *name, int class)
{
	size_t i = (size_t)dwv_hash(name, class) & (ix->size - 1);

	while (ix->slots[i].name != NULL && (ix->slots[i].class != class ||
	    strcmp(ix->slots[i].name, name) != 0))
		i = (i + 1) & (ix->size - 1);
	return &ix->slots[i];
}

static void
dwv_index_add(struct dwv_index *ix, const char *name, int class,
    Dwarf_Die *die, Dwarf_Die *owner, Dwarf_Addr bias)
{
	struct dwv_entry *e, *old;
	size_t i, n;

	if ((ix->used + 1) * 2 > ix->size) {
		old = ix->slots;
		n = ix->size;
		ix->size = n != 0 ? n * 2 : 1024;
		ix->slots = xcalloc(ix->size, sizeof *ix->slots);
		ix->used = 0;
		for (i = 0; i < n; i++)
			if (old[i].name != NULL) {
				*dwv_index_slot(ix, old[i].name,
				    old[i].class) = old[i];
				ix->used++;
			}
		free(old);
	}
	e = dwv_index_slot(ix, name, class);
	if (e->name != NULL)
		return;
	e->name = name;
	e->class = class;
	e->die = *die;
	if (owner != NULL)
		e->owner = *owner;
	e->bias = bias;
	ix->used++;
}

static int
dwv_index_module(Dwfl_Module *mod, void **userdata, const char *modname,
    Dwarf_Addr base, void *arg)
{
	struct dwv_index *ix = arg;
	Dwarf_Die *cu = NULL, child, en;
	Dwarf_Addr bias;
	const char *n;
	int tag;

	(void)userdata;
	(void)modname;
	(void)base;
	while ((cu = dwfl_module_nextcu(mod, cu, &bias)) != NULL) {
		if (dwarf_child(cu, &child) != 0)
			continue;
		do {
			tag = dwarf_tag(&child);
			if (tag == DW_TAG_enumeration_type &&
			    dwarf_child(&child, &en) == 0) {
				do {
					if (dwarf_tag(&en) ==
					    DW_TAG_enumerator &&
					    (n = dwarf_diename(&en)) != NULL)
						dwv_index_add(ix, n, 0, &en,
						    &child, bias);
				} while (dwarf_siblingof(&en, &en) == 0);
			}
			if ((n = dwarf_diename(&child)) == NULL ||
			    dwarf_hasattr(&child, DW_AT_declaration))
				continue;
			if ((tag == DW_TAG_variable && (dwarf_hasattr(&child,
			    DW_AT_location) || dwarf_hasattr(&child,
			    DW_AT_const_value))) || (tag == DW_TAG_subprogram &&
			    dwarf_hasattr(&child, DW_AT_low_pc)))
				dwv_index_add(ix, n, 0, &child, NULL, bias);
			else if (tag == DW_TAG_structure_type ||
			    tag == DW_TAG_union_type ||
			    tag == DW_TAG_enumeration_type ||
			    tag == DW_TAG_typedef || tag == DW_TAG_base_type)
				dwv_index_add(ix, n, tag, &child, NULL, bias);
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	return DWARF_CB_ABORT;	/* one module per call */
}

void
dwv_index_free(void *index)
{
	struct dwv_index *ix = index;

	if (ix == NULL)
		return;
	free(ix->slots);
	free(ix);
}

/* The entry for name in class, building the index first if need be. */
static const struct dwv_entry *
dwv_lookup(const struct dwv_env *env, const char *name, int class)
{
	struct dwv_index *ix = *env->index;
	const struct dwv_entry *e;

	if (ix == NULL) {
		ix = xcalloc(1, sizeof *ix);
		*env->index = ix;
	}
	for (;;) {
		if (ix->size != 0) {
			e = dwv_index_slot(ix, name, class);
			if (e->name != NULL)
				return e;
		}
		if (ix->complete)
			return NULL;
		ix->next = dwfl_getmodules(env->dwfl, dwv_index_module, ix,
		    ix->next);
		if (ix->next <= 0)
			ix->complete = true;
	}
}

/*
 * name in the selected frame's scopes (innermost first, then its CU),
 * then in every CU. *fn is the frame's function when the variable is
 * the frame's (for DW_AT_frame_base).
 */
static bool
dwv_find_var(const struct dwv_env *env, const char *name, Dwarf_Die *var,
    Dwarf_Die *fn, bool *have_fn, Dwarf_Addr *bias)
{
	const struct dwv_entry *e;
	Dwarf_Die *cu, *scopes = NULL, child;
	Dwfl_Module *mod;
	uint64_t pc;
	int n, i, j;
	bool found = false;

	*have_fn = false;
	if (env->frame != NULL) {
		pc = dwv_pc(env);
		mod = dwfl_addrmodule(env->dwfl, pc);
		cu = mod != NULL ? dwfl_module_addrdie(mod, pc, bias) : NULL;
		n = cu != NULL ? dwarf_getscopes(cu, pc - *bias, &scopes) : 0;
		for (i = 0; i < n && !found; i++) {
			if (dwarf_child(&scopes[i], &child) != 0)
				continue;
			do {
				if (dwv_var_named(&child, name, true)) {
					*var = child;
					found = true;
					break;
				}
			} while (dwarf_siblingof(&child, &child) == 0);
		}
		for (j = 0; found && j < n; j++) {
			if (dwarf_tag(&scopes[j]) == DW_TAG_subprogram) {
				*fn = scopes[j];
				*have_fn = true;
				break;
			}
		}
		free(scopes);
		if (found)
			return true;
	}
	if ((e = dwv_lookup(env, name, 0)) == NULL)
		return false;
	*var = e->die;
	*bias = e->bias;
	if (dwarf_tag(var) == DW_TAG_enumerator)
		*fn = e->owner;
	return true;
}

/* A type by name: struct/union/enum tag, typedef or base type. */
static bool
dwv_find_type(const struct dwv_env *env, const char *name, int tag,
    Dwarf_Die *out)
{
	const struct dwv_entry *e = dwv_lookup(env, name, tag);

	if (e != NULL)
		*out = e->die;
	return e != NULL;
}

/* Where var lives at the frame's pc (or, for a global, always). */
static int
dwv_locate(const struct dwv_env *env, Dwarf_Die *var, Dwarf_Die *fn,
    bool have_fn, Dwarf_Addr bias, struct dwv_value *v, char **errp)
{
	Dwarf_Attribute attr;
	Dwarf_Op *ops;
	Dwarf_Word u;
	Dwarf_Block block;
	size_t nops, size = (size_t)dwv_size(&v->type);
	uint64_t pc = env->frame != NULL ? dwv_pc(env) - bias : 0;
	int n;

	if (dwarf_attr_integrate(var, DW_AT_const_value, &attr) != NULL) {
		v->place = DWV_BYTES;
		if (dwarf_formblock(&attr, &block) == 0) {
			v->nbytes = block.length;
			v->bytes = xmalloc(block.length + 1);
			memcpy(v->bytes, block.data, block.length);
		} else if (dwarf_formudata(&attr, &u) == 0) {
			v->nbytes = size < 8 && size > 0 ? size : 8;
			v->bytes = xmalloc(8);
			memcpy(v->bytes, &u, 8);
		} else {
			v->place = DWV_OPTIMIZED;
		}
		return 0;
	}
	if (dwarf_attr_integrate(var, DW_AT_location, &attr) == NULL) {
		v->place = DWV_OPTIMIZED;
		return 0;
	}
	n = dwarf_getlocation_addr(&attr, pc, &ops, &nops, 1);
	if (n <= 0 || nops == 0) {
		v->place = DWV_OPTIMIZED;
		return 0;
	}
	return dwv_run_ops(env, ops, nops, fn, have_fn, bias, v, errp);
}

/* The frame's register regno (DWARF numbering), if known. */
static bool
dwv_frame_reg(const struct dwv_env *env, uint64_t regno, uint64_t *out)
{
	if (env->frame == NULL || env->frame->regs == NULL || regno > 16)
		return false;
	*out = env->frame->regs[regno];
	return true;
}

/*
 * A DWARF location expression: the stack machine for the operations C
 * compilers emit for variables. Pieces are gathered into bytes.
 */
static int
dwv_run_ops(const struct dwv_env *env, const Dwarf_Op *ops, size_t nops,
    Dwarf_Die *fn, bool have_fn, Dwarf_Addr bias, struct dwv_value *v,
    char **errp)
{
	uint64_t st[DWV_STACK], a, b;
	size_t sp = 0, i, n;
	uint8_t *comp = NULL;
	size_t ncomp = 0;
	/* The current piece: 0 memory at the top of the stack, 1 register,
	 * 2 the stack's top as a value, 3 bytes of implicit_value. */
	int kind = 0;
	uint64_t regval = 0;
	const uint8_t *implicit = NULL;
	size_t nimplicit = 0;
	Dwarf_Attribute attr;
	Dwarf_Op *fbops;
	size_t nfb;
	struct dwv_value fb;

#define PUSH(x) do { if (sp == DWV_STACK) goto bad; st[sp++] = (x); } \
	while (0)
#define POP(x) do { if (sp == 0) goto bad; (x) = st[--sp]; } while (0)
	for (i = 0; i < nops; i++) {
		uint8_t atom = ops[i].atom;

		if (atom >= DW_OP_lit0 && atom <= DW_OP_lit31) {
			PUSH((uint64_t)(atom - DW_OP_lit0));
		} else if (atom >= DW_OP_breg0 && atom <= DW_OP_breg31) {
			if (!dwv_frame_reg(env, atom - DW_OP_breg0, &a))
				goto optimized;
			PUSH(a + ops[i].number);
		} else if (atom >= DW_OP_reg0 && atom <= DW_OP_reg31) {
			if (!dwv_frame_reg(env, atom - DW_OP_reg0, &regval))
				goto optimized;
			kind = 1;
		} else switch (atom) {
		case DW_OP_addr:
			PUSH(ops[i].number + bias);
			break;
		case DW_OP_const1u: case DW_OP_const2u: case DW_OP_const4u:
		case DW_OP_const8u: case DW_OP_constu:
		case DW_OP_const1s: case DW_OP_const2s: case DW_OP_const4s:
		case DW_OP_const8s: case DW_OP_consts:
			PUSH(ops[i].number);
			break;
		case DW_OP_regx:
			if (!dwv_frame_reg(env, ops[i].number, &regval))
				goto optimized;
			kind = 1;
			break;
		case DW_OP_bregx:
			if (!dwv_frame_reg(env, ops[i].number, &a))
				goto optimized;
			PUSH(a + ops[i].number2);
			break;
		case DW_OP_fbreg:
			if (!have_fn || dwarf_attr_integrate(fn,
			    DW_AT_frame_base, &attr) == NULL ||
			    dwarf_getlocation_addr(&attr, dwv_pc(env) - bias,
			    &fbops, &nfb, 1) != 1)
				goto optimized;
			if (nfb == 1 && fbops[0].atom == DW_OP_call_frame_cfa) {
				if (env->frame->cfa == 0)
					goto optimized;
				a = env->frame->cfa;
			} else {
				memset(&fb, 0, sizeof fb);
				if (dwv_run_ops(env, fbops, nfb, NULL, false,
				    bias, &fb, errp) < 0)
					goto fail;
				if (fb.place == DWV_OPTIMIZED) {
					free(fb.bytes);
					goto optimized;
				}
				a = fb.addr;
				if (fb.place == DWV_BYTES)
					memcpy(&a, fb.bytes, fb.nbytes < 8 ?
					    fb.nbytes : 8);
				free(fb.bytes);
			}
			PUSH(a + ops[i].number);
			break;
		case DW_OP_call_frame_cfa:
			if (env->frame == NULL || env->frame->cfa == 0)
				goto optimized;
			PUSH(env->frame->cfa);
			break;
		case DW_OP_plus_uconst:
			POP(a);
			PUSH(a + ops[i].number);
			break;
		case DW_OP_dup:
			POP(a);
			PUSH(a);
			PUSH(a);
			break;
		case DW_OP_drop:
			POP(a);
			break;
		case DW_OP_over:
			if (sp < 2)
				goto bad;
			a = st[sp - 2];
			PUSH(a);
			break;
		case DW_OP_swap:
			POP(a);
			POP(b);
			PUSH(a);
			PUSH(b);
			break;
		case DW_OP_neg:
			POP(a);
			PUSH((uint64_t)0 - a);
			break;
		case DW_OP_not:
			POP(a);
			PUSH(~a);
			break;
		case DW_OP_plus: case DW_OP_minus: case DW_OP_mul:
		case DW_OP_and: case DW_OP_or: case DW_OP_xor:
		case DW_OP_shl: case DW_OP_shr: case DW_OP_shra:
			POP(b);
			POP(a);
			PUSH(atom == DW_OP_plus ? a + b : atom == DW_OP_minus ?
			    a - b : atom == DW_OP_mul ? a * b :
			    atom == DW_OP_and ? (a & b) : atom == DW_OP_or ?
			    (a | b) : atom == DW_OP_xor ? (a ^ b) :
			    b >= 64 ? 0 : atom == DW_OP_shl ? a << b :
			    atom == DW_OP_shr ? a >> b :
			    (uint64_t)((int64_t)a >> b));
			break;
		case DW_OP_deref:
		case DW_OP_deref_size:
			POP(a);
			n = atom == DW_OP_deref ? 8 : (size_t)ops[i].number;
			b = 0;
			if (n > 8 || env->read(env->arg, a, &b, n) != (long)n) {
				set_error(errp, "cannot access memory at "
				    "address 0x%" PRIx64, a);
				goto fail;
			}
			PUSH(b);
			break;
		case DW_OP_stack_value:
			kind = 2;
			break;
		case DW_OP_implicit_value:
			kind = 3;
			nimplicit = (size_t)ops[i].number;
			implicit = (const uint8_t *)(uintptr_t)ops[i].number2;
			break;
		case DW_OP_piece:
			n = (size_t)ops[i].number;
			if (n > 4096 || ncomp + n > 65536)
				goto bad;
			comp = xrealloc(comp, ncomp + n + 1);
			memset(comp + ncomp, 0, n);
			if (kind == 1) {
				memcpy(comp + ncomp, &regval, n < 8 ? n : 8);
			} else if (kind == 2) {
				POP(a);
				memcpy(comp + ncomp, &a, n < 8 ? n : 8);
			} else if (kind == 3) {
				memcpy(comp + ncomp, implicit,
				    n < nimplicit ? n : nimplicit);
			} else if (sp == 0) {
				/* An empty piece: that part is optimized out. */
			} else {
				POP(a);
				if (env->read(env->arg, a, comp + ncomp, n) !=
				    (long)n) {
					set_error(errp, "cannot access memory "
					    "at address 0x%" PRIx64, a);
					goto fail;
				}
			}
			ncomp += n;
			kind = 0;
			break;
		default:
			/* Entry values, implicit pointers, TLS: not read. */
			goto optimized;
		}
	}
	if (comp != NULL) {
		v->place = DWV_BYTES;
		v->bytes = comp;
		v->nbytes = ncomp;
		return 0;
	}
	if (kind == 1 || kind == 2) {
		if (kind == 2)
			POP(regval);
		v->place = DWV_BYTES;
		v->in_reg = kind == 1;
		v->nbytes = 8;
		v->bytes = xmalloc(8);
		memcpy(v->bytes, &regval, 8);
		return 0;
	}
	if (kind == 3) {
		v->place = DWV_BYTES;
		v->nbytes = nimplicit;
		v->bytes = xmalloc(nimplicit + 1);
		memcpy(v->bytes, implicit, nimplicit);
		return 0;
	}
	POP(a);
	v->place = DWV_MEM;
	v->addr = a;
	return 0;
#undef PUSH
#undef POP
optimized:
	free(comp);
	v->place = DWV_OPTIMIZED;
	return 0;
bad:
	set_error(errp, "malformed DWARF location expression");
fail:
	free(comp);
	return -1;
}

/* The class of t; *peeled (if not NULL) its DIE without typedefs, cv. */
static enum dwv_class
dwv_class(const struct dwv_type *t, Dwarf_Die *peeled)
{
	Dwarf_Die d;
	Dwarf_Word enc = 0;

	if (t->ptrs > 0)
		return DWV_PTR;
	if (!t->has_die)
		return t->size == 0 ? DWV_VOID : t->enc == DW_ATE_float ?
		    DWV_FLOAT : t->enc == DW_ATE_boolean ? DWV_BOOL :
		    t->enc == DW_ATE_signed_char ||
		    t->enc == DW_ATE_unsigned_char ? DWV_CHAR : DWV_INT;
	d = t->die;
	if (dwarf_peel_type(&d, &d) != 0)
		return DWV_VOID;
	if (peeled != NULL)
		*peeled = d;
	if (t->dim > 0)
		return DWV_ARRAY;
	switch (dwarf_tag(&d)) {
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
		return DWV_PTR;
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
		return DWV_STRUCT;
	case DW_TAG_union_type:
		return DWV_UNION;
	case DW_TAG_array_type:
		return DWV_ARRAY;
	case DW_TAG_enumeration_type:
		return DWV_ENUM;
	case DW_TAG_subprogram:
	case DW_TAG_subroutine_type:
		return DWV_FUNC;
	case DW_TAG_base_type:
		dwv_attr_int(&d, DW_AT_encoding, &enc);
		return enc == DW_ATE_float ? DWV_FLOAT :
		    enc == DW_ATE_boolean ? DWV_BOOL :
		    enc == DW_ATE_signed_char || enc == DW_ATE_unsigned_char ?
		    DWV_CHAR : DWV_INT;
	default:
		return DWV_VOID;
	}
}

static uint64_t
dwv_size(const struct dwv_type *t)
{
	Dwarf_Die d;
	Dwarf_Word size;
	struct dwv_type elem;
	uint64_t count;

	if (t->ptrs > 0)
		return 8;
	if (!t->has_die)
		return t->size;
	if (dwv_class(t, &d) == DWV_ARRAY) {
		if (!dwv_array_dims(t, &count, &elem))
			return 0;
		return count * dwv_size(&elem);
	}
	if (dwarf_tag(&d) == DW_TAG_pointer_type)
		return 8;
	if (dwarf_aggregate_size(&d, &size) != 0)
		return 0;
	return size;
}

/* What a pointer of type t points at (void: a synthetic size 0). */
static void
dwv_target(const struct dwv_type *t, struct dwv_type *out)
{
	Dwarf_Die d, target;
	Dwarf_Attribute attr;

	*out = *t;
	if (t->ptrs > 0) {
		out->ptrs--;
		return;
	}
	memset(out, 0, sizeof *out);
	out->name = "void";
	if (!t->has_die)
		return;
	d = t->die;
	if (dwarf_peel_type(&d, &d) == 0 &&
	    dwarf_attr_integrate(&d, DW_AT_type, &attr) != NULL &&
	    dwarf_formref_die(&attr, &target) != NULL)
		dwv_type_of(&target, out);
}

/*
 * The element count of t's next dimension and the element type (a
 * sub-array of the same DIE for a multi-dimensional array). false when
 * t is not an array.
 */
static bool
dwv_array_dims(const struct dwv_type *t, uint64_t *count,
    struct dwv_type *elem)
{
	Dwarf_Die d, sub, target;
	Dwarf_Attribute attr;
	Dwarf_Word n = 0, upper;
	unsigned k = 0, total = 0;
	bool have = false;

	d = t->die;
	if (t->ptrs > 0 || !t->has_die || dwarf_peel_type(&d, &d) != 0 ||
	    dwarf_tag(&d) != DW_TAG_array_type)
		return false;
	if (dwarf_child(&d, &sub) == 0) {
		do {
			if (dwarf_tag(&sub) != DW_TAG_subrange_type)
				continue;
			if (k == t->dim) {
				if (dwv_attr_int(&sub, DW_AT_count, &n) == 0)
					have = true;
				else if (dwv_attr_int(&sub, DW_AT_upper_bound,
				    &upper) == 0) {
					n = upper + 1;
					have = true;
				}
			}
			k++;
		} while (dwarf_siblingof(&sub, &sub) == 0);
	}
	total = k;
	if (count != NULL)
		*count = have ? n : 0;
	if (elem != NULL) {
		*elem = *t;
		elem->dim = t->dim + 1;
		if (elem->dim >= total) {
			if (dwarf_attr_integrate(&d, DW_AT_type, &attr) &&
			    dwarf_formref_die(&attr, &target) != NULL)
				dwv_type_of(&target, elem);
			else
				*elem = (struct dwv_type){ .name = "void" };
		}
	}
	return true;
}

/* Reads the scalar v (at most 8 bytes, bit fields extracted) into *u. */
static int
dwv_scalar(const struct dwv_env *env, const struct dwv_value *v,
    uint64_t *u, char **errp)
{
	uint64_t size = dwv_size(&v->type), raw = 0;
	size_t n;

	*u = 0;
	if (v->place == DWV_OPTIMIZED)
		return set_error(errp, "value has been optimized out");
	if (v->bit_size != 0) {
		n = (v->bit_off + v->bit_size + 7) / 8;
		if (n > 8 || dwv_fetch(env, v, 0, &raw, n, errp) < 0)
			return n > 8 ? set_error(errp, "bit field too wide") :
			    -1;
		raw >>= v->bit_off;
		if (v->bit_size < 64)
			raw &= ((uint64_t)1 << v->bit_size) - 1;
		if (dwv_is_signed(&v->type) && v->bit_size < 64 &&
		    (raw >> (v->bit_size - 1)) != 0)
			raw |= ~(uint64_t)0 << v->bit_size;
		*u = raw;
		return 0;
	}
	if (size == 0 || size > 8)
		return set_error(errp, "not a scalar");
	if (dwv_fetch(env, v, 0, &raw, (size_t)size, errp) < 0)
		return -1;
	if (dwv_is_signed(&v->type) && size < 8 &&
	    (raw >> (size * 8 - 1)) != 0)
		raw |= ~(uint64_t)0 << (size * 8);
	*u = raw;
	return 0;
}

/* len bytes of v from offset off. */
static int
dwv_fetch(const struct dwv_env *env, const struct dwv_value *v,
    uint64_t off, void *buf, size_t len, char **errp)
{
	if (v->place == DWV_BYTES) {
		if (off > v->nbytes || len > v->nbytes - off)
			return set_error(errp, "value has been optimized out");
		memcpy(buf, v->bytes + off, len);
		return 0;
	}
	if (v->place != DWV_MEM)
		return set_error(errp, "value has been optimized out");
	if (env->read(env->arg, v->addr + off, buf, len) != (long)len)
		return set_error(errp, "cannot access memory at address "
		    "0x%" PRIx64, v->addr + off);
	return 0;
}

char *
dwv_type_name(const struct dwv_value *v)
{
	return dwv_name_decl(&v->type, "");
}

/* t named as C declares it, around the declarator suffix. */
static char *
dwv_name_decl(const struct dwv_type *t, const char *suffix)
{
	struct dwv_type inner;
	Dwarf_Die d, child;
	Dwarf_Attribute attr;
	char *s, *r, *params;
	const char *n, *kw = "";
	uint64_t count;
	int tag;

	if (t->ptrs > 0) {
		inner = *t;
		inner.ptrs--;
		s = xstrfmt("*%s", suffix);
		r = dwv_name_decl(&inner, s);
		free(s);
		return r;
	}
	if (!t->has_die)
		return xstrfmt("%s%s%s", t->name != NULL ? t->name : "void",
		    *suffix != '\0' ? " " : "", suffix);
	d = t->die;
	if (t->dim > 0 || dwarf_tag(&d) == DW_TAG_array_type) {
		if (dwarf_tag(&d) != DW_TAG_array_type)
			dwarf_peel_type(&d, &d);
		inner = *t;
		inner.die = d;
		dwv_array_dims(&inner, &count, &inner);
		s = *suffix == '*' ? xstrfmt("(%s)[%" PRIu64 "]", suffix,
		    count) : xstrfmt("%s[%" PRIu64 "]", suffix, count);
		r = dwv_name_decl(&inner, s);
		free(s);
		return r;
	}
	tag = dwarf_tag(&d);
	switch (tag) {
	case DW_TAG_pointer_type:
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
		dwv_target(&(struct dwv_type){ .die = d, .has_die = true },
		    &inner);
		if (tag == DW_TAG_pointer_type) {
			s = xstrfmt("*%s", suffix);
		} else {
			kw = tag == DW_TAG_const_type ? "const" : "volatile";
			if (inner.has_die && dwarf_tag(&inner.die) ==
			    DW_TAG_pointer_type)
				s = xstrfmt("%s%s%s", kw,
				    *suffix != '\0' ? " " : "", suffix);
			else {
				r = dwv_name_decl(&inner, suffix);
				s = xstrfmt("%s %s", kw, r);
				free(r);
				return s;
			}
		}
		r = dwv_name_decl(&inner, s);
		free(s);
		return r;
	case DW_TAG_subroutine_type:
	case DW_TAG_subprogram:
		dwv_target(&(struct dwv_type){ .die = d, .has_die = true },
		    &inner);
		params = xstrdup("");
		if (dwarf_child(&d, &child) == 0) {
			do {
				if (dwarf_tag(&child) !=
				    DW_TAG_formal_parameter ||
				    dwarf_attr_integrate(&child, DW_AT_type,
				    &attr) == NULL)
					continue;
				struct dwv_type pt;
				Dwarf_Die ptd;

				if (dwarf_formref_die(&attr, &ptd) == NULL)
					continue;
				dwv_type_of(&ptd, &pt);
				s = dwv_name_decl(&pt, "");
				r = xstrfmt("%s%s%s", params,
				    *params != '\0' ? ", " : "", s);
				free(s);
				free(params);
				params = r;
			} while (dwarf_siblingof(&child, &child) == 0);
		}
		if (*params == '\0' && dwarf_hasattr(&d, DW_AT_prototyped)) {
			free(params);
			params = xstrdup("void");
		}
		s = *suffix != '\0' ? xstrfmt("(%s)(%s)", suffix, params) :
		    xstrfmt("(%s)", params);
		free(params);
		r = dwv_name_decl(&inner, s);
		free(s);
		return r;
	case DW_TAG_structure_type:
		kw = "struct ";
		break;
	case DW_TAG_union_type:
		kw = "union ";
		break;
	case DW_TAG_enumeration_type:
		kw = "enum ";
		break;
	default:
		break;
	}
	n = dwarf_diename(&d);
	return xstrfmt("%s%s%s%s", kw, n != NULL ? n : "{...}",
	    *suffix != '\0' && *suffix != '(' ? " " : *suffix == '(' ? " " :
	    "", suffix);
}

void
dwv_write_text(const struct dwv_env *env, struct dwv_value *v, FILE *f,
    bool top)
{
	dwv_write(env, v, f, false, top, 0);
}

void
dwv_write_json(const struct dwv_env *env, struct dwv_value *v, FILE *f)
{
	dwv_write(env, v, f, true, true, 0);
}

/* {"type":...,"kind":... of a JSON node, left open for its value. */
static void
dwv_json_head(struct dwv_value *v, const char *kind, FILE *f)
{
	char *tn = dwv_type_name(v);

	fputs("{\"type\":", f);
	json_str(f, tn);
	fprintf(f, ",\"kind\":\"%s\"", kind);
	if (v->place == DWV_MEM)
		fprintf(f, ",\"addr\":\"0x%" PRIx64 "\"", v->addr);
	if (v->bit_size != 0)
		fprintf(f, ",\"bits\":%u", v->bit_size);
	free(tn);
}

static void
dwv_write(const struct dwv_env *env, struct dwv_value *v, FILE *f,
    bool json, bool top, int depth)
{
	static const char *const kinds[] = {
		[DWV_VOID] = "void", [DWV_INT] = "int", [DWV_FLOAT] = "float",
		[DWV_BOOL] = "bool", [DWV_CHAR] = "char", [DWV_ENUM] = "enum",
		[DWV_PTR] = "pointer", [DWV_STRUCT] = "struct",
		[DWV_UNION] = "union", [DWV_ARRAY] = "array",
		[DWV_FUNC] = "function",
	};
	Dwarf_Die peeled;
	enum dwv_class c = dwv_class(&v->type, &peeled);
	const char *kind = kinds[c];

	if (c == DWV_INT && !dwv_is_signed(&v->type))
		kind = "uint";
	if (v->place == DWV_OPTIMIZED) {
		if (json) {
			dwv_json_head(v, "optimized_out", f);
			fputc('}', f);
		} else {
			fputs("<optimized out>", f);
		}
		return;
	}
	if (json)
		dwv_json_head(v, kind, f);
	if (depth > DWV_MAX_DEPTH) {
		fputs(json ? ",\"value\":null}" : "...", f);
		return;
	}
	if (c == DWV_STRUCT || c == DWV_UNION)
		dwv_write_fields(env, v, &peeled, f, json, depth);
	else if (c == DWV_ARRAY)
		dwv_write_array(env, v, f, json, depth);
	else
		dwv_write_scalar(env, v, c, &peeled, f, json, top);
	if (json)
		fputc('}', f);
}

static void
dwv_write_scalar(const struct dwv_env *env, struct dwv_value *v,
    enum dwv_class c, Dwarf_Die *peeled, FILE *f, bool json, bool top)
{
	Dwarf_Die child;
	Dwarf_Attribute attr;
	struct dwv_type target;
	Dwarf_Sword sval;
	uint64_t u, size = dwv_size(&v->type);
	char sym[256], *err = NULL, *tn;
	const char *n;
	bool found = false;

	if (c == DWV_FUNC) {
		tn = dwv_type_name(v);
		if (json) {
			fprintf(f, ",\"value\":\"0x%" PRIx64 "\"", v->addr);
		} else {
			fprintf(f, "{%s} 0x%" PRIx64, tn, v->addr);
			if (env->symbolize != NULL && env->symbolize(env->arg,
			    v->addr, sym, sizeof sym))
				fprintf(f, " <%s>", sym);
		}
		free(tn);
		return;
	}
	if (c == DWV_VOID || (c == DWV_FLOAT && size != 4 && size != 8)) {
		fputs(json ? ",\"value\":null" : "<unknown type>", f);
		return;
	}
	if (dwv_scalar(env, v, &u, &err) < 0) {
		if (json) {
			fputs(",\"error\":", f);
			json_str(f, err);
		} else {
			fprintf(f, "<error: %s>", err);
		}
		free(err);
		return;
	}
	if (json)
		fputs(",\"value\":", f);
	switch (c) {
	case DWV_PTR:
		if (json) {
			fprintf(f, "\"0x%" PRIx64 "\"", u);
		} else {
			dwv_target(&v->type, &target);
			if (top && !dwv_char_type(&target)) {
				tn = dwv_type_name(v);
				fprintf(f, "(%s) ", tn);
				free(tn);
			}
			fprintf(f, "0x%" PRIx64, u);
		}
		dwv_target(&v->type, &target);
		if (u != 0 && env->symbolize != NULL &&
		    env->symbolize(env->arg, u, sym, sizeof sym)) {
			if (json) {
				fputs(",\"symbol\":", f);
				json_str(f, sym);
			} else {
				fprintf(f, " <%s>", sym);
			}
		}
		if (u != 0 && dwv_char_type(&target))
			dwv_write_string_at(env, u, f, json);
		return;
	case DWV_BOOL:
		if (u <= 1)
			fputs(u != 0 ? "true" : "false", f);
		else
			fprintf(f, "%" PRIu64, u);
		return;
	case DWV_FLOAT:
		if (size == 4) {
			float fl;
			uint32_t w = (uint32_t)u;

			memcpy(&fl, &w, 4);
			fprintf(f, json ? "%.9g" : "%.9g", (double)fl);
		} else {
			double d;

			memcpy(&d, &u, 8);
			fprintf(f, "%.17g", d);
		}
		return;
	case DWV_ENUM:
		if (dwarf_child(peeled, &child) == 0) {
			do {
				if (dwarf_tag(&child) != DW_TAG_enumerator ||
				    dwarf_attr(&child, DW_AT_const_value,
				    &attr) == NULL ||
				    dwarf_formsdata(&attr, &sval) != 0)
					continue;
				if ((uint64_t)sval == u || (size < 8 &&
				    ((uint64_t)sval & ((1ULL << size * 8) -
				    1)) == (u & ((1ULL << size * 8) - 1)))) {
					found = true;
					break;
				}
			} while (dwarf_siblingof(&child, &child) == 0);
		}
		n = found ? dwarf_diename(&child) : NULL;
		if (json) {
			json_str(f, n);
			fprintf(f, ",\"number\":%" PRId64, (int64_t)u);
		} else if (n != NULL) {
			fputs(n, f);
		} else {
			fprintf(f, "%" PRId64, (int64_t)u);
		}
		return;
	case DWV_CHAR:
		if (dwv_is_signed(&v->type))
			fprintf(f, "%" PRId64, (int64_t)u);
		else
			fprintf(f, "%" PRIu64, u & 0xff);
		if (json) {
			fputs(",\"char\":\"", f);
			fputc(u >= 0x20 && u < 0x7f && u != '"' && u != '\\' ?
			    (int)u : '?', f);
			fputc('"', f);
		} else {
			fputs(" '", f);
			dwv_write_char((int)(u & 0xff), '\'', f);
			fputc('\'', f);
		}
		return;
	default:
		if (dwv_is_signed(&v->type))
			fprintf(f, "%" PRId64, (int64_t)u);
		else
			fprintf(f, "%" PRIu64, u);
		return;
	}
}

static void
dwv_write_fields(const struct dwv_env *env, struct dwv_value *v,
    Dwarf_Die *peeled, FILE *f, bool json, int depth)
{
	struct dwv_parser ps = { env, "", "", NULL };
	Dwarf_Die child, inner;
	Dwarf_Attribute attr;
	Dwarf_Word loc;
	struct dwv_type t;
	struct dwv_value *m, *copy;
	const char *n;
	bool first = true;

	fputs(json ? ",\"fields\":[" : "{", f);
	if (dwarf_child(peeled, &child) == 0) {
		do {
			if (dwarf_tag(&child) != DW_TAG_member)
				continue;
			n = dwv_die_name(&child);
			if (!first)
				fputs(json ? "," : ", ", f);
			first = false;
			copy = dwv_new();
			*copy = *v;
			if (v->bytes != NULL) {
				copy->bytes = xmalloc(v->nbytes + 1);
				memcpy(copy->bytes, v->bytes, v->nbytes);
			}
			if (n != NULL) {
				m = dwv_member(&ps, copy, n);
			} else {
				/* Anonymous: its own braces, as gdb. */
				loc = 0;
				if (dwarf_attr(&child,
				    DW_AT_data_member_location, &attr))
					dwarf_formudata(&attr, &loc);
				m = NULL;
				if (dwarf_attr(&child, DW_AT_type, &attr) &&
				    dwarf_formref_die(&attr, &inner)) {
					dwv_type_of(&inner, &t);
					m = dwv_sub(copy, &t, loc * 8, 0);
				}
				dwv_free(copy);
			}
			free(ps.err);
			ps.err = NULL;
			if (json) {
				if (m == NULL) {
					fputs("{\"name\":", f);
					json_str(f, n);
					fputs("}", f);
					continue;
				}
				/* The node, with "name" spliced in first. */
				fputs("{\"name\":", f);
				json_str(f, n);
				fputc(',', f);
				{
					char *buf = NULL;
					size_t len = 0;
					FILE *mf = open_memstream(&buf, &len);

					if (mf == NULL)
						fatal("open_memstream");
					dwv_write(env, m, mf, true, false,
					    depth + 1);
					fclose(mf);
					fputs(buf + 1, f);
					free(buf);
				}
			} else {
				if (n != NULL)
					fprintf(f, "%s = ", n);
				if (m == NULL)
					fputs("<error>", f);
				else
					dwv_write(env, m, f, false, false,
					    depth + 1);
			}
			dwv_free(m);
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	fputs(json ? "]" : "}", f);
}

/* Whether t is a char type (char, signed char, unsigned char). */
static bool
dwv_char_type(const struct dwv_type *t)
{
	return dwv_class(t, NULL) == DWV_CHAR;
}

static void
dwv_write_array(const struct dwv_env *env, struct dwv_value *v, FILE *f,
    bool json, int depth)
{
	struct dwv_type elem;
	struct dwv_value *e, *next;
	uint64_t count = 0, esize, i, j, shown = 0;
	uint8_t *buf;
	char *err = NULL;
	size_t n;

	dwv_array_dims(&v->type, &count, &elem);
	esize = dwv_size(&elem);
	if (dwv_char_type(&elem) && esize == 1 && !json) {
		n = count > DWV_PRINT_MAX * 4 ? DWV_PRINT_MAX * 4 : count;
		buf = xmalloc(n + 1);
		if (dwv_fetch(env, v, 0, buf, n, &err) < 0) {
			fprintf(f, "<error: %s>", err);
			free(err);
		} else {
			/* gdb drops the NUL that ends the array. */
			if (n == count && n > 0 && buf[n - 1] == '\0')
				n--;
			dwv_write_chars(buf, n, n < count - 1, f);
		}
		free(buf);
		return;
	}
	fputs(json ? ",\"elements\":[" : "{", f);
	for (i = 0; i < count && shown < DWV_PRINT_MAX; i = j) {
		e = dwv_sub(v, &elem, i * esize * 8, 0);
		/* A run of equal elements (gdb's <repeats N times>). */
		for (j = i + 1; j < count && !json && esize <= 64 &&
		    v->place != DWV_OPTIMIZED; j++) {
			uint8_t a[64], b[64];

			next = dwv_sub(v, &elem, j * esize * 8, 0);
			if (dwv_fetch(env, e, 0, a, esize, NULL) < 0 ||
			    dwv_fetch(env, next, 0, b, esize, NULL) < 0 ||
			    memcmp(a, b, esize) != 0) {
				dwv_free(next);
				break;
			}
			dwv_free(next);
		}
		if (j - i <= DWV_REPEATS && !json)
			j = i + 1;
		if (shown > 0)
			fputs(json ? "," : ", ", f);
		dwv_write(env, e, f, json, false, depth + 1);
		if (j - i > 1)
			fprintf(f, " <repeats %" PRIu64 " times>", j - i);
		shown += j - i > 1 ? DWV_REPEATS : 1;
		dwv_free(e);
	}
	if (i < count)
		fputs(json ? "" : "...", f);
	fputs(json ? "]" : "}", f);
}

/* One character inside quote ('"' or '\''), escaped as gdb does. */
static void
dwv_write_char(int c, int quote, FILE *f)
{
	static const char esc[] = "\a\b\f\n\r\t\v";
	static const char name[] = "abfnrtv";
	const char *e;

	if (c == quote || c == '\\')
		fprintf(f, "\\%c", c);
	else if (c != 0 && (e = strchr(esc, c)) != NULL)
		fprintf(f, "\\%c", name[e - esc]);
	else if (c == 033)
		fputs("\\033", f);
	else if (c >= 0x20 && c < 0x7f)
		fputc(c, f);
	else
		fprintf(f, "\\%03o", c & 0xff);
}

/*
 * n chars as gdb prints a char array: quoted runs, runs of more than
 * DWV_REPEATS equal chars as 'c' <repeats N times>, and "..." after
 * DWV_PRINT_MAX of them (or when more says the array goes on).
 */
static void
dwv_write_chars(const uint8_t *s, size_t n, bool more, FILE *f)
{
	size_t i = 0, j, shown = 0;
	bool quoted = false, any = false;

	while (i < n && shown < DWV_PRINT_MAX) {
		for (j = i + 1; j < n && s[j] == s[i]; j++)
			;
		if (j - i > DWV_REPEATS) {
			if (quoted)
				fputs("\", ", f);
			else if (any)
				fputs(", ", f);
			quoted = false;
			fputc('\'', f);
			dwv_write_char(s[i], '\'', f);
			fprintf(f, "' <repeats %zu times>", j - i);
			shown += DWV_REPEATS;
			i = j;
		} else {
			if (!quoted)
				fputs(any ? ", \"" : "\"", f);
			quoted = true;
			dwv_write_char(s[i], '"', f);
			shown++;
			i++;
		}
		any = true;
	}
	if (quoted)
		fputc('"', f);
	if (!any)
		fputs("\"\"", f);
	if (i < n || (more && shown >= DWV_PRINT_MAX))
		fputs("...", f);
}

/* The NUL-terminated string at addr, after a char pointer. */
static void
dwv_write_string_at(const struct dwv_env *env, uint64_t addr, FILE *f,
    bool json)
{
	char buf[DWV_PRINT_MAX + 1];
	long got = env->read(env->arg, addr, buf, DWV_PRINT_MAX);
	size_t n;

	if (got <= 0) {
		if (json)
			fputs(",\"string\":null", f);
		else
			fprintf(f, " <error: Cannot access memory at address "
			    "0x%" PRIx64 ">", addr);
		return;
	}
	n = strnlen(buf, (size_t)got);
	if (json) {
		buf[n] = '\0';
		fputs(",\"string\":", f);
		json_str(f, buf);
		return;
	}
	fputc(' ', f);
	dwv_write_chars((const uint8_t *)buf, n, n == DWV_PRINT_MAX, f);
}

/* Collects the variables of one scope for dwv_frame_vars. */
int
dwv_frame_vars(const struct dwv_env *env, bool args,
    void (*fn)(void *arg, const char *name, struct dwv_value *v),
    void *arg, char **errp)
{
	struct dwv_parser ps = { env, "", "", NULL };
	Dwarf_Die *cu, *scopes = NULL, child;
	Dwfl_Module *mod;
	Dwarf_Addr bias;
	struct dwv_value *v;
	const char *name;
	uint64_t pc;
	int n, i, tag, count = 0;
	bool done = false;

	if (env->frame == NULL)
		return set_error(errp, "no frame selected");
	pc = dwv_pc(env);
	mod = dwfl_addrmodule(env->dwfl, pc);
	cu = mod != NULL ? dwfl_module_addrdie(mod, pc, &bias) : NULL;
	n = cu != NULL ? dwarf_getscopes(cu, pc - bias, &scopes) : 0;
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
