#!/bin/sh
# resize.t: the layout follows the terminal. 100x30 (Registers beside
# Memory), 80x24 (Registers become a tab), below 80x24 a clear message
# instead of a broken screen (wrapped to fit at 40x10), and back. Also:
# the same screens in a plain ASCII locale, and on a monochrome terminal.
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/tui/tui-lib.sh"

tui_start -- -p "$TUI_PROGS/tui-data"
tui_wait "paused at exit_group(3)" || tap_bail "the TUI did not start"
tui_pid
tui_keys F5; tui_type 0x10000000100; tui_keys Enter
tui_wait "010000000100 anon@"
tap_like "$(tui_cut 1 1 80 99)" "Registers" "100x30: Registers beside Memory"

tui_tmux resize-window -x 80 -y 24
tui_wait "Regions ─ T ─ R ─ O" &&
    tui_golden resize-80x24.txt "$(tui_cut 2 13 0 79; tui_cut 23 23 0 79)" \
    "80x24: 12 memory rows, Registers as a tab"
tui_tmux resize-window -x 70 -y 20
tui_wait "at least 80x24" &&
    tui_golden resize-small.txt "$(tui_screen)" "70x20: a clear message"
tui_tmux resize-window -x 40 -y 10
tui_wait "40x10" &&
    tap_is "$(tui_screen | sed 's/^ *//; s/ *$//' | grep -v '^$' |
    tr '\n' ' ')" "ptinspect needs a terminal of at least 80x24 this one \
is 40x10: enlarge it, or q quits " "40x10: the message fits, word-wrapped"
tui_keys j
tui_tmux resize-window -x 100 -y 30
tui_wait "│ Registers" &&
    tap_like "$(tui_cut 2 2 0 78)" "^010000000100  00 01 02 03" \
    "back to 100x30, the cursor where it was"
tui_keys q c
tap_is "$(tui_exit_status)" 3 "exit status 3"

# The C locale: no UTF-8, line drawing falls back to what the terminal has.
tui_start LANG=C LC_ALL=C -- -p "$TUI_PROGS/tui-data"
tui_wait "paused at exit_group(3)"
tui_keys F5; tui_type 0x10000000100; tui_keys Enter
tui_wait "010000000100 anon@" &&
    tap_like "$(tui_cut 2 2 0 78)" "^010000000100  00 01 02 03" \
    "the C locale shows the same memory"
tui_keys q c
tap_is "$(tui_exit_status)" 3 "exit status 3 in the C locale"

# A monochrome terminal: no colours, the cursor still shows (reverse).
tui_start TERM=vt100 -- -p "$TUI_PROGS/tui-data"
tui_wait "paused at exit_group(3)"
# vt100 has no F5: the letter does the same.
tui_keys g; tui_type 0x10000000100; tui_keys Enter
tui_wait "010000000100 anon@"
tap_unlike "$(tui_screen -e)" '\[(3|4)[0-7]m' "vt100: no colour escapes"
tap_like "$(tui_screen -e | sed -n 3p)" '\[7m00' \
    "vt100: the cursor is in reverse video"
tui_keys q c
tap_is "$(tui_exit_status)" 3 "exit status 3 on vt100"
tui_done
