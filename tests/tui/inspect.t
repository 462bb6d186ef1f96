#!/bin/sh
# inspect.t: typing a value for the Inspector's selected row. On tui-data's
# page at 0x10000000000 (held at its exit), an i32 set to -5 at +0x10 and
# the double 3.25 at +0x50 set to 2.5 are read back from /proc/PID/mem
# by dd and od while the TUI holds the process (not through ptinspect), and the
# memory row shows the new bytes; the prompt starts with the row's value.
# "300" for a u8 and "abc" for an i32 are refused in the status line,
# naming the value, and the bytes stay as they were. On a core of the same
# program and once the process is gone the edit is refused.
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/tui/tui-lib.sh"
tap_require_cmd dd od

prog=$TUI_PROGS/tui-data
core=$TAP_TMP/data.core

# N bytes at ADDR of the tracee's /proc/PID/mem, as od's type TYPE (d4:
# an int32, f8: a double, u8: a uint64; none: the bytes themselves).
peek()
{
	dd if="/proc/$TUI_PID/mem" bs="$2" count=1 skip="$(($1))" \
	    iflag=skip_bytes status=none 2>&1 |
	    if [ -n "$3" ]; then od -An -t "$3" | tr -d ' '; else cat; fi
}

# Puts the memory cursor on ADDR; Tab then focuses the Inspector (the pane
# after Memory at 100x30).
cursor_to()
{
	tui_keys F5; tui_type "$1"; tui_keys Enter
	tui_wait "$(printf '%012x' "$1") anon@10000000000+" || return 1
	tui_keys Tab
}

# Batch first: pti_run counts the TUI's ptinspect as left behind.
pti_run --batch -ex "gcore $core" "$prog"
tap_is "$TAP_RC" 3 "a core of tui-data at its exit"

tui_start -- -p "$prog"
tui_wait "paused at exit_group(3)" || tap_bail "the TUI did not start"
tui_pid
tap_is "$(peek 0x10000000000 8)" TUIDATA0 \
    "dd reads the held process's page through /proc/PID/mem"

# i32 (the sixth row) at +0x10: zeros before.
cursor_to 0x10000000010
tui_keys j j j j j e
tui_wait "i32 at 0x10000000010: 0" &&
    tap_pass "e opens the prompt on the i32 row, its value 0 filled in"
tui_keys C-u; tui_type -5; tui_keys Enter
tui_wait "i32 at 0x10000000010 = -5"
tap_is "$(peek 0x10000000010 4 d4)" -5 "-5 typed for i32: /proc/PID/mem reads -5"
tap_is "$(peek 0x10000000014 4 u4)" 0 "... and the i32 wrote 4 bytes only"
tap_like "$(tui_cut 2 2 0 78)" "^010000000010  fb ff ff ff 00 " \
    "the memory row shows fb ff ff ff"
tap_like "$(tui_screen)" "^i32  -5 " "the inspector shows i32 -5"

# f64 (four rows further) on the double 3.25 at +0x50, with Enter.
cursor_to 0x10000000050
tui_keys j j j j Enter
tui_wait "f64 at 0x10000000050: 3.25" &&
    tap_pass "Enter opens the prompt on the f64 row, 3.25 filled in"
tui_keys C-u; tui_type 2.5; tui_keys Enter
tui_wait "f64 at 0x10000000050 = 2.5"
tap_is "$(peek 0x10000000050 8 f8)" 2.5 "2.5 typed for f64: /proc/PID/mem reads 2.5"
tap_like "$(tui_cut 2 2 0 78)" "^010000000050  00 00 00 00 00 00 04 40 " \
    "the memory row shows 2.5's bytes"

# Bad values: nothing written. u8 (the first row) on the u64 at +0x48.
cursor_to 0x10000000048
tui_keys k k k k k k k k k e
tui_wait "u8 at 0x10000000048: 136"
tui_keys C-u; tui_type 300; tui_keys Enter
tui_wait "edit u8: 300: not a u8" &&
    tap_pass "300 for a u8 is refused, naming it"
tap_is "$(peek 0x10000000048 8 u8)" "$((0x1122334455667788))" \
    "... and the u64 at +0x48 is unchanged"
cursor_to 0x10000000010
tui_keys j j j j j e
tui_wait "i32 at 0x10000000010: -5"
tui_keys C-u; tui_type abc; tui_keys Enter
tui_wait "edit i32: abc: not an i32" &&
    tap_pass "abc for an i32 is refused, naming it"
tap_is "$(peek 0x10000000010 4 d4)" -5 "... and the i32 stays -5"

# Gone: F8 lets the exit happen.
tui_keys F8
tui_wait "(the process is gone (exit 3)" || tap_bail "F8 did not continue"
tui_keys e
tui_wait "edit: the process is gone" &&
    tap_pass "once the process is gone the edit is refused"
tui_keys q
tap_is "$(tui_exit_status)" 3 "exit status 3"

# A core: read-only.
tui_start -- --core="$core" "$prog"
tui_wait "read-only" || tap_bail "the core did not open"
tui_keys F5; tui_type 0x10000000010; tui_keys Enter
tui_wait "010000000010 anon@10000000000+0x10"
tui_keys Tab e
tui_wait "edit: core is read-only (no live process)" &&
    tap_pass "on a core the edit is refused"
tui_done
