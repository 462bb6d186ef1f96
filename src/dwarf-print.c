/*
 * dwarf-print.c: values of dwarf-value.h as gdb prints them with its
 * default settings (`print elements` 200, more than 10 equal elements
 * folded into <repeats N times>, the NUL ending a char array dropped,
 * pointers to a symbol with <name+off>, a top-level pointer with its type
 * in parentheses), and the typed JSON tree. Type names are
 * dwarf-names.c's; member values come through dwv_member (dwarf-value.c).
 */
#include "config.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dwarf.h>
#include <elfutils/libdw.h>

#include "dwarf-value-int.h"
#include "json.h"
#include "util.h"

#define DWV_PRINT_MAX 200	/* gdb's `print elements` */
#define DWV_REPEATS 10		/* gdb's `print repeats` */

static void dwv_write(const struct dwv_env *env, struct dwv_value *v,
    FILE *f, bool json, bool top, int depth);
static void dwv_write_scalar(const struct dwv_env *env, struct dwv_value *v,
    enum dwv_class c, Dwarf_Die *peeled, FILE *f, bool json, bool top);
static void dwv_write_fields(const struct dwv_env *env, struct dwv_value *v,
    Dwarf_Die *peeled, FILE *f, bool json, int depth);
static void dwv_write_array(const struct dwv_env *env, struct dwv_value *v,
    FILE *f, bool json, int depth);
static bool dwv_char_type(const struct dwv_type *t);
static void dwv_write_float(uint64_t u, uint64_t size, FILE *f,
    bool json);
static void dwv_write_chars(const uint8_t *s, size_t n, bool more, FILE *f);
static void dwv_write_char(int c, int quote, FILE *f);
static void dwv_write_string_at(const struct dwv_env *env, uint64_t addr,
    FILE *f, bool json);
static void dwv_json_head(struct dwv_value *v, const char *kind, FILE *f);
static void dwv_args_text_var(void *arg, const char *name,
    struct dwv_value *v);

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
		dwv_write_float(u, size, f, json);
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

/*
 * A float (size 4) or double as gdb prints it: 9 or 17 significant
 * digits, inf, and a NaN with its mantissa, "-nan(0x8000000000000)"; in
 * JSON a number, or a string for what JSON has no number for.
 */
static void
dwv_write_float(uint64_t u, uint64_t size, FILE *f, bool json)
{
	unsigned mbits = size == 4 ? 23 : 52;
	uint64_t mant = u & (((uint64_t)1 << mbits) - 1);
	bool neg = (u >> (size * 8 - 1) & 1) != 0;
	uint32_t w = (uint32_t)u;
	double d;
	float fl;

	if (size == 4) {
		memcpy(&fl, &w, 4);
		d = fl;
	} else {
		memcpy(&d, &u, 8);
	}
	if (isnan(d))
		fprintf(f, "%s%snan(0x%" PRIx64 ")%s", json ? "\"" : "",
		    neg ? "-" : "", mant, json ? "\"" : "");
	else if (isinf(d))
		fprintf(f, json ? "\"%sinf\"" : "%sinf", neg ? "-" : "");
	else
		fprintf(f, size == 4 ? "%.9g" : "%.17g", d);
}

static void
dwv_write_fields(const struct dwv_env *env, struct dwv_value *v,
    Dwarf_Die *peeled, FILE *f, bool json, int depth)
{
	struct dwv_parser ps = { env, "", "", NULL, 0 };
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
	if (dwv_char_type(&elem) && esize == 1) {
		n = count > DWV_PRINT_MAX * 4 ? DWV_PRINT_MAX * 4 : count;
		buf = xmalloc(n + 1);
		if (dwv_fetch(env, v, 0, buf, n, &err) < 0) {
			if (!json)
				fprintf(f, "<error: %s>", err);
			free(err);
		} else if (json) {
			/* The C string, then the elements. */
			buf[n] = '\0';
			fputs(",\"string\":", f);
			json_str(f, (char *)buf);
		} else {
			/* gdb drops the NUL that ends the array. */
			if (n == count && n > 0 && buf[n - 1] == '\0')
				n--;
			dwv_write_chars(buf, n, count > 0 && n < count - 1, f);
		}
		free(buf);
		if (!json)
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
	if (json)
		fputs(i < count ? "],\"truncated\":true" : "]", f);
	else
		fputs(i < count ? "...}" : "}", f);
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

struct dwv_args_text {
	const struct dwv_env *env;
	char *buf;
	size_t len, used;
};

/*
 * "name=value" after the others; "..." for a non-scalar, as gdb's bt.
 * A scalar whose value on entry is known too (an entry value) is
 * "name=name@entry=value" when both are the same, else
 * "name=value, name@entry=value", as gdb's print entry-values default.
 */
static void
dwv_args_text_var(void *arg, const char *name, struct dwv_value *v)
{
	struct dwv_args_text *q = arg;
	enum dwv_class c = dwv_class(&v->type, NULL);
	struct dwv_value *ev = NULL;
	uint64_t size = dwv_size(&v->type), entry, now = 0;
	char *text = NULL;
	size_t n = 0;
	bool same = false;
	FILE *f;

	if ((f = open_memstream(&text, &n)) == NULL)
		fatal("open_memstream");
	fprintf(f, "%s%s=", q->used > 0 ? ", " : "", name);
	if (c != DWV_STRUCT && c != DWV_UNION && c != DWV_ARRAY &&
	    c != DWV_VOID && size > 0 && size <= 8 && v->bit_size == 0 &&
	    dwv_param_entry(q->env, name, &entry)) {
		ev = dwv_int_value(&v->type, entry);
		if (v->place != DWV_OPTIMIZED &&
		    dwv_fetch(q->env, v, 0, &now, size, NULL) == 0 &&
		    memcmp(&now, &entry, size) == 0) {
			fprintf(f, "%s@entry=", name);
			same = true;
		}
	}
	if (same)
		dwv_write_text(q->env, ev, f, false);
	else if (v->place != DWV_OPTIMIZED && (c == DWV_STRUCT ||
	    c == DWV_UNION || c == DWV_ARRAY || c == DWV_VOID))
		fputs("...", f);
	else
		dwv_write_text(q->env, v, f, false);
	if (ev != NULL && !same) {
		fprintf(f, ", %s@entry=", name);
		dwv_write_text(q->env, ev, f, false);
	}
	if (ev != NULL)
		dwv_free(ev);
	fclose(f);
	if (q->used + n < q->len) {
		memcpy(q->buf + q->used, text, n + 1);
		q->used += n;
	}
	free(text);
}

bool
dwv_frame_args_text(const struct dwv_env *env, char *buf, size_t len)
{
	struct dwv_args_text q = { env, buf, len, 0 };

	if (len == 0)
		return false;
	buf[0] = '\0';
	return dwv_frame_vars(env, true, dwv_args_text_var, &q, NULL) >= 0;
}
