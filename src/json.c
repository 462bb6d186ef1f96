/*
 * json.c: JSON string, address and hex writers for the command language.
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

static size_t json_utf8_len(const unsigned char *s);

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
