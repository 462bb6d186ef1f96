/*
 * dwarf-value.h: typed values of the program's variables, from DWARF with
 * elfutils libdw: C-like expressions over globals, statics and one frame's
 * parameters and locals, printed as gdb prints them or as a typed JSON
 * tree, and typed writes to scalar variables. `print`, `locals`, `args`
 * and `set var` (cmd-print.c, cmd-set.c) are its users.
 *
 *	expr    := binary [ "?" expr ":" expr ]
 *	binary  := unary { BINOP unary }, by C's precedence, loosest first:
 *		   || ; && ; | ; ^ ; & ; == != ; < <= > >= ; << >> ;
 *		   + - ; * / %
 *	unary   := ("-" | "*" | "&" | "!" | "~") unary | "(" TYPE ")" unary
 *		 | "sizeof" "(" TYPE ")" | "sizeof" unary | postfix
 *	postfix := primary { "[" expr "]" | "." NAME | "->" NAME }
 *	primary := NUMBER | FLOAT | 'c' | NAME | $REGISTER | "(" expr ")"
 *	TYPE    := [struct|union|enum] NAME { "*" } | C base type { "*" }
 *
 * Comparisons, && || and ! give an int 0 or 1; the side of && || ?: not
 * taken, and sizeof's operand, are type-checked but not evaluated.
 * Integers follow C's usual arithmetic conversions (NUMBER takes u and l
 * suffixes); a float operand makes the operation float or double (FLOAT:
 * 1.5, .5, 1e3, 2.5f), and sizeof is an int, all as gdb's.
 *
 * The process comes in through struct dwv_env: its libdwfl session (the
 * symbol cache's, symbols.h), memory reads and writes (mem.h), symbols and
 * registers; the frame (struct sym_frame) when there is one selected.
 */
#ifndef PTI_DWARF_VALUE_H
#define PTI_DWARF_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct Dwfl;
struct sym_frame;
struct dwv_value;

struct dwv_env {
	struct Dwfl *dwfl;
	/* The selected frame, or NULL: only globals and statics then. */
	const struct sym_frame *frame;
	/* Tracee memory: bytes read at addr (short, or -1 on failure). */
	long (*read)(void *arg, uint64_t addr, void *buf, size_t len);
	/* Writes all of buf at addr: 0, or -1 with *errp. */
	int (*write)(void *arg, uint64_t addr, const void *buf, size_t len,
	    char **errp);
	/* "name+0x10" of a data or code symbol holding addr, as gdb's <>. */
	bool (*symbolize)(void *arg, uint64_t addr, char *buf, size_t len);
	/* An ELF symbol's address (for names without debug information). */
	bool (*symbol)(void *arg, const char *name, uint64_t *addr);
	/* "$rsp" (with the $): 0, or -1 with *errp. */
	int (*reg)(void *arg, const char *name, uint64_t *out, char **errp);
	void *arg;
	/*
	 * Where the index of global names lives between evaluations (NULL
	 * at first); free it with dwv_index_free when dwfl's modules change.
	 */
	void **index;
};

void dwv_index_free(void *index);

/*
 * Evaluates expr. The value, or NULL with *errp naming the bad token
 * ("frob: no symbol in the current context", "x.y: x is not a struct or
 * union", "*p: cannot access memory at address 0x0").
 */
struct dwv_value *dwv_eval(const struct dwv_env *env, const char *expr,
    char **errp);
void dwv_free(struct dwv_value *v);

/*
 * v as gdb's print shows it after "$1 = ": "{name = 0x55... \"earth\",
 * next = 0x0}", "(struct node *) 0x5555...", "<optimized out>". top: a
 * pointer gets its type in parentheses (print does it, info locals not).
 */
void dwv_write_text(const struct dwv_env *env, struct dwv_value *v,
    FILE *f, bool top);

/*
 * v as a typed JSON tree: {"type":"struct node","kind":"struct",
 * "fields":[{"name":"name","type":"char *","kind":"pointer",
 * "value":"0x...","string":"earth"},...]}. Kinds: int, uint, char, bool,
 * float, enum, pointer, struct, union, array, function, void,
 * optimized_out; see the man page.
 */
void dwv_write_json(const struct dwv_env *env, struct dwv_value *v,
    FILE *f);

/* v's type as C writes it ("struct node *", "int [4]"); free it. */
char *dwv_type_name(const struct dwv_value *v);

/*
 * Calls fn for each parameter (args) or local variable (!args) of the
 * selected frame, innermost block first for locals. The number of
 * variables, or -1 with *errp (no frame, no debug information at pc).
 */
int dwv_frame_vars(const struct dwv_env *env, bool args,
    void (*fn)(void *arg, const char *name, struct dwv_value *v),
    void *arg, char **errp);

/*
 * expr's value as an address or integer (an array: its address). 0, or
 * -1 with *errp.
 */
int dwv_eval_u64(const struct dwv_env *env, const char *expr, uint64_t *out,
    char **errp);

/*
 * The selected frame's arguments as gdb's bt shows them, "x=7, s=0x4020
 * \"hi\", pt=...", into buf (cut at len). false when the frame's pc has
 * no debug information.
 */
bool dwv_frame_args_text(const struct dwv_env *env, char *buf, size_t len);

/*
 * `set var LHS = RHS`: evaluates both, and writes RHS converted to LHS's
 * scalar type (integer, enum, bool, char, pointer, float, bit field)
 * into LHS's memory. 0, or -1 with *errp.
 */
int dwv_assign(const struct dwv_env *env, const char *lhs, const char *rhs,
    char **errp);

#endif
