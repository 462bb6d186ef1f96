/*
 * test-format: the TUI's terminal-free formatting (src/tui/format.c):
 * region sizes, inspector values in both byte orders, hex view columns and
 * units, and the output scrollback's handling of escapes, \r, tabs and the
 * line limit.
 */
#include "config.h"

#include <string.h>

#include "../tap.h"
#include "tui/format.h"

static void
test_size(void)
{
	static const struct {
		uint64_t n;
		const char *want;
	} cases[] = {
		{ 0, "0" }, { 1023, "1023" }, { 4096, "4K" },
		{ 135168, "132K" }, { 1572864, "1.5M" },
		{ 2147483648ULL, "2G" }, { 1ULL << 40, "1T" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[16];

		fmt_size(cases[i].n, buf, sizeof(buf));
		tap_ok(strcmp(buf, cases[i].want) == 0, "size %llu is %s "
		    "(got %s)", (unsigned long long)cases[i].n, cases[i].want,
		    buf);
	}
}

static void
test_inspect(void)
{
	static const uint8_t b[8] = { 0xde, 0xad, 0xbe, 0xef, 0, 0, 0x80,
		0x3f };
	static const uint8_t one[4] = { 0, 0, 0x80, 0x3f };
	struct fmt_insp_row r[FMT_INSP_ROWS];

	fmt_inspect(b, 8, r);
	tap_ok(strcmp(r[0].type, "u8") == 0 && strcmp(r[0].le, "222") == 0 &&
	    r[0].be[0] == '\0', "u8 222, one byte order only");
	tap_ok(strcmp(r[1].le, "-34") == 0, "i8 -34 (got %s)", r[1].le);
	tap_ok(strcmp(r[2].le, "44510") == 0 && strcmp(r[2].be, "57005") == 0,
	    "u16 le 44510 be 57005 (got %s %s)", r[2].le, r[2].be);
	tap_ok(strcmp(r[3].le, "-21026") == 0 && strcmp(r[3].be, "-8531") == 0,
	    "i16 le -21026 be -8531 (got %s %s)", r[3].le, r[3].be);
	tap_ok(strcmp(r[4].le, "4022250974") == 0 &&
	    strcmp(r[4].be, "3735928559") == 0, "u32 both orders (got %s %s)",
	    r[4].le, r[4].be);
	tap_ok(strcmp(r[5].le, "-272716322") == 0 &&
	    strcmp(r[5].be, "-559038737") == 0, "i32 both orders (got %s %s)",
	    r[5].le, r[5].be);
	tap_ok(strcmp(r[6].le, "4575657225430674910") == 0,
	    "u64 le (got %s)", r[6].le);
	tap_ok(strcmp(r[7].be, "-2401053092612112321") == 0,
	    "i64 be (got %s)", r[7].be);
	fmt_inspect(one, 4, r);
	tap_ok(strcmp(r[8].le, "1") == 0, "f32 1 (got %s)", r[8].le);
	tap_ok(strcmp(r[6].le, "-") == 0 && strcmp(r[9].be, "-") == 0,
	    "8-byte types past the readable end show -");
	tap_ok(fmt_load_le(b, 4) == 0xefbeadde, "load_le of 4 bytes");
}

static void
test_hex(void)
{
	static const uint8_t b[8] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
		0x07, 0x08 };
	char s[32];

	fmt_unit_hex(b, 1, s);
	tap_ok(strcmp(s, "01") == 0, "byte unit");
	fmt_unit_hex(b, 4, s);
	tap_ok(strcmp(s, "04030201") == 0, "dword unit is little-endian");
	fmt_unit_hex(b, 8, s);
	tap_ok(strcmp(s, "0807060504030201") == 0, "qword unit");
	tap_ok(fmt_ascii('A') == 'A' && fmt_ascii(0) == '.' &&
	    fmt_ascii(0x7f) == '.' && fmt_ascii(0xe9) == '.', "ascii column");
	tap_ok(fmt_hex_col(0, 1, 16) == 0 && fmt_hex_col(7, 1, 16) == 21 &&
	    fmt_hex_col(8, 1, 16) == 25 && fmt_hex_col(15, 1, 16) == 46,
	    "byte columns with a gap in the middle");
	tap_ok(fmt_hex_width(1, 16) == 48, "16 bytes take 48 columns (%d)",
	    fmt_hex_width(1, 16));
	tap_ok(fmt_hex_col(1, 8, 16) == 18 && fmt_hex_width(8, 16) == 34,
	    "qword columns (%d %d)", fmt_hex_col(1, 8, 16),
	    fmt_hex_width(8, 16));
}

static void
test_scrollback(void)
{
	struct scrollback sb;
	static const char text[] = "plain\n\x1b[1;31mred\x1b[0m\n"
	    "a\tb\nprogress 10%\rprogress 99%\n\x1b]0;title\x07osc\nbell\x07\n"
	    "partial";

	scrollback_init(&sb, 4);
	/* Fed in two pieces, split inside an escape sequence. */
	scrollback_feed(&sb, text, 17);
	scrollback_feed(&sb, text + 17, sizeof(text) - 1 - 17);
	tap_ok(sb.total == 6, "6 lines completed (%llu)",
	    (unsigned long long)sb.total);
	tap_ok(scrollback_lines(&sb) == 5, "4 kept and the partial one (%zu)",
	    scrollback_lines(&sb));
	tap_ok(strcmp(scrollback_line(&sb, 0), "a       b") == 0,
	    "oldest lines dropped, tab expanded to column 8 (%s)",
	    scrollback_line(&sb, 0));
	tap_ok(strcmp(scrollback_line(&sb, 1), "progress 99%") == 0,
	    "\\r starts the line over (%s)", scrollback_line(&sb, 1));
	tap_ok(strcmp(scrollback_line(&sb, 2), "osc") == 0,
	    "OSC sequence dropped (%s)", scrollback_line(&sb, 2));
	tap_ok(strcmp(scrollback_line(&sb, 3), "bell?") == 0,
	    "control character shown as ? (%s)", scrollback_line(&sb, 3));
	tap_ok(strcmp(scrollback_line(&sb, 4), "partial") == 0,
	    "unfinished line shown");
	scrollback_free(&sb);

	scrollback_init(&sb, 8);
	scrollback_feed(&sb, text, sizeof(text) - 1);
	tap_ok(strcmp(scrollback_line(&sb, 1), "red") == 0,
	    "CSI colours dropped (%s)", scrollback_line(&sb, 1));
	tap_ok(strcmp(scrollback_line(&sb, 0), "plain") == 0,
	    "first line kept when there is room (%s)",
	    scrollback_line(&sb, 0));
	scrollback_free(&sb);
}

int
main(void)
{
	test_size();
	test_inspect();
	test_hex();
	test_scrollback();
	return tap_exit();
}
