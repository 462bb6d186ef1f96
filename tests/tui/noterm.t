#!/bin/sh
# noterm.t: the TUI refuses at once, with exit status 2 and a message
# naming --batch, when stdin or stdout is not a terminal, before the
# program starts (the program would create a file). Without a terminal
# on both it used to draw into the pipe and spin at 100% CPU.
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/tui/tui-lib.sh"

msg="ptinspect: the TUI needs a terminal on stdin and stdout; use --batch"
TAP_TIMEOUT=15

# Neither is a terminal: stdin from a pipe, stdout to a file.
tap_run sh -c 'echo hi | "$0" -p -- touch "$1"' "$PTINSPECT" "$TAP_TMP/ran1"
tap_is "$TAP_RC" 2 "stdin a pipe, stdout a file: exit status 2"
tap_is "$TAP_ERR" "$msg" "... with the message"
tap_ok "... and the program did not run" test ! -e "$TAP_TMP/ran1"
tap_is "$(wc -c < "$TAP_TMP/out")" 0 "... and nothing was drawn"

# Only one of them is a terminal (tmux gives the other).
i=0
for redir in '</dev/null' '>"$TAP_TMP/out2"'; do
	i=$((i + 1))
	rm -f "$TAP_TMP/ran2" "$TAP_TMP/exit2" "$TAP_TMP/err2"
	echo "\"\$PTINSPECT\" -p -- touch \"\$TAP_TMP/ran2\" $redir" \
	    "2>\"\$TAP_TMP/err2\"; echo \$? >\"\$TAP_TMP/exit2\"" \
	    > "$TAP_TMP/one.sh"
	# A fresh server each time, as tui_start does.
	tui_tmux kill-server 2>/dev/null
	TUI_SOCK="$TAP_TMP/tmux.noterm.$i"
	tui_tmux new-session -d -x 100 -y 30 \
	    "PTINSPECT='$PTINSPECT' TAP_TMP='$TAP_TMP' sh '$TAP_TMP/one.sh';
	    exec sleep 600"
	n=0
	while [ ! -s "$TAP_TMP/exit2" ] && [ $n -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	tap_is "$(cat "$TAP_TMP/exit2" 2>/dev/null)" 2 \
	    "$redir, the other a terminal: exit status 2"
	tap_is "$(cat "$TAP_TMP/err2")" "$msg" "... with the message"
	tap_ok "... and the program did not run" test ! -e "$TAP_TMP/ran2"
done
tui_done
