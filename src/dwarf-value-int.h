/*
 * dwarf-value-int.h: what the three files of dwarf-value.h share and
 * nobody else: values and types (struct dwv_value, struct dwv_type), the
 * parser state, and the helpers each file lends the others.
 *
 *	dwarf-value.c	the C expression parser, names and members,
 *			set var, locals and args
 *	dwarf-ops.c	operators: conversions, arithmetic, comparisons,
 *			casts, truth
 *	dwarf-types.c	types, the name index, DWARF locations, reading a
 *			value's bytes
 *	dwarf-print.c	values as gdb prints them, the JSON tree
 *	dwarf-names.c	type names
 *
 * Calls point one way: print -> value -> ops -> types, and print and
 * value -> names -> types.
 */
#ifndef PTI_DWARF_VALUE_INT_H
#define PTI_DWARF_VALUE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <elfutils/libdw.h>

#include "dwarf-value.h"
#include "util.h"

#define DWV_MAX_DEPTH 32	/* nesting of expressions and printed values */

enum dwv_class {
	DWV_VOID, DWV_INT, DWV_FLOAT, DWV_BOOL, DWV_CHAR, DWV_ENUM, DWV_PTR,
	DWV_STRUCT, DWV_UNION, DWV_ARRAY, DWV_FUNC,
};

struct dwv_type {
	Dwarf_Die die;
	bool has_die;
	unsigned ptrs;		/* pointers added on top of die */
	unsigned dim;		/* array dimensions already indexed */
	/* Synthetic base type (when !has_die): size 0 is void. */
	unsigned size;
	int enc;		/* DW_ATE_signed, _unsigned, _float, ... */
	const char *name;
	bool is_const;		/* (const char *)... */
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
	/* > 0: parsing an operand C does not evaluate (dwarf-ops.c). */
	int skip;
};

/* Binary operators of two characters (one-character ones are theirs). */
enum dwv_op {
	DWV_OP_EQ = 256, DWV_OP_NE, DWV_OP_LE, DWV_OP_GE, DWV_OP_SHL,
	DWV_OP_SHR, DWV_OP_AND, DWV_OP_OR,
};

/* dwarf-ops.c: the first error of a parse is kept; returns -1. */
int dwv_fail(struct dwv_parser *ps, const char *fmt, ...) PTI_PRINTF(2, 3);
/* dwv_scalar, or 0 without reading while ps->skip. */
int dwv_operand(struct dwv_parser *ps, const struct dwv_value *v,
    uint64_t *u, char **errp);
const char *dwv_op_name(int op);
/*
 * a op b (arithmetic, comparison, bitwise, shift; not && ||), -v, ~v, !v,
 * (t)v: the result, or NULL with ps->err; they free their operands.
 */
struct dwv_value *dwv_binary(struct dwv_parser *ps, int op,
    struct dwv_value *a, struct dwv_value *b);
struct dwv_value *dwv_unary(struct dwv_parser *ps, char op,
    struct dwv_value *v, const char *at);
struct dwv_value *dwv_cast(struct dwv_parser *ps, const struct dwv_type *t,
    struct dwv_value *v, const char *at);
/* v as a condition (a number or pointer): 0 with *out, or -1. */
int dwv_truth(struct dwv_parser *ps, struct dwv_value *v, bool *out);
/* An int 1 or 0, as C's comparisons and ! give. */
struct dwv_value *dwv_bool_value(bool b);

struct dwv_value *dwv_new(void);
struct dwv_value *dwv_member(struct dwv_parser *ps,
    struct dwv_value *v, const char *name);
struct dwv_value *dwv_int_value(const struct dwv_type *t,
    uint64_t u);
int dwv_scalar(const struct dwv_env *env, const struct dwv_value *v,
    uint64_t *u, char **errp);
int dwv_fetch(const struct dwv_env *env, const struct dwv_value *v,
    uint64_t off, void *buf, size_t len, char **errp);
bool dwv_is_signed(const struct dwv_type *t);
bool dwv_find_var(const struct dwv_env *env, const char *name,
    Dwarf_Die *var, Dwarf_Die *fn, bool *have_fn, Dwarf_Addr *bias);
bool dwv_find_type(const struct dwv_env *env, const char *name,
    int tag, Dwarf_Die *out);
int dwv_locate(const struct dwv_env *env, Dwarf_Die *var,
    Dwarf_Die *fn, bool have_fn, Dwarf_Addr bias, struct dwv_value *v,
    char **errp);
void dwv_type_of(Dwarf_Die *die, struct dwv_type *t);
enum dwv_class dwv_class(const struct dwv_type *t, Dwarf_Die *peeled);
uint64_t dwv_size(const struct dwv_type *t);
void dwv_target(const struct dwv_type *t, struct dwv_type *out);
bool dwv_array_dims(const struct dwv_type *t, uint64_t *count,
    struct dwv_type *elem);
int dwv_attr_int(Dwarf_Die *die, unsigned name, Dwarf_Word *out);
const char *dwv_die_name(Dwarf_Die *die);
struct dwv_value *dwv_sub(const struct dwv_value *v,
    const struct dwv_type *t, uint64_t bit_pos, unsigned bit_size);

/* The selected frame's scopes, innermost first (dwarf-types.c). */
int dwv_frame_scopes(const struct dwv_env *env, Dwarf_Die **scopes,
    Dwarf_Addr *bias);

/*
 * Entry values (dwarf-types.c): register regno's value on entry to the
 * selected frame's function, through its caller's call site (1 with *out,
 * 0 unknown, -1 with *errp); a parameter's, when it came in a register.
 */
int dwv_reg_entry(const struct dwv_env *env, uint64_t regno, uint64_t *out,
    char **errp);
bool dwv_param_entry(const struct dwv_env *env, const char *name,
    uint64_t *out);

/* false when no module has DWARF (known after a lookup missed). */
bool dwv_have_debug_info(const struct dwv_env *env);

#endif
