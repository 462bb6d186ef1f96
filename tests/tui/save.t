#!/bin/sh
# save.t: --save in the TUI: a process is saved as DIR/PID-COMM as it
# pauses, before the user sees it, and the status line says where.
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/tui/tui-lib.sh"

tui_start -- --save="$TAP_TMP/saved" "$TOP_BUILDDIR/tests/progs/gcore" exit
tui_wait "saved in $TAP_TMP/saved/" 20 ||
	tap_bail "the status line never said it saved"
dir=$(ls -d "$TAP_TMP"/saved/*-gcore 2>/dev/null)
tap_ok "DIR/PID-COMM is there" test -d "$dir"
tap_ok "with its core and summary.json" \
	test -s "$dir/core" -a -s "$dir/summary.json" -a -s "$dir/bt.txt"
tap_like "$(cat "$dir/summary.json")" '"paused_by":"exit","exit_code":3' \
	"summary.json: paused at exit 3"
tui_keys q
tui_wait "let the exit finish"
tui_keys c
tap_is "$(tui_exit_status)" 3 "the program still exits 3"

tui_done
