#!/bin/sh
# nav.t: the memory pane's navigation on tui-data's page at 0x10000000000:
# goto an expression, cursor keys, page down/up, row start/end, following
# a pointer and coming back, dword display, search with next/previous,
# the help overlay, and the regions pane's sort.
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/tui/tui-lib.sh"

title()
{
	tui_cut 1 1 0 78
}

tui_start -- -p "$TUI_PROGS/tui-data"
tui_wait "paused at exit_group(3)" || tap_bail "the TUI did not start"
tui_pid

tui_keys F5; tui_type '0x10000000000'; tui_keys Enter
tui_wait "010000000000 anon@10000000000+0x0"
tui_golden nav-goto.txt "$(tui_cut 2 16 0 78; tui_cut 17 28 0 45)" \
    "goto 0x10000000000: memory and inspector"

tui_keys BTab
tui_wait "data at 0x10000000000" &&
    tap_pass "Shift-Tab from Memory goes back to the last pane (Output)"
tui_keys Tab j j l l l
tui_wait "+0x23 " &&
    tap_like "$(title)" "^ Memory ─ P(rocess)? ─ S(ource)? ─010000000023 anon@10000000000\+0x23" \
    "j j l l l moves the cursor to +0x23"
tui_keys NPage
tui_wait "+0x113 " && tap_pass "page down moves 15 rows"
tui_keys PPage
tui_wait "+0x23 " && tap_pass "page up comes back"
tui_keys '$'
tui_wait "+0x2f " && tap_pass "\$ goes to the end of the row"
tui_keys 0
tui_wait "+0x20 " && tap_pass "0 goes to the start of the row"

tui_keys F5; tui_type '[heap]'; tui_keys Enter
tui_wait "[heap]+0x0" && tap_pass "goto a region name"
tui_keys F5; tui_type '0x10000000000+0x40'; tui_keys Enter
tui_wait "+0x40 "
tui_keys Enter
tui_wait "followed 0x10000000200" && tap_like "$(title)" "\+0x200 " \
    "Enter follows the pointer at +0x40 to +0x200"
tui_keys BSpace
tui_wait "+0x40 " && tap_pass "Backspace goes back to +0x40"
tui_keys Enter BSpace BSpace
tui_wait "[heap]+0x0" && tap_pass "Backspace again goes back to the heap"

tui_keys F5; tui_type '0x10000000000'; tui_keys Enter
tui_wait "+0x0 "
tui_keys w w
tui_wait "held  u32" &&
    tui_golden nav-dword.txt "$(tui_cut 2 6 0 78)" "w w shows dwords"
tui_keys w w
tui_wait "held ──" && tap_pass "w w back to bytes"

tui_keys /; tui_type '4e 45 45 44 4c 45 2d'; tui_keys Enter
tui_wait "match 1 of" && tap_like "$(title)" "\+0x180 " \
    "search hex bytes finds NEEDLE-TWO at +0x180 first"
tui_keys n
tui_wait "match 2 of" && tap_like "$(title)" "\+0x200 " \
    "n finds NEEDLE-ONE at +0x200"
tui_keys N
tui_wait "match 1 of" && tap_like "$(title)" "\+0x180 " "N goes back"
tui_keys /; tui_type '"NEEDLE-ONE"'; tui_keys Enter
tui_wait "+0x200 " && tap_pass "search a \"string\""
tui_keys /; tui_type '"no such thing here"'; tui_keys Enter
tui_wait "not found" && tap_pass "a search that fails says so"
tui_keys F5; tui_type 'nonsense'; tui_keys Enter
tui_wait "goto: " && tap_like "$(tui_cut 29 29 0 99)" "^goto: " \
    "a bad goto expression gives an error"

# A label and goto follow one rule: NAME+OFF counts from the file's first
# mapping, so going to the label that $rip shows comes back to $rip (the
# pause is in libc's code, not its first mapping).
tui_keys F5; tui_type '$rip'; tui_keys Enter
tui_wait "libc.so.6+0x" || true
rip_title=$(title)
rip_addr=$(printf '%s\n' "$rip_title" | grep -o '[0-9a-f]\{12\} libc' | cut -d' ' -f1)
rip_label=$(printf '%s\n' "$rip_title" | grep -o 'libc\.so\.6+0x[0-9a-f]*')
tap_like "$rip_addr $rip_label" '^[0-9a-f]{12} libc\.so\.6\+0x[0-9a-f]+$' \
    "goto \$rip shows the address and its libc.so.6+OFF label"
tui_keys F5; tui_type "${rip_label:-libc.so.6}"; tui_keys Enter
tui_wait "${rip_label:-no label} " || true
tap_like "$(title)" "─${rip_addr:-no address} " \
    "goto the label \$rip showed comes back to \$rip"

tui_keys F1
tui_wait "Help: keys by pane" &&
    tui_golden nav-help.txt "$(tui_cut 2 27 4 95)" "F1 shows the help"
tui_keys NPage
tui_wait "Registers" && tap_pass "help scrolls to later panes"
tui_keys Escape
help_gone() { ! tui_screen | grep -qF "Help: keys by pane"; }
tui_until help_gone
tap_unlike "$(tui_screen)" "Help: keys by pane" "Escape closes the help"
tui_keys '?'
tui_wait "Help: keys by pane" && tap_pass "? shows the help too"
tui_keys q

tui_keys Tab Tab Tab s
tui_wait "regions sorted by size" &&
    tap_pass "Tab reaches the regions pane, s sorts the regions"
tui_keys /; tui_type 'heap'; tui_keys Enter
tui_wait '1 of ' && tap_like "$(tui_screen)" "\[heap\]" \
    "the filter keeps [heap]"

# Mouse (X10 encoding: ESC [ M, button+32, column+33, row+33; a click is
# a press and a release, button 3).
tui_keys F5; tui_type 0x10000000000; tui_keys Enter
tui_wait "+0x0 "
tui_type "$(printf '\033[M 2$\033[M#2$')"
tui_wait "+0x11 " && tap_pass "a click on a byte puts the cursor there"
tui_type "$(printf '\033[Ma2$')"
tui_wait "+0x41 " && tap_pass "the wheel scrolls three rows"
# The filter's title shrinks the hidden tabs: " Regions ─ T ─ O ─...",
# O at column 62.
tui_type "$(printf '\033[M _2\033[M#_2')"
tui_wait "data at 0x10000000000" &&
    tap_pass "a click on a tab name shows that pane (Output)"

tui_keys F5; tui_type '0x10000000300'; tui_keys Enter
tui_wait "+0x300 "
tui_wait "tui-data+0x12a0 <data_marker_function+0x0" &&
    tap_pass "the inspector names the function a code pointer points to"

tui_keys q
tui_wait "let the exit finish" && tap_pass "q asks what to do"
tui_keys c
tap_is "$(tui_exit_status)" 3 "c lets the exit finish: ptinspect exits 3"
tui_done
