/*
 * format.c: terminal-free formatting for the TUI (see format.h): region
 * sizes, inspector values, hex view columns and the output scrollback.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/format.h"
#include "util.h"

enum { ESC_NONE, ESC_START, ESC_CSI, ESC_OSC, ESC_OSC_ESC };

static uint64_t load_be(const uint8_t *b, int n);
static void sb_push_char(struct scrollback *sb, char c);
static void sb_end_line(struct scrollback *sb);

void
fmt_size(uint64_t n, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	double v = (double)n;
	int u = -1;

	if (n < 1024) {
		snprintf(buf, len, "%" PRIu64, n);
		return;
	}
	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	if (v < 10 && v != (double)(uint64_t)v)
		snprintf(buf, len, "%.1f%c", v, units[u]);
	else
		snprintf(buf, len, "%.0f%c", v, units[u]);
}

uint64_t
fmt_load_le(const uint8_t *b, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

static uint64_t
load_be(const uint8_t *b, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 8 | b[i];
	return v;
}

/* Sign-extends the low n bytes of v. */
static int64_t
sign_extend(uint64_t v, int n)
{
	int shift = 64 - 8 * n;

	return (int64_t)(v << shift) >> shift;
}

static void
fmt_float(uint64_t bits, int n, char *buf, size_t len)
{
	if (n == 4) {
		uint32_t w = (uint32_t)bits;
		float f;

		memcpy(&f, &w, sizeof(f));
		snprintf(buf, len, "%.7g", (double)f);
	} else {
		double d;

		memcpy(&d, &bits, sizeof(d));
		snprintf(buf, len, "%.12g", d);
	}
}

void
fmt_inspect(const uint8_t *b, size_t avail,
    struct fmt_insp_row rows[FMT_INSP_ROWS])
{
	static const struct {
		const char *type;
		int size;
		char kind;	/* 'u', 'i', 'f' */
	} types[FMT_INSP_ROWS] = {
		{ "u8", 1, 'u' }, { "i8", 1, 'i' },
		{ "u16", 2, 'u' }, { "i16", 2, 'i' },
		{ "u32", 4, 'u' }, { "i32", 4, 'i' },
		{ "u64", 8, 'u' }, { "i64", 8, 'i' },
		{ "f32", 4, 'f' }, { "f64", 8, 'f' },
	};

	for (int i = 0; i < FMT_INSP_ROWS; i++) {
		struct fmt_insp_row *r = &rows[i];
		int n = types[i].size;
		uint64_t v[2];
		char *out[2] = { r->le, r->be };

		r->type = types[i].type;
		r->be[0] = '\0';
		if ((size_t)n > avail) {
			snprintf(r->le, sizeof(r->le), "-");
			if (n > 1)
				snprintf(r->be, sizeof(r->be), "-");
			continue;
		}
		v[0] = fmt_load_le(b, n);
		v[1] = load_be(b, n);
		for (int e = 0; e < (n > 1 ? 2 : 1); e++) {
			if (types[i].kind == 'u')
				snprintf(out[e], 32, "%" PRIu64, v[e]);
			else if (types[i].kind == 'i')
				snprintf(out[e], 32, "%" PRId64,
				    sign_extend(v[e], n));
			else
				fmt_float(v[e], n, out[e], 32);
		}
	}
}

void
fmt_unit_hex(const uint8_t *b, int n, char *buf)
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < n; i++) {
		uint8_t c = b[n - 1 - i];

		buf[2 * i] = digits[c >> 4];
		buf[2 * i + 1] = digits[c & 15];
	}
	buf[2 * n] = '\0';
}

char
fmt_ascii(uint8_t c)
{
	return c >= 0x20 && c < 0x7f ? (char)c : '.';
}

int
fmt_hex_col(int unit_index, int unit, int per_row)
{
	int units = per_row / unit;

	return unit_index * (2 * unit + 1) + (unit_index >= units / 2 &&
	    units > 1 ? 1 : 0);
}

int
fmt_hex_width(int unit, int per_row)
{
	int units = per_row / unit;

	return units * (2 * unit + 1) - 1 + (units > 1 ? 1 : 0);
}

void
scrollback_init(struct scrollback *sb, size_t max_lines)
{
	memset(sb, 0, sizeof(*sb));
	sb->cap = max_lines;
	sb->lines = xcalloc(max_lines, sizeof(*sb->lines));
	sb->cur_cap = 128;
	sb->cur = xmalloc(sb->cur_cap);
}

void
scrollback_free(struct scrollback *sb)
{
	for (size_t i = 0; i < sb->cap; i++)
		free(sb->lines[i]);
	free(sb->lines);
	free(sb->cur);
	memset(sb, 0, sizeof(*sb));
}

static void
sb_push_char(struct scrollback *sb, char c)
{
	if (sb->cur_len + 2 > sb->cur_cap) {
		sb->cur_cap *= 2;
		sb->cur = xrealloc(sb->cur, sb->cur_cap);
	}
	sb->cur[sb->cur_len++] = c;
}

static void
sb_end_line(struct scrollback *sb)
{
	size_t slot;

	sb->cur[sb->cur_len] = '\0';
	if (sb->count < sb->cap) {
		slot = (sb->first + sb->count) % sb->cap;
		sb->count++;
	} else {
		slot = sb->first;
		free(sb->lines[slot]);
		sb->first = (sb->first + 1) % sb->cap;
	}
	sb->lines[slot] = xstrndup(sb->cur, sb->cur_len);
	sb->cur_len = 0;
	sb->total++;
}

/*
 * A small state machine that drops CSI (ESC [ ... final) and OSC
 * (ESC ] ... BEL or ESC \) sequences and two-byte escapes; a carriage
 * return not followed by a newline starts the line over, as a terminal
 * would overwrite it.
 */
void
scrollback_feed(struct scrollback *sb, const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		switch (sb->esc_state) {
		case ESC_START:
			sb->esc_state = c == '[' ? ESC_CSI :
			    c == ']' ? ESC_OSC : ESC_NONE;
			continue;
		case ESC_CSI:
			if (c >= 0x40 && c <= 0x7e)
				sb->esc_state = ESC_NONE;
			continue;
		case ESC_OSC:
			if (c == 7)
				sb->esc_state = ESC_NONE;
			else if (c == 27)
				sb->esc_state = ESC_OSC_ESC;
			continue;
		case ESC_OSC_ESC:
			sb->esc_state = c == '\\' ? ESC_NONE : ESC_OSC;
			continue;
		}
		if (c == 27) {
			sb->esc_state = ESC_START;
		} else if (c == '\n') {
			sb_end_line(sb);
		} else if (c == '\r') {
			if (i + 1 < len && buf[i + 1] != '\n')
				sb->cur_len = 0;
		} else if (c == '\t') {
			do
				sb_push_char(sb, ' ');
			while (sb->cur_len % 8 != 0);
		} else if (c == '\b') {
			if (sb->cur_len > 0)
				sb->cur_len--;
		} else if (c < 0x20 || c == 0x7f) {
			sb_push_char(sb, '?');
		} else {
			sb_push_char(sb, (char)c);
		}
	}
}

size_t
scrollback_lines(const struct scrollback *sb)
{
	return sb->count + (sb->cur_len > 0 ? 1 : 0);
}

const char *
scrollback_line(const struct scrollback *sb, size_t i)
{
	if (i < sb->count)
		return sb->lines[(sb->first + i) % sb->cap];
	sb->cur[sb->cur_len] = '\0';
	return sb->cur;
}
