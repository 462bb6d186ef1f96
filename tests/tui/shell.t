#!/bin/sh
# shell.t: ! in the TUI. The command runs with /bin/sh on the user's
# terminal while curses steps aside, with PTINSPECT_PID, PTINSPECT_TID and
# PTINSPECT_EXE in its environment (checked against /proc read here); its
# exit status is said; Enter brings the screen back with the process
# still held. SIGINT, as Ctrl-C sends it to the terminal's foreground
# group, stops the command, not ptinspect (the tracer ignores it). (The signals are sent by pid:
# tmux's Ctrl-C would also reach tui-lib's non-interactive sh, which an
# interactive shell is not.)
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/tui/tui-lib.sh"

tui_start -- -p "$TUI_PROGS/tui-files"
tui_wait "paused at exit_group(7)" || tap_bail "tui-files is not held"
tui_pid
pid=$TUI_PID
tui_keys '!'
prompt_open() { tui_cut 29 29 0 99 | grep -q '^!'; }
tui_until prompt_open
tap_like "$(tui_cut 29 29 0 99)" "^!" "! opens a prompt"
tui_type 'echo "pid=$PTINSPECT_PID tid=$PTINSPECT_TID exe=$PTINSPECT_EXE"; echo "fds=$(ls /proc/$PTINSPECT_PID/fd | wc -l)"'
tui_keys Enter
tui_wait "press Enter to return" && tap_pass "the command runs, then waits for Enter"
s=$(tui_screen)
tap_unlike "$s" "F10Quit" "curses has stepped aside"
tap_like "$s" "^pid=$pid tid=$pid exe=$(readlink "/proc/$pid/exe")\$" \
    "PTINSPECT_PID, _TID and _EXE name the held process"
tap_like "$s" "^fds=$(ls "/proc/$pid/fd" | wc -l)\$" \
    "the command sees its /proc/PID/fd (as ls here does)"
tap_like "$s" "^\(exit status 0\)" "the exit status is said"
tui_keys Enter
tui_wait "F10Quit" && tap_like "$(tui_cut 0 0 0 99)" \
    "paused at exit_group\(7\)" "Enter brings the screen back, still held"
tap_unlike "$(tui_screen)" "press Enter" "... all of it"

tui_keys '!'
tui_type 'exit 3'
tui_keys Enter
# (The first command's "press Enter to return" is still on the terminal:
# wait for this one's own line.)
tui_wait "shell: exit status 3" && tap_pass "a failing status is said"
tui_keys Enter
tui_wait "F10Quit"

tui_keys '!'
tui_type 'sleep 30; :'
tui_keys Enter
sleep 0.5
ptpid=$(awk '/^PPid:/ { print $2 }' "/proc/$pid/status")
group=$ptpid
for c in $(cat /proc/"$ptpid"/task/*/children); do
	[ "$c" = "$pid" ] && continue
	group="$group $c $(cat /proc/"$c"/task/*/children)"
done
tap_like "$(cat /proc/"$ptpid"/task/*/children)" "[0-9]+ [0-9]+" \
    "(the shell is ptinspect's child, beside the tracee)"
kill -INT $group
tui_wait "press Enter to return" 5 &&
    tap_like "$(tui_screen)" "shell: killed by SIGINT" \
    "SIGINT stops the command"
tui_keys Enter
tui_wait "F10Quit" && tap_pass "... and not ptinspect"
tui_keys q c
tap_is "$(tui_exit_status)" 7 "exit status 7"
tui_done
