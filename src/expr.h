/*
 * expr.h: address expressions, the ADDR of x, write, find, disas, sym and
 * the TUI's goto. A small recursive-descent evaluator over 64-bit unsigned
 * values that knows nothing of processes: names, registers and memory come
 * through the callbacks of struct expr_env (cmd.c binds them to the
 * process, the unit test to tables).
 *
 *	expr    := term { ("+" | "-") term }
 *	term    := unary { "*" unary }
 *	unary   := "*" unary | "&" NAME | primary
 *	primary := NUMBER | $REGISTER | [REGION] | NAME | "(" expr ")"
 *
 * NUMBER is 0x-hex or decimal; "*" before an operand is an 8-byte
 * little-endian load, between operands a product. A NAME may hold '+',
 * '-', '.' and '@' (libstdc++.so.6, malloc@libc.so.6): the longest
 * prefix up to an operator that the resolver knows wins.
 */
#ifndef PTI_EXPR_H
#define PTI_EXPR_H

#include <stddef.h>
#include <stdint.h>

struct expr_env {
	/*
	 * Looks up name (a symbol or region). 1 found (*out set), 0 not
	 * found, -1 with *errp for a failure that is not the name's.
	 */
	int (*name)(void *arg, const char *name, uint64_t *out, char **errp);
	/* "[heap]": 1, 0 or -1 as name. */
	int (*region)(void *arg, const char *name, uint64_t *out, char **errp);
	/* "$rsp" (with the $): 0, or -1 with *errp. */
	int (*reg)(void *arg, const char *name, uint64_t *out, char **errp);
	/* 8 bytes at addr, little-endian: 0, or -1 with *errp. */
	int (*load)(void *arg, uint64_t addr, uint64_t *out, char **errp);
	void *arg;
};

/*
 * Evaluates s. 0, or -1 with *errp naming the bad token, and for syntax
 * errors its column (1-based): "foo: no such symbol or region",
 * "$rsp+: operand expected at column 6", "0-1: address out of range".
 */
int expr_eval(const char *s, const struct expr_env *env, uint64_t *out,
    char **errp);

#endif
