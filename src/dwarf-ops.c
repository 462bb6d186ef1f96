/*
 * dwarf-ops.c: the operators of print's C expressions (dwarf-value.h) on
 * values the parser (dwarf-value.c) has made: C's usual arithmetic
 * conversions, integer and floating-point arithmetic, comparisons,
 * bitwise operators and shifts, pointer arithmetic, unary - ! ~, casts,
 * and a value's truth for && || ?:. Results are as gdb's: comparisons and
 * ! give an int 0 or 1, float with int stays float, shifts by a negative
 * count or by the width or more give 0 (a negative number shifted right,
 * -1). Calls only dwarf-types.c; the parser's error record (dwv_fail) is
 * here so both files record errors the same way.
 *
 * While ps->skip is set (sizeof's operand, the side of && || ?: that is
 * not taken) operands are not read: they count as 0, so only types are
 * checked, as C does not evaluate them.
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <dwarf.h>

#include "dwarf-value-int.h"
#include "util.h"

static const struct dwv_type dwv_int_type = { .size = 4,
    .enc = DW_ATE_signed, .name = "int" };

static bool dwv_is_number(enum dwv_class c);
static struct dwv_type dwv_common_int(const struct dwv_type *a,
    const struct dwv_type *b);
static uint64_t dwv_convert(const struct dwv_type *t, uint64_t u);
static double dwv_double_of(const struct dwv_type *t, uint64_t u);
static uint64_t dwv_bits_of(const struct dwv_type *t, double d);
static uint64_t dwv_int_of_double(double d);
static struct dwv_value *dwv_decay(struct dwv_value *v);
static struct dwv_value *dwv_float_binary(struct dwv_parser *ps, int op,
    const struct dwv_value *a, const struct dwv_value *b);
static struct dwv_value *dwv_int_binary(struct dwv_parser *ps, int op,
    const struct dwv_value *a, const struct dwv_value *b);
static struct dwv_value *dwv_ptr_binary(struct dwv_parser *ps, int op,
    const struct dwv_value *a, const struct dwv_value *b);
static struct dwv_value *dwv_shift(int op, const struct dwv_type *t,
    uint64_t x, uint64_t y, bool y_signed);
static bool dwv_is_compare(int op);
static int dwv_compare(int op, int sign);

int
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

int
dwv_operand(struct dwv_parser *ps, const struct dwv_value *v, uint64_t *u,
    char **errp)
{
	if (ps->skip > 0) {
		*u = 0;
		return 0;
	}
	return dwv_scalar(ps->env, v, u, errp);
}

const char *
dwv_op_name(int op)
{
	static char one[2];

	switch (op) {
	case DWV_OP_EQ:
		return "==";
	case DWV_OP_NE:
		return "!=";
	case DWV_OP_LE:
		return "<=";
	case DWV_OP_GE:
		return ">=";
	case DWV_OP_SHL:
		return "<<";
	case DWV_OP_SHR:
		return ">>";
	case DWV_OP_AND:
		return "&&";
	case DWV_OP_OR:
		return "||";
	default:
		one[0] = (char)op;
		return one;
	}
}

/* Integers, characters, booleans, enums and floats: what C calls numbers. */
static bool
dwv_is_number(enum dwv_class c)
{
	return c == DWV_INT || c == DWV_FLOAT || c == DWV_BOOL ||
	    c == DWV_CHAR || c == DWV_ENUM;
}

/*
 * The type C's usual arithmetic conversions give two integer operands:
 * int, unsigned int, long or unsigned long (narrower ones promoted).
 */
static struct dwv_type
dwv_common_int(const struct dwv_type *a, const struct dwv_type *b)
{
	struct dwv_type t = dwv_int_type;

	if (dwv_size(a) == 8 || (b != NULL && dwv_size(b) == 8))
		t = (struct dwv_type){ .size = 8, .enc = DW_ATE_signed,
		    .name = "long" };
	if ((dwv_size(a) >= t.size && !dwv_is_signed(a)) || (b != NULL &&
	    dwv_size(b) >= t.size && !dwv_is_signed(b))) {
		t.enc = DW_ATE_unsigned;
		t.name = t.size == 8 ? "unsigned long" : "unsigned int";
	}
	return t;
}

/* u (as dwv_scalar read it) converted to the integer type t. */
static uint64_t
dwv_convert(const struct dwv_type *t, uint64_t u)
{
	if (dwv_size(t) >= 8)
		return u;
	return dwv_is_signed(t) ? (uint64_t)(int64_t)(int32_t)u :
	    (uint32_t)u;
}

/* The number of type t whose scalar is u, as a double. */
static double
dwv_double_of(const struct dwv_type *t, uint64_t u)
{
	double d;
	float fl;
	uint32_t w = (uint32_t)u;

	if (dwv_class(t, NULL) != DWV_FLOAT)
		return dwv_is_signed(t) ? (double)(int64_t)u : (double)u;
	if (dwv_size(t) == 4) {
		memcpy(&fl, &w, 4);
		return fl;
	}
	memcpy(&d, &u, 8);
	return d;
}

/* d as the bits of float type t (4 or 8 bytes). */
static uint64_t
dwv_bits_of(const struct dwv_type *t, double d)
{
	uint64_t u = 0;
	float fl = (float)d;

	if (dwv_size(t) == 4)
		memcpy(&u, &fl, 4);
	else
		memcpy(&u, &d, 8);
	return u;
}

/*
 * d truncated to a long, as gdb converts it before narrowing: what no
 * long holds saturates, NaN to the largest.
 */
static uint64_t
dwv_int_of_double(double d)
{
	if (isnan(d) || d >= 9223372036854775808.0)
		return (uint64_t)INT64_MAX;
	if (d < -9223372036854775808.0)
		return (uint64_t)INT64_MIN;
	return (uint64_t)(int64_t)d;
}

/* An array in memory as a pointer to its first element; v otherwise. */
static struct dwv_value *
dwv_decay(struct dwv_value *v)
{
	struct dwv_type t;
	struct dwv_value *r;

	if (dwv_class(&v->type, NULL) != DWV_ARRAY || v->place != DWV_MEM)
		return v;
	dwv_array_dims(&v->type, NULL, &t);
	t.ptrs++;
	r = dwv_int_value(&t, v->addr);
	dwv_free(v);
	return r;
}

int
dwv_truth(struct dwv_parser *ps, struct dwv_value *v, bool *out)
{
	enum dwv_class c = dwv_class(&v->type, NULL);
	uint64_t u;
	char *err = NULL;

	if (c == DWV_ARRAY && v->place == DWV_MEM) {
		*out = true;
		return 0;
	}
	if (c == DWV_VOID && ps->skip > 0) {
		*out = false;	/* *(void *) not taken: gdb lets it by */
		return 0;
	}
	if (!dwv_is_number(c) && c != DWV_PTR)
		return dwv_fail(ps, "%s: a condition must be a number or a "
		    "pointer", ps->s);
	if (dwv_operand(ps, v, &u, &err) < 0) {
		dwv_fail(ps, "%s: %s", ps->s, err);
		free(err);
		return -1;
	}
	*out = c == DWV_FLOAT ? dwv_double_of(&v->type, u) != 0 : u != 0;
	return 0;
}

struct dwv_value *
dwv_bool_value(bool b)
{
	return dwv_int_value(&dwv_int_type, b ? 1 : 0);
}

struct dwv_value *
dwv_binary(struct dwv_parser *ps, int op, struct dwv_value *a,
    struct dwv_value *b)
{
	enum dwv_class ca, cb;
	struct dwv_value *r = NULL;

	a = dwv_decay(a);
	b = dwv_decay(b);
	ca = dwv_class(&a->type, NULL);
	cb = dwv_class(&b->type, NULL);
	if ((!dwv_is_number(ca) && ca != DWV_PTR) ||
	    (!dwv_is_number(cb) && cb != DWV_PTR))
		dwv_fail(ps, "%s: operands of '%s' must be numbers or "
		    "pointers", ps->s, dwv_op_name(op));
	else if (ca == DWV_PTR || cb == DWV_PTR)
		r = dwv_ptr_binary(ps, op, a, b);
	else if (ca == DWV_FLOAT || cb == DWV_FLOAT)
		r = dwv_float_binary(ps, op, a, b);
	else
		r = dwv_int_binary(ps, op, a, b);
	dwv_free(a);
	dwv_free(b);
	return r;
}

static bool
dwv_is_compare(int op)
{
	return op == '<' || op == '>' || op == DWV_OP_LE || op == DWV_OP_GE ||
	    op == DWV_OP_EQ || op == DWV_OP_NE;
}

/* op's truth from sign, the sign of left - right (-1, 0, 1). */
static int
dwv_compare(int op, int sign)
{
	switch (op) {
	case '<':
		return sign < 0;
	case '>':
		return sign > 0;
	case DWV_OP_LE:
		return sign <= 0;
	case DWV_OP_GE:
		return sign >= 0;
	case DWV_OP_EQ:
		return sign == 0;
	default:
		return sign != 0;
	}
}

/* Either operand a float: the wider float type, computed in double. */
static struct dwv_value *
dwv_float_binary(struct dwv_parser *ps, int op, const struct dwv_value *a,
    const struct dwv_value *b)
{
	const struct dwv_type *t;
	uint64_t x, y;
	double dx, dy, d;
	char *err = NULL;

	if (dwv_operand(ps, a, &x, &err) < 0 ||
	    dwv_operand(ps, b, &y, &err) < 0) {
		dwv_fail(ps, "%s: %s", ps->s, err);
		free(err);
		return NULL;
	}
	dx = dwv_double_of(&a->type, x);
	dy = dwv_double_of(&b->type, y);
	if (dwv_is_compare(op) && (isnan(dx) || isnan(dy)))
		return dwv_bool_value(op == DWV_OP_NE);	/* unordered */
	if (dwv_is_compare(op))
		return dwv_bool_value(dwv_compare(op, dx < dy ? -1 :
		    dx > dy ? 1 : 0));
	switch (op) {
	case '+':
		d = dx + dy;
		break;
	case '-':
		d = dx - dy;
		break;
	case '*':
		d = dx * dy;
		break;
	case '/':
		d = dx / dy;
		break;
	default:
		dwv_fail(ps, "%s: operands of '%s' must be integers", ps->s,
		    dwv_op_name(op));
		return NULL;
	}
	if (dwv_class(&b->type, NULL) == DWV_FLOAT &&
	    (dwv_class(&a->type, NULL) != DWV_FLOAT ||
	    dwv_size(&b->type) > dwv_size(&a->type)))
		t = &b->type;
	else
		t = &a->type;
	if (dwv_size(t) != 4 && dwv_size(t) != 8) {
		dwv_fail(ps, "%s: %" PRIu64 "-byte floats are not supported",
		    ps->s, dwv_size(t));
		return NULL;
	}
	return dwv_int_value(t, dwv_bits_of(t, d));
}

static struct dwv_value *
dwv_int_binary(struct dwv_parser *ps, int op, const struct dwv_value *a,
    const struct dwv_value *b)
{
	struct dwv_type t = dwv_common_int(&a->type, &b->type);
	uint64_t x, y;
	char *err = NULL;
	bool sign = dwv_is_signed(&t);

	if (dwv_operand(ps, a, &x, &err) < 0 ||
	    dwv_operand(ps, b, &y, &err) < 0) {
		dwv_fail(ps, "%s: %s", ps->s, err);
		free(err);
		return NULL;
	}
	if (op == DWV_OP_SHL || op == DWV_OP_SHR)
		return dwv_shift(op, &a->type, x, y, dwv_is_signed(&b->type));
	x = dwv_convert(&t, x);
	y = dwv_convert(&t, y);
	if (dwv_is_compare(op))
		return dwv_bool_value(dwv_compare(op, x == y ? 0 : (sign ?
		    (int64_t)x < (int64_t)y : x < y) ? -1 : 1));
	if ((op == '/' || op == '%') && y == 0) {
		if (ps->skip > 0)
			return dwv_int_value(&t, 0);
		dwv_fail(ps, "%s: division by zero", ps->s);
		return NULL;
	}
	switch (op) {
	case '/':
	case '%':
		if (sign && (int64_t)y == -1)
			x = op == '/' ? (uint64_t)0 - x : 0;
		else if (op == '/')
			x = sign ? (uint64_t)((int64_t)x / (int64_t)y) : x / y;
		else
			x = sign ? (uint64_t)((int64_t)x % (int64_t)y) : x % y;
		break;
	case '*':
		x *= y;
		break;
	case '+':
		x += y;
		break;
	case '-':
		x -= y;
		break;
	case '&':
		x &= y;
		break;
	case '|':
		x |= y;
		break;
	case '^':
		x ^= y;
		break;
	default:
		dwv_fail(ps, "%s: '%s' is not an arithmetic operator", ps->s,
		    dwv_op_name(op));
		return NULL;
	}
	return dwv_int_value(&t, x);
}

/*
 * x << y or x >> y in the promoted type of the left operand (the right
 * one only counts); a count out of range gives what gdb's does.
 */
static struct dwv_value *
dwv_shift(int op, const struct dwv_type *lt, uint64_t x, uint64_t y,
    bool y_signed)
{
	struct dwv_type t = dwv_common_int(lt, NULL);
	unsigned width = (unsigned)dwv_size(&t) * 8;
	bool sign = dwv_is_signed(&t);

	x = dwv_convert(&t, x);
	if (y_signed && (int64_t)y < 0)
		x = 0;
	else if (y >= width)
		x = op == DWV_OP_SHR && sign && (int64_t)x < 0 ?
		    ~(uint64_t)0 : 0;
	else if (op == DWV_OP_SHL)
		x <<= y;
	else
		x = sign ? (uint64_t)((int64_t)x >> y) : x >> y;
	return dwv_int_value(&t, x);
}

/* Pointer +/- integer, pointer - pointer, and comparisons of pointers. */
static struct dwv_value *
dwv_ptr_binary(struct dwv_parser *ps, int op, const struct dwv_value *a,
    const struct dwv_value *b)
{
	struct dwv_type target, lt = { .size = 8, .enc = DW_ATE_signed,
	    .name = "long" };
	enum dwv_class ca = dwv_class(&a->type, NULL);
	enum dwv_class cb = dwv_class(&b->type, NULL);
	uint64_t x, y, scale;
	char *err = NULL;

	if (ca == DWV_FLOAT || cb == DWV_FLOAT) {
		dwv_fail(ps, "%s: operands of '%s' must be integers or "
		    "pointers", ps->s, dwv_op_name(op));
		return NULL;
	}
	if (dwv_operand(ps, a, &x, &err) < 0 ||
	    dwv_operand(ps, b, &y, &err) < 0) {
		dwv_fail(ps, "%s: %s", ps->s, err);
		free(err);
		return NULL;
	}
	if (dwv_is_compare(op))
		return dwv_bool_value(dwv_compare(op, x == y ? 0 : x < y ? -1 :
		    1));
	if (op != '+' && op != '-') {
		dwv_fail(ps, "%s: '%s' of a pointer", ps->s, dwv_op_name(op));
		return NULL;
	}
	if (ca == DWV_PTR && cb == DWV_PTR && op == '+') {
		dwv_fail(ps, "%s: pointer + pointer", ps->s);
		return NULL;
	}
	if (ca != DWV_PTR && op == '-') {
		dwv_fail(ps, "%s: integer - pointer", ps->s);
		return NULL;
	}
	dwv_target(ca == DWV_PTR ? &a->type : &b->type, &target);
	scale = dwv_size(&target);
	if (scale == 0)
		scale = 1;	/* void *: gdb counts bytes */
	if (ca == DWV_PTR && cb == DWV_PTR)
		return dwv_int_value(&lt, (uint64_t)((int64_t)(x - y) /
		    (int64_t)scale));
	if (ca == DWV_PTR)
		return dwv_int_value(&a->type, op == '+' ? x + y * scale :
		    x - y * scale);
	return dwv_int_value(&b->type, y + x * scale);
}

struct dwv_value *
dwv_unary(struct dwv_parser *ps, char op, struct dwv_value *v,
    const char *at)
{
	enum dwv_class c;
	struct dwv_type t;
	struct dwv_value *r = NULL;
	uint64_t u;
	double d;
	char *err = NULL;
	int len = (int)(ps->p - at);
	bool b;

	if (op == '!') {
		if (dwv_truth(ps, v, &b) == 0)
			r = dwv_bool_value(!b);
		dwv_free(v);
		return r;
	}
	c = dwv_class(&v->type, NULL);
	if (!dwv_is_number(c) || (op == '~' && c == DWV_FLOAT)) {
		dwv_fail(ps, "%.*s: the operand of '%c' must be %s", len, at,
		    op, op == '~' ? "an integer" : "a number");
	} else if (dwv_operand(ps, v, &u, &err) < 0) {
		dwv_fail(ps, "%.*s: %s", len, at, err);
		free(err);
	} else if (c == DWV_FLOAT) {
		/* gdb's 0 - x: -(0.0) is 0 */
		d = 0 - dwv_double_of(&v->type, u);
		r = dwv_int_value(&v->type, dwv_bits_of(&v->type, d));
	} else {
		t = dwv_common_int(&v->type, NULL);
		u = dwv_convert(&t, u);
		r = dwv_int_value(&t, op == '-' ? (uint64_t)0 - u : ~u);
	}
	dwv_free(v);
	return r;
}

struct dwv_value *
dwv_cast(struct dwv_parser *ps, const struct dwv_type *t,
    struct dwv_value *v, const char *at)
{
	enum dwv_class to = dwv_class(t, NULL), from;
	struct dwv_value *r = NULL;
	uint64_t u;
	double d;
	char *err = NULL;
	int len = (int)(ps->p - at);

	v = dwv_decay(v);
	from = dwv_class(&v->type, NULL);
	if ((!dwv_is_number(to) && to != DWV_PTR) ||
	    (!dwv_is_number(from) && from != DWV_PTR) ||
	    (to == DWV_FLOAT && from == DWV_PTR) ||
	    (to == DWV_PTR && from == DWV_FLOAT)) {
		dwv_fail(ps, "%.*s: invalid cast", len, at);
	} else if (dwv_operand(ps, v, &u, &err) < 0) {
		dwv_fail(ps, "%.*s: %s", len, at, err);
		free(err);
	} else if (to == DWV_FLOAT && dwv_size(t) != 4 && dwv_size(t) != 8) {
		dwv_fail(ps, "%.*s: %" PRIu64 "-byte floats are not "
		    "supported", len, at, dwv_size(t));
	} else {
		d = dwv_double_of(&v->type, u);
		if (to == DWV_FLOAT)
			u = dwv_bits_of(t, d);
		else if (to == DWV_BOOL)
			u = (from == DWV_FLOAT ? dwv_int_of_double(d) : u) != 0;
		else if (from == DWV_FLOAT)
			u = dwv_int_of_double(d);
		r = dwv_int_value(t, u);
	}
	dwv_free(v);
	return r;
}
