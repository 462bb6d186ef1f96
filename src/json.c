/*
 * json.c: the object writer of the command language (struct json: nesting
 * and punctuation) and the string, address and hex value writers under it.
 *
 * Strings come from the tracee's world (file names, thread names) and may
 * hold any byte. Output is always valid JSON in UTF-8: control characters
 * become \u00XX (or their short escapes), valid UTF-8 sequences pass through
 * unchanged, and every byte that is not part of one becomes \ufffd.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "util.h"

static void json_key(struct json *j, const char *key);
static size_t json_utf8_len(const unsigned char *s);

void
json_begin(struct json *j, FILE *f, const char *cmd)
{
	j->f = f;
	j->depth = 0;
	json_open(j, NULL, '{');
	if (cmd != NULL)
		json_put_str(j, "cmd", cmd);
}

void
json_end(struct json *j)
{
	while (j->depth > 0)
		json_close(j);
	putc('\n', j->f);
}

void
json_open(struct json *j, const char *key, char bracket)
{
	if (j->depth == JSON_DEPTH)
		fatalx("json: nested deeper than %d", JSON_DEPTH);
	if (j->depth > 0)
		json_key(j, key);
	putc(bracket, j->f);
	j->close[j->depth] = bracket == '{' ? '}' : ']';
	j->more[j->depth] = false;
	j->depth++;
}

void
json_close(struct json *j)
{
	if (j->depth == 0)
		fatalx("json: close without open");
	j->depth--;
	putc(j->close[j->depth], j->f);
}

void
json_put_str(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_str(j->f, s);
}

void
json_put_int(struct json *j, const char *key, long long v)
{
	json_key(j, key);
	fprintf(j->f, "%lld", v);
}

void
json_put_uint(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	fprintf(j->f, "%" PRIu64, v);
}

void
json_put_bool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	fputs(v ? "true" : "false", j->f);
}

void
json_put_null(struct json *j, const char *key)
{
	json_key(j, key);
	fputs("null", j->f);
}

void
json_put_addr(struct json *j, const char *key, uint64_t addr)
{
	json_key(j, key);
	json_addr(j->f, addr);
}

void
json_put_hex(struct json *j, const char *key, const void *buf, size_t len)
{
	json_key(j, key);
	json_hex(j->f, buf, len);
}

/*
 * What comes before a value in the innermost open object or list: a comma
 * after its first member, and "key": in an object.
 */
static void
json_key(struct json *j, const char *key)
{
	if (j->depth == 0)
		fatalx("json: value outside an object");
	if (j->more[j->depth - 1])
		putc(',', j->f);
	j->more[j->depth - 1] = true;
	if (key != NULL) {
		json_str(j->f, key);
		putc(':', j->f);
	}
}

void
json_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (s == NULL) {
		fputs("null", f);
		return;
	}
	putc('"', f);
	while (*p != '\0') {
		size_t n;

		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				fprintf(f, "\\u%04x", *p);
				break;
			}
			if (*p < 0x80) {
				putc(*p, f);
				break;
			}
			n = json_utf8_len(p);
			if (n == 0) {
				fputs("\\ufffd", f);
				break;
			}
			fwrite(p, 1, n, f);
			p += n;
			continue;
		}
		p++;
	}
	putc('"', f);
}

void
json_addr(FILE *f, uint64_t addr)
{
	fprintf(f, "\"0x%" PRIx64 "\"", addr);
}

void
json_hex(FILE *f, const void *buf, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = buf;
	size_t i;

	putc('"', f);
	for (i = 0; i < len; i++) {
		putc(digits[p[i] >> 4], f);
		putc(digits[p[i] & 0xf], f);
	}
	putc('"', f);
}

/*
 * The length of the well-formed UTF-8 sequence at s (a byte >= 0x80), or 0
 * when it is not one: bad lead byte, missing or bad continuation, overlong
 * form, a surrogate, or beyond U+10FFFF (RFC 3629, table 3-7 of Unicode).
 */
static size_t
json_utf8_len(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	/* A NUL terminator fails this test, so we never read past it. */
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}
