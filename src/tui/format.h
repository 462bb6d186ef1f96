/*
 * format.h: the TUI's text formatting that needs no terminal: sizes, the
 * data inspector's values, hex cells, and the output pane's scrollback
 * (bytes from the tracee's pseudo-terminal turned into printable lines).
 * Kept apart from ncurses so tests/tui/test-format.c can check it.
 */
#ifndef PTI_TUI_FORMAT_H
#define PTI_TUI_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "512", "4K", "132K", "1.5M", "2G": a region size in at most 5 columns. */
void fmt_size(uint64_t n, char *buf, size_t len);

/* One row of the data inspector: a type and its value in both byte orders. */
struct fmt_insp_row {
	const char *type;	/* "u8", "i16", "f64" ... */
	char le[32];		/* little-endian value, "-" if out of range */
	char be[32];		/* big-endian value ("" for one byte) */
};

#define FMT_INSP_ROWS 10

/*
 * Fills rows[FMT_INSP_ROWS] (u8 i8 u16 i16 u32 i32 u64 i64 f32 f64) from
 * the avail bytes at b; types wider than avail show "-".
 */
void fmt_inspect(const uint8_t *b, size_t avail,
    struct fmt_insp_row rows[FMT_INSP_ROWS]);

/* Reads an unsigned little-endian integer of n (1..8) bytes. */
uint64_t fmt_load_le(const uint8_t *b, int n);

/*
 * Formats the unit of n bytes (1, 2, 4 or 8) at b as the hex digits of its
 * little-endian value (what `od -x` shows), into buf of at least 2n+1.
 */
void fmt_unit_hex(const uint8_t *b, int n, char *buf);

/* The ASCII column's character for a byte: itself if printable, else '.'. */
char fmt_ascii(uint8_t c);

/*
 * The hex view's columns for a row of `per_row` bytes shown in units of
 * `unit` bytes: where unit i's hex digits start, counted from the first
 * hex column. Units are separated by one space, with one more space at the
 * middle of the row. fmt_hex_width is the width of the whole hex part.
 */
int fmt_hex_col(int unit_index, int unit, int per_row);
int fmt_hex_width(int unit, int per_row);

/*
 * Scrollback: the output pane's lines. Bytes go in as the tracee wrote them
 * (with escape sequences, carriage returns, tabs, partial UTF-8); lines
 * come out printable: escape sequences dropped, tabs expanded, other
 * control characters shown as '?'. At most `max_lines` are kept.
 */
struct scrollback {
	char **lines;		/* ring buffer of completed lines */
	size_t cap;		/* max_lines */
	size_t first;		/* index of the oldest line in the ring */
	size_t count;		/* completed lines held */
	char *cur;		/* the line being written (not yet ended) */
	size_t cur_len;
	size_t cur_cap;
	int esc_state;		/* inside an escape sequence */
	uint64_t total;		/* lines ever completed */
};

void scrollback_init(struct scrollback *sb, size_t max_lines);
void scrollback_free(struct scrollback *sb);
void scrollback_feed(struct scrollback *sb, const char *buf, size_t len);
/* Lines including the unfinished one (if not empty). */
size_t scrollback_lines(const struct scrollback *sb);
/* Line i, 0 the oldest kept, up to scrollback_lines() - 1. */
const char *scrollback_line(const struct scrollback *sb, size_t i);

#endif
