#!/bin/sh
# process.t: the Process pane. tui-files is held at its exit with a file
# at position 1234, a deleted file, a pipe and an eventfd, a variable in
# its environment,
# RLIMIT_NOFILE at 200/300, SIGUSR1 blocked and SIGPIPE ignored. p (and
# F11) show the pane; each view is checked against /proc read here, the
# Files view also against a golden screen; Enter on the file shows its
# path and position; the /proc browser opens a directory, a text file
# and a binary one (as hex). Then the Files view of a running program
# follows the descriptors it opens.
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/tui/tui-lib.sh"

# The pane's lines, rows 2-16 of the Memory slot (79 columns).
pane()
{
	tui_cut 2 16 0 78
}

# Does a line of the pane match the extended regex $1?
pane_has()
{
	pane | grep -Eq -- "$1"
}

# Masks what differs between runs: pty numbers, pipe inodes, $TAP_TMP.
pane_mask()
{
	sed -e "s|$TAP_TMP|TMP|g" -e 's|/dev/pts/[0-9]*|/dev/pts/N|g' \
	    -e 's|pipe:\[[0-9]*\]|pipe:[N]|g'
}

# Moves the selection from line 1 to line $1.
down()
{
	i=1
	while [ "$i" -lt "$1" ]; do
		tui_keys j
		i=$((i + 1))
	done
}

tui_start PTI_PANE_VAR=pane-value-42 -- -p "$TUI_PROGS/tui-files"
tui_wait "paused at exit_group(7)" || tap_bail "tui-files is not held"
tui_pid
pid=$TUI_PID
tap_unlike "$(tui_cut 1 1 0 99)" "Summary" "the Process pane is a tab, not shown yet"
tap_like "$(tui_cut 29 29 0 99)" "F11Proc" "the F-key bar names it"

tui_keys p
tui_wait "[1 Summary]" && tap_pass "p shows the Process pane, Summary first"
ppid=$(sed -n 's/^PPid:[[:space:]]*//p' "/proc/$pid/status")
uid=$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")
s=$(pane)
tap_like "$s" "^pid +$pid\$" "Summary: pid"
tap_like "$s" "^ppid +$ppid\$" "Summary: ppid, as /proc/PID/status says"
tap_like "$s" "^comm +$(cat "/proc/$pid/comm")\$" "Summary: comm"
tap_like "$s" "^argv +$TUI_PROGS/tui-files\$" "Summary: argv"
tap_like "$s" "^cwd +$(readlink "/proc/$pid/cwd")\$" "Summary: cwd"
tap_like "$s" "^uid +$uid " "Summary: uid"
tap_like "$s" "^lifetime +[0-9]+ ms\$" "Summary: lifetime"
tap_like "$s" "^peak RSS +[1-9][0-9]* kB\$" "Summary: peak RSS"
tap_like "$s" "^state +paused at exit_group\(7\)\$" "Summary: why it is held"

tui_keys 2
tui_wait "[2 Files]"
s=$(pane)
bad=
for fd in $(ls "/proc/$pid/fd"); do
	target=$(readlink "/proc/$pid/fd/$fd")
	case $target in
	socket:*) continue ;;
	esac
	printf '%s\n' "$s" | grep -qF -- "$target" &&
	    printf '%s\n' "$s" | grep -qE "^ *$fd [a-z]" || bad="$bad $fd"
done
tap_is "$bad" "" "Files: every descriptor of ls -l /proc/PID/fd, with its target"
fdpos=$(sed -n 's/^pos:[[:space:]]*//p' "/proc/$pid/fdinfo/3")
tap_is "$fdpos" 1234 "(oracle: fdinfo says position 1234)"
tap_like "$s" "^  3 file +$fdpos WRONLY\|APPEND +$TAP_TMP/tui-files.dat\$" \
    "Files: the file's position and flags, as fdinfo has them"
tap_like "$s" "gone.dat \(deleted\)\$" "Files: the deleted file marked"
tui_golden process-files.txt "$(tui_cut 1 16 0 78 | pane_mask)" \
    "Files view (golden)"

tui_keys j j j Enter
tui_wait "fd 3" &&
    tap_like "$(tui_screen)" "path +$TAP_TMP/tui-files.dat" \
    "Enter on a file: its path"
tap_like "$(tui_screen)" "position +1234 " "... and its position"
tui_keys Escape

tui_keys 3
tui_wait "[3 Env]"
down "$(tr '\0' '\n' < "/proc/$pid/environ" | grep -n '^PTI_PANE_VAR=' |
    cut -d: -f1)"
tui_until pane_has '^PTI_PANE_VAR=pane-value-42$'
tap_like "$(pane)" "^PTI_PANE_VAR=pane-value-42\$" "Env: the variable it was given"
tui_keys '>' '>'
tui_until pane_has '^e-value-42$'
tap_like "$(pane)" "^e-value-42\$" "> >: long lines scroll 16 columns left"
tui_keys '<' '<'
tui_until pane_has '^PTI_PANE_VAR=pane-value-42$'
tap_like "$(pane)" "^PTI_PANE_VAR=pane-value-42\$" "< <: and back"
n=$(tr '\0' '\n' < "/proc/$pid/environ" | grep -c .)
tap_like "$(tui_cut 2 2 0 78)" "^$n variables" "Env: as many as /proc/PID/environ"

tui_keys 4
tui_wait "[4 Limits]"
tap_like "$(pane)" "^NOFILE +200 +300 files\$" "Limits: RLIMIT_NOFILE 200/300"
tap_like "$(grep 'Max open files' "/proc/$pid/limits")" " 200 +300 " \
    "(oracle: /proc/PID/limits agrees)"

tui_keys 5
tui_wait "[5 Signals]"
blk=$(sed -n 's/^SigBlk:[[:space:]]*//p' "/proc/$pid/status")
ign=$(sed -n 's/^SigIgn:[[:space:]]*//p' "/proc/$pid/status")
tap_like "$(pane)" "^  SigBlk $blk SIGUSR1\$" "Signals: SIGUSR1 blocked"
tap_like "$(pane)" "^  SigIgn $ign .*SIGPIPE" "Signals: SIGPIPE ignored"

tui_keys 6
tui_wait "[6 /proc]"
# The browser lists /proc/PID sorted by name: as many j as entries before.
idx()
{
	LC_ALL=C ls "/proc/$pid" | LC_ALL=C sort | grep -nx "$1" |
	    cut -d: -f1
}
down "$(idx comm)"
tui_keys Enter
tui_wait "/proc/$pid/comm" &&
    tap_like "$(tui_screen)" "│tui-files +│" "/proc: a text file as text"
tui_keys Escape g
down "$(idx auxv)"
tui_keys Enter
tui_wait "/proc/$pid/auxv (hex)" &&
    tap_like "$(tui_screen)" "│00000000  [0-9a-f]{2} " "/proc: a binary file as hex"
tui_keys Escape g
down "$(idx task)"
tui_keys Enter
tui_wait "/proc/$pid/task" &&
    tap_like "$(pane)" "^$pid/\$" "/proc: Enter opens a directory"
tui_keys BSpace
tui_wait "/proc/$pid/  (Enter" && tap_pass "/proc: Backspace goes up"

tui_keys Tab F11
tui_wait "[6 /proc]" && tap_pass "F11 comes back to the pane"
tui_keys '?'
tui_wait "Help: keys by pane"
tap_like "$(tui_screen)" "p F11 +the Process pane" "help names the key"
tui_keys Escape q c
tap_is "$(tui_exit_status)" 7 "exit status 7"

# Regions: the RSS column, against smaps read here.
tui_start -- -p "$TUI_PROGS/tui-data"
tui_wait "paused at exit_group(3)"
tui_pid
tui_keys Tab Tab Tab
tui_wait "by address"
# The Rss of the mapping that starts at $1 (hex, as the pane shows it).
smaps_rss()
{
	awk -v want="$1" '
		/^[0-9a-f]+-[0-9a-f]+ / {
			split($1, r, "-")
			s = r[1]; sub(/^0+/, "", s)
			hit = (s == want)
		}
		hit && /^Rss:/ { print $2; exit }
	' "/proc/$TUI_PID/smaps"
}
heap=$(tui_cut 18 28 47 99 | sed -n 's/^.\([0-9a-f]*\) .*\[heap\]$/\1/p' |
    sed 's/^0*//')
kb=$(smaps_rss "$heap")
[ "$kb" = 0 ] || kb="${kb}K"
tap_like "$(tui_cut 18 28 47 99)" "^.[0-9a-f]{12} rw-. +[0-9.]+[KM] +$kb [Sc] \[heap\]\$" \
    "Regions: the heap's RSS is smaps' ($kb)"
tap_like "$(tui_cut 18 28 47 99)" "^.010000000000 rw-. +4K +4K [Sc]" \
    "Regions: the page tui-data filled is resident (4K of 4K)"
tui_keys q c
tap_is "$(tui_exit_status)" 3 "exit status 3"

# Live: the Files view follows the running program.
tui_start -- -p "$TUI_PROGS/tui-files" live
tui_wait "running"
tui_keys p 2
tui_wait "tui-files-a.txt" && tap_pass "Files while it runs"
tap_unlike "$(pane)" "tui-files-b.txt" "... b is not open yet"
touch "$TAP_TMP/step"
tui_wait "tui-files-b.txt" && tap_pass "... and b shows once it opens it"
tap_like "$(tui_cut 0 0 0 99)" "running" "... while it is still running"
touch "$TAP_TMP/done"
tui_wait "paused at exit_group(0)"
tui_keys q c
tap_is "$(tui_exit_status)" 0 "exit status 0"
tui_done
