# tui-lib.sh: drive the real ptinspect TUI in a detached tmux of fixed size
# for the tests/tui/*.t scripts (in the spirit of tmux's own regress/).
# Source it after tests/tap.sh:
#
#   tui_start [ENV=VAL...] -- ARGS...  ptinspect ARGS in a 100x30 tmux
#   tui_keys KEY...              tmux send-keys (key names)
#   tui_type TEXT                typed literally (tmux reads "0x10" as a
#                                key code)
#   tui_wait TEXT [SECONDS]      until TEXT is on screen (else a failure)
#   tui_until CMD [ARG...]       until CMD succeeds, 10 s at most (for what
#                                a fixed string cannot tell: text that
#                                goes, a line that moves)
#   tui_screen [-e]              the screen as text (-e: with colours)
#   tui_cut ROW1 ROW2 COL1 COL2  part of it, 0-based, inclusive
#   tui_golden NAME TEXT DESC    TEXT, masked, against golden/NAME
#   tui_exit_status              ptinspect's exit status once it ended
#   tui_kill_held WHAT           q k (kill the held program, quit), then
#                                the check that ptinspect ended with 137
#   tui_done                     the "no tracee left behind" check, then
#                                tap_done
#
# Every run carries pti.sh's test tag in its environment, as pti_run's
# do. When the next tui_start (or tui_done) ends a run, its tmux server
# goes, ptinspect with it, and any tagged process still alive 10 seconds
# later is a tracee left behind: pti.sh records and kills it, and
# tui_done reports it as a failure.
#
# Masking (perl): the pid becomes PID; runs of 12 or 16 hex digits
# (addresses, register values) become x's, except in the pages at the fixed
# test addresses 0x10000000000 and 0x20000000000.
# GENERATE=1 rewrites the golden files instead of comparing.

# The EXIT trap below removes $TAP_TMP: make sure it is tap.sh's own
# mktemp directory, never a directory someone passed in.
case $TAP_TMP in
*/tap.??????)
	[ -d "$TAP_TMP" ] || exit 99 ;;
*)
	echo "tui-lib.sh: source tests/tap.sh first" >&2
	exit 99 ;;
esac

TUI_COLS=${TUI_COLS:-100}
TUI_ROWS=${TUI_ROWS:-30}
TUI_SOCK="$TAP_TMP/tmux.0"
tui_nstart=0
TUI_GOLDEN="$TOP_SRCDIR/tests/tui/golden"
TUI_PROGS="$TOP_BUILDDIR/tests/tui/progs"

command -v tmux >/dev/null 2>&1 ||
	tap_skip_all "tmux is not installed (apt-get install tmux)"
. "$TOP_SRCDIR/tests/pti.sh"

trap 'tmux -S "$TUI_SOCK" kill-server 2>/dev/null; rm -rf "$TAP_TMP"' EXIT

tui_tmux()
{
	tmux -f /dev/null -S "$TUI_SOCK" "$@"
}

tui_start()
{
	tui_env=
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		tui_env="$tui_env $1"
		shift
	done
	shift
	tui_end_run
	rm -f "$TAP_TMP/exit"
	# The command line goes through a script: no quoting games with tmux.
	{
		echo "cd '$TAP_TMP'"
		printf 'env LANG=C.UTF-8 LC_ALL=C.UTF-8 PTI_TEST_TAG=%s %s' \
		    "$pti_tag" "$tui_env"
		printf " '%s'" "$PTINSPECT" "$@"
		echo
		echo "echo \$? > '$TAP_TMP/exit'"
		echo "exec sleep 600"
	} > "$TAP_TMP/run.sh"
	# A fresh server each time: a dying one can refuse the next session.
	tui_nstart=$((tui_nstart + 1))
	TUI_SOCK="$TAP_TMP/tmux.$tui_nstart"
	tui_tmux new-session -d -x "$TUI_COLS" -y "$TUI_ROWS" \
	    "sh '$TAP_TMP/run.sh'"
}

tui_keys()
{
	tui_tmux send-keys "$@"
}

tui_type()
{
	tui_tmux send-keys -l -- "$1"
}

tui_screen()
{
	tui_tmux capture-pane -p "$@"
}

# Waits until TEXT (a fixed string) is on screen; fails the test if it
# never shows, with the screen as a diagnostic.
tui_wait()
{
	tui_i=0
	tui_max=$(( ${2:-10} * 10 ))
	while [ $tui_i -lt $tui_max ]; do
		if tui_screen 2>/dev/null | grep -qF -- "$1"; then
			# Let the rest of the frame land.
			sleep 0.15
			return 0
		fi
		sleep 0.1
		tui_i=$((tui_i + 1))
	done
	tap_fail "\"$1\" shows on screen"
	tui_screen | tap_diag "$(cat)"
	return 1
}

# Polls until CMD succeeds, 10 seconds at most, then lets the frame land;
# 1 if it never did (the check after it says what was wrong).
tui_until()
{
	tui_i=0
	until "$@"; do
		[ $tui_i -lt 100 ] || return 1
		sleep 0.1
		tui_i=$((tui_i + 1))
	done
	sleep 0.15
}

tui_cut()
{
	# Characters, not bytes: the borders are UTF-8.
	tui_screen | perl -CSD -ne '
		my ($r1, $r2, $c1, $c2) = ('"$1, $2, $3, $4"');
		my $n = $. - 1;
		next if $n < $r1 || $n > $r2;
		my $s = substr($_, 0, -1);
		$s = length($s) > $c1 ? substr($s, $c1, $c2 - $c1 + 1) : "";
		$s =~ s/\s+$//;
		print "$s\n";
	'
}

tui_mask()
{
	TUI_PID=${TUI_PID:-PIDNONE} perl -pe '
		s/\b$ENV{TUI_PID}\b/PID/g;
		s/(?<![.\w])
		  (?!0*[12]0000000[0-9a-f]{3}\b)
		  ([0-9a-f]{16}|[0-9a-f]{12})\b
		 /"x" x length($1)/gex;
	'
}

# Finds ptinspect's tracee pid in the status line, for masking.
tui_pid()
{
	TUI_PID=$(tui_screen | sed -n '1s/.* pid \([0-9]*\) .*/\1/p')
}

tui_golden()
{
	printf '%s\n' "$2" | tui_mask > "$TAP_TMP/got"
	if [ -n "$GENERATE" ]; then
		cp "$TAP_TMP/got" "$TUI_GOLDEN/$1"
		tap_pass "$3 (golden/$1 generated)"
		return
	fi
	if cmp -s "$TAP_TMP/got" "$TUI_GOLDEN/$1"; then
		tap_pass "$3"
	else
		tap_fail "$3 (golden/$1)"
		diff -u "$TUI_GOLDEN/$1" "$TAP_TMP/got" | tap_diag "$(cat)"
	fi
}

# Waits for ptinspect to end and prints its exit status.
tui_exit_status()
{
	tui_i=0
	while [ ! -s "$TAP_TMP/exit" ] && [ $tui_i -lt 100 ]; do
		sleep 0.1
		tui_i=$((tui_i + 1))
	done
	cat "$TAP_TMP/exit" 2>/dev/null || echo none
}

# q k, and ptinspect's end awaited: the next tui_start or tui_done must
# not hang up on a ptinspect still exiting (a sanitizer build's leak
# check runs then: the suspected cause of a tracee once found stopped
# after code-end.t).
tui_kill_held()
{
	tui_keys q k
	tap_is "$(tui_exit_status)" 137 "$1: q k kills it, exit status 137"
}

# Ends the current run (its tmux server, and so ptinspect: SIGHUP), then
# waits up to 10 seconds for its tagged processes to go; what stays is
# left behind.
tui_end_run()
{
	[ "$tui_nstart" -gt 0 ] || return 0
	tui_tmux kill-server 2>/dev/null
	tui_i=0
	while [ -n "$(pti_tagged_pids)" ] && [ $tui_i -lt 100 ]; do
		sleep 0.1
		tui_i=$((tui_i + 1))
	done
	pti_collect_leftovers "(TUI run $tui_nstart: $(sed -n 2p \
	    "$TAP_TMP/run.sh" | cut -c1-200))"
}

tui_done()
{
	tui_end_run
	pti_done
}
