#!/bin/sh
# edit.t: hex editing in the memory pane when the keys arrive in one burst
# (a paste, fast typing), as tmux send-keys -l writes them: every digit
# counts, so "deadbeef" writes de ad be ef. Read back through the `:x`
# prompt (the command layer reads the process, not the pane's copy) and
# on the memory row itself.
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/tui/tui-lib.sh"

tui_start -- -p "$TUI_PROGS/tui-data"
tui_wait "paused at exit_group(3)" || tap_bail "the TUI did not start"
tui_pid

# A burst into the page at 0x10000000000 (+0x10 holds zeros).
tui_keys F5; tui_type '0x10000000010'; tui_keys Enter
tui_wait "anon@10000000000+0x10 " || tap_bail "goto failed"
tui_keys e
tui_wait "EDIT hex"
tui_type deadbeef
tui_keys Escape
tui_keys :; tui_type 'x 0x10000000010 4'; tui_keys Enter
tui_wait "0000010000000010" &&
    tap_like "$(tui_cut 29 29 0 99)" "^0000010000000010  de ad be ef " \
    "deadbeef typed in one burst writes de ad be ef"
tap_like "$(tui_cut 2 3 0 78)" "^010000000010  de ad be ef " \
    "the memory row shows de ad be ef"

# The heap too, where the issue was seen, with another burst.
tui_keys F5; tui_type '[heap]+0x10'; tui_keys Enter
tui_wait "[heap]+0x10 " || tap_bail "goto [heap]+0x10 failed"
tui_keys e
tui_wait "EDIT hex"
tui_type cafebabe
tui_keys Escape
tui_keys :; tui_type 'x [heap]+0x10 4'; tui_keys Enter
tui_wait "|....|" &&
    tap_like "$(tui_cut 29 29 0 99)" "^[0-9a-f]{16}  ca fe ba be " \
    "cafebabe typed in one burst writes ca fe ba be on the heap"

tui_keys q
tui_wait "let the exit finish"
tui_keys c
tap_is "$(tui_exit_status)" 3 "exit status 3"
tui_done
