/*
 * expr.c: the address expression evaluator (grammar in expr.h). One
 * function per rule; each takes the parser, advances p->s past what it
 * used and returns 0, or -1 with the error set once, where it was found.
 * Evaluation happens while parsing: a dereference reads memory as soon as
 * its operand is known, so an error names the first bad load.
 *
 * Nothing here reads a process: expr_env's callbacks do (cmd.c).
 */
#include "config.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "util.h"

struct expr_parser {
	const char *start;	/* the whole expression, for messages */
	const char *s;		/* the next character to read */
	const struct expr_env *env;
	char **errp;
};

static int expr_sum(struct expr_parser *p, uint64_t *out);
static int expr_term(struct expr_parser *p, uint64_t *out);
static int expr_unary(struct expr_parser *p, uint64_t *out);
static int expr_primary(struct expr_parser *p, uint64_t *out);
static int expr_number(struct expr_parser *p, uint64_t *out);
static int expr_name(struct expr_parser *p, uint64_t *out);
static int expr_syntax(struct expr_parser *p, const char *what);
static void expr_skip_space(struct expr_parser *p);
static bool expr_name_char(int c);
static int expr_parse_number(const char *s, size_t len, uint64_t *out);

int
expr_eval(const char *s, const struct expr_env *env, uint64_t *out,
    char **errp)
{
	struct expr_parser p = { s, s, env, errp };
	uint64_t v;

	expr_skip_space(&p);
	if (*p.s == '\0')
		return set_error(errp, "missing address");
	if (expr_sum(&p, &v) < 0)
		return -1;
	if (*p.s == ')')
		return expr_syntax(&p, "unmatched ')'");
	if (*p.s != '\0')
		return expr_syntax(&p, "operator expected");
	*out = v;
	return 0;
}

/* term { ("+" | "-") term }, with unsigned overflow refused. */
static int
expr_sum(struct expr_parser *p, uint64_t *out)
{
	uint64_t total, v;
	char op;

	if (expr_term(p, &total) < 0)
		return -1;
	while (*p->s == '+' || *p->s == '-') {
		op = *p->s++;
		expr_skip_space(p);
		if (expr_term(p, &v) < 0)
			return -1;
		if (op == '+' ? v > UINT64_MAX - total : v > total)
			return set_error(p->errp, "%s: address out of range",
			    p->start);
		total = op == '+' ? total + v : total - v;
	}
	*out = total;
	return 0;
}

/* unary { "*" unary }: after an operand, '*' multiplies. */
static int
expr_term(struct expr_parser *p, uint64_t *out)
{
	uint64_t total, v;

	if (expr_unary(p, &total) < 0)
		return -1;
	while (*p->s == '*') {
		p->s++;
		expr_skip_space(p);
		if (expr_unary(p, &v) < 0)
			return -1;
		if (v != 0 && total > UINT64_MAX / v)
			return set_error(p->errp, "%s: address out of range",
			    p->start);
		total *= v;
	}
	*out = total;
	return 0;
}

/* "*" unary (an 8-byte load) | "&" NAME | primary. */
static int
expr_unary(struct expr_parser *p, uint64_t *out)
{
	uint64_t addr;

	if (*p->s == '*') {
		p->s++;
		expr_skip_space(p);
		if (expr_unary(p, &addr) < 0)
			return -1;
		if (p->env->load == NULL)
			return set_error(p->errp, "*0x%llx: cannot read memory",
			    (unsigned long long)addr);
		return p->env->load(p->env->arg, addr, out, p->errp);
	}
	if (*p->s == '&') {
		p->s++;
		expr_skip_space(p);
		/* A function's or object's address is the symbol's value. */
		if (*p->s == '\0' || isdigit((unsigned char)*p->s) ||
		    !expr_name_char(*p->s) || *p->s == '$' || *p->s == '[' ||
		    *p->s == '+' || *p->s == '-')
			return expr_syntax(p, "symbol expected after '&'");
		return expr_name(p, out);
	}
	return expr_primary(p, out);
}

/* NUMBER | $REGISTER | [REGION] | NAME | "(" expr ")". */
static int
expr_primary(struct expr_parser *p, uint64_t *out)
{
	const char *tok = p->s, *end;
	char *name;
	int rc;

	if (*tok == '(') {
		p->s++;
		expr_skip_space(p);
		if (expr_sum(p, out) < 0)
			return -1;
		if (*p->s != ')')
			return expr_syntax(p, "')' expected");
		p->s++;
		expr_skip_space(p);
		return 0;
	}
	if (isdigit((unsigned char)*tok))
		return expr_number(p, out);
	if (*tok == '$') {
		for (end = tok + 1; isalnum((unsigned char)*end) ||
		    *end == '_'; end++)
			;
		name = xstrndup(tok, (size_t)(end - tok));
		rc = p->env->reg != NULL ? p->env->reg(p->env->arg, name, out,
		    p->errp) : set_error(p->errp, "%s: no such register", name);
		free(name);
		p->s = end;
		expr_skip_space(p);
		return rc;
	}
	if (*tok == '[') {
		end = strchr(tok, ']');
		if (end == NULL)
			return set_error(p->errp, "%s: bad address", tok);
		name = xstrndup(tok, (size_t)(end + 1 - tok));
		rc = p->env->region != NULL ? p->env->region(p->env->arg, name,
		    out, p->errp) : 0;
		if (rc == 0)
			set_error(p->errp, "%s: no such region", name);
		free(name);
		p->s = end + 1;
		expr_skip_space(p);
		return rc > 0 ? 0 : -1;
	}
	if (*tok == '\0' || *tok == '+' || *tok == '-' || !expr_name_char(*tok))
		return expr_syntax(p, "operand expected");
	return expr_name(p, out);
}

/* A run of alphanumerics: 0x-hex or decimal. */
static int
expr_number(struct expr_parser *p, uint64_t *out)
{
	const char *end;

	for (end = p->s; isalnum((unsigned char)*end); end++)
		;
	if (expr_parse_number(p->s, (size_t)(end - p->s), out) < 0)
		return set_error(p->errp, "%.*s: bad address",
		    (int)(end - p->s), p->s);
	p->s = end;
	expr_skip_space(p);
	return 0;
}

/*
 * A symbol or region name. Names of mapped files hold '+' and '-'
 * (libstdc++.so.6, ld-linux-x86-64.so.2), so the whole run of name
 * characters is tried first, then each shorter prefix that ends before
 * a '+' or '-'.
 */
static int
expr_name(struct expr_parser *p, uint64_t *out)
{
	const char *s = p->s, *end, *first_op = NULL;
	char *tok;
	int rc;

	for (end = s; expr_name_char(*end) && *end != '$'; end++)
		if (first_op == NULL && end > s && (*end == '+' || *end == '-'))
			first_op = end;
	for (;;) {
		tok = xstrndup(s, (size_t)(end - s));
		rc = p->env->name != NULL ? p->env->name(p->env->arg, tok, out,
		    p->errp) : 0;
		free(tok);
		if (rc < 0)
			return -1;
		if (rc > 0) {
			p->s = end;
			expr_skip_space(p);
			return 0;
		}
		if (first_op == NULL || end == first_op)
			break;
		/* Back off to the previous operator. */
		do
			end--;
		while (end > first_op && *end != '+' && *end != '-');
	}
	return set_error(p->errp, "%.*s: no such symbol or region",
	    (int)(end - s), s);
}

/* "EXPR: what at column N", N counting from 1 at the error. */
static int
expr_syntax(struct expr_parser *p, const char *what)
{
	return set_error(p->errp, "%s: %s at column %d", p->start, what,
	    (int)(p->s - p->start) + 1);
}

static void
expr_skip_space(struct expr_parser *p)
{
	while (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' ||
	    *p->s == '\r')
		p->s++;
}

/* Whether c may be part of a NAME (operators '+' '-' included). */
static bool
expr_name_char(int c)
{
	return c != '\0' && strchr(" \t\r\n()*&[]", c) == NULL;
}

/* 0x-prefixed hex or decimal, exactly len characters. */
static int
expr_parse_number(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	unsigned base = 10;
	int d;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		len -= 2;
	}
	if (len == 0)
		return -1;
	for (; len > 0; s++, len--) {
		d = hex_digit((unsigned char)*s);
		if (d < 0 || (unsigned)d >= base ||
		    v > (UINT64_MAX - (uint64_t)d) / base)
			return -1;
		v = v * base + (uint64_t)d;
	}
	*out = v;
	return 0;
}
