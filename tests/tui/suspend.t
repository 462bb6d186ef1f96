#!/bin/sh
# suspend.t: job control once the TUI has closed, in an interactive bash
# in tmux. Ctrl-Z with the program let run: as for the same command run
# natively first (the oracle: this shell reports a stopped job), the
# shell gets a stopped job and the program's output stops; fg continues
# both (new lines come) and Ctrl-C then ends it with 128+2. Then a
# program that leaves a process running and exits: natively that process
# outlives it; under the TUI too (the kernel's SIGHUP when the program,
# leading the pty's session, exits is not delivered), and a keeper takes
# it over once the TUI closes, its terminal relayed: ptinspect exits at
# once with the program's status. Last, a daemon the program left (off
# the pty) goes on under a keeper too.
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/tui/tui-lib.sh"

command -v bash >/dev/null 2>&1 || tap_skip_all "bash is not installed"

# The last "tick N" on screen (0 if none).
last_tick()
{
	tui_screen | sed -n 's/^tick \([0-9][0-9]*\)$/\1/p' | tail -1 |
	    grep . || echo 0
}

# Polls (up to 5 s) until the screen's text matches the extended regular
# expression $1; false if it never does.
screen_until()
{
	i=0
	while ! tui_screen | grep -Eq -- "$1"; do
		[ $i -lt 50 ] || return 1
		sleep 0.1
		i=$((i + 1))
	done
}

# An interactive bash as the pane's program, tagged as tui_start's runs
# are (tui_done's "no tracee left behind" check).
tui_end_run
tui_nstart=$((tui_nstart + 1))
TUI_SOCK="$TAP_TMP/tmux.$tui_nstart"
{
	echo "cd '$TAP_TMP'"
	printf 'PTI_TEST_TAG=%s PS1="bash> " ' "$pti_tag"
	echo 'exec bash --norc --noprofile -i'
} > "$TAP_TMP/run.sh"
tui_tmux new-session -d -x "$TUI_COLS" -y "$TUI_ROWS" "sh '$TAP_TMP/run.sh'"
tui_wait 'bash>' || tap_bail "bash did not start"

# Natively: Ctrl-Z stops the job and bash says so.
tui_type "sh -c 'echo native-run | tr a-z A-Z; exec sleep 1000'"
tui_keys Enter
screen_until NATIVE-RUN || tap_bail "the native run did not start"
tui_keys C-z
screen_until 'Stopped +sh -c' ||
	tap_bail "no job control in this bash: Ctrl-Z did not stop a native run"
tui_type 'kill -KILL %1; wait; clear'
tui_keys Enter
i=0
while tui_screen | grep -q Stopped; do
	[ $i -lt 50 ] || tap_bail "the native run's job stays"
	sleep 0.1
	i=$((i + 1))
done

# Under ptinspect, let run after the TUI closes.
loop='i=0; while :; do i=$((i+1)); echo tick $i; sleep 0.05; done'
tui_type "'$PTINSPECT' sh -c '$loop'"
tui_keys Enter
tui_wait "running" || tap_bail "the TUI did not start"
tui_keys q
tui_wait "let it run to its end"
tui_keys c
screen_until '^tick [0-9]+$' || tap_bail "no output after the TUI closed"
tui_keys C-z
if screen_until 'Stopped +.*ptinspect'; then
	tap_pass "Ctrl-Z: the shell has a stopped job, ptinspect"
else
	tap_fail "Ctrl-Z: the shell has a stopped job, ptinspect"
	tui_screen | tap_diag "$(cat)"
fi
tui_type 'jobs -l'
tui_keys Enter
screen_until '^\[1\]\+ +[0-9]+ Stopped +.*ptinspect'
tap_like "$(tui_screen | grep ptinspect | tail -1)" \
    "^\\[1\\]\\+ +[0-9]+ Stopped" "... as jobs -l says"
n1=$(last_tick)
sleep 0.6
tap_is "$(last_tick)" "$n1" "... and the program writes no more (tick $n1)"

tui_type fg
tui_keys Enter
i=0
while [ "$(last_tick)" -le $((n1 + 3)) ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
n2=$(last_tick)
tap_ok "fg: the program goes on (tick $n1, then $n2)" \
    [ "$n2" -gt $((n1 + 3)) ]
tui_keys C-c
# Typed before bash has its terminal back, the line would go to ptinspect.
screen_until '\^Cbash>$'
tui_type 'echo status=$?'
tui_keys Enter
screen_until '^status='
tap_like "$(tui_screen | grep '^status=' | tail -1)" "^status=130$" \
    "then Ctrl-C ends it: exit 128+2"

# Ctrl-Z while a vfork child runs in its parent's memory before its exec,
# the parent waiting for it uninterruptibly (dash runs every command so):
# stopped there, the child would keep the parent, and the job, from ever
# stopping. Natively that window is microseconds wide, under ptrace it is
# milliseconds; daemon-job's vfork mode widens it to 600 ms (a sleep) to
# hit it every time. The child's stop comes at its exec instead: the job
# stops, both processes stopped, and fg continues them to their end.
#
# vfork_ctrl_z SCRIPT NAME: runs sh -c SCRIPT (daemon-job's vfork mode,
# started by the file vstart) under the TUI, lets it run, and types Ctrl-Z
# once the child is in its window; checks the job stops.
vfork_ctrl_z()
{
	rm -f "$TAP_TMP/vstart" "$TAP_TMP/vgo" "$TAP_TMP/vdone" \
	    "$TAP_TMP/vdone.vfork"
	tui_type "clear; cd '$TAP_TMP'; '$PTINSPECT' sh -c \"while [ ! -e vstart ]; do sleep 0.05; done; $1\""
	tui_keys Enter
	tui_wait "running" || tap_bail "the TUI did not start"
	tui_keys q
	tui_wait "let it run to its end"
	tui_keys c
	sleep 0.3
	: >"$TAP_TMP/vstart"
	i=0
	while [ ! -e "$TAP_TMP/vdone.vfork" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	tui_keys C-z
	screen_until 'Stopped +.*ptinspect' || tui_screen | tap_diag "$(cat)"
	tap_like "$(tui_screen | grep 'Stopped' | tail -1)" \
	    'Stopped +.*ptinspect' "$2"
}
vfork_ctrl_z "exec '$PROGS/daemon-job' vgo vdone vfork" \
    "Ctrl-Z in a vfork child's window before its exec: the job stops"
# Each one's state and last argument: the parent's is vfork, the child's
# after its exec (daemon-job GO OUT) vdone, before it vfork too.
states=$(for pid in $(pgrep -f "daemon-job vgo vdone"); do
	printf '%s%s\n' "$(sed 's/^.*) \(.\).*$/\1/' "/proc/$pid/stat")" \
	    "$(tr '\0' '\n' <"/proc/$pid/cmdline" | tail -n 1)"
done | sort | tr '\n' ' ')
tap_is "$states" "tvdone tvfork " \
    "... both processes stopped, the child after its exec"
tui_type 'fg; echo vfork=$?'
tui_keys Enter
: >"$TAP_TMP/vgo"
screen_until '^vfork=' || tui_screen | tap_diag "$(cat)"
tap_is "$(tui_screen | grep '^vfork=' | tail -1):$(cat "$TAP_TMP/vdone" 2>/dev/null)" \
    "vfork=0:ok 2016 memfd" "... fg: both go on to their end"

# The same child, its parent not the program: the program (sh, in wait)
# stops at Ctrl-Z at once, and ptinspect with it, while the child still
# sleeps before its exec, its stop held back for that exec. It execs while
# ptinspect is stopped, so when ptinspect sees the exec, fg's SIGCONT is
# already pending in it: that SIGCONT cancels the held-back stop, as it
# cancels any stop signal sent before it. Sent regardless, the stop left
# the child stopped for good and the job hung, its shell waiting for it
# (a CI run of the sanitizer build hit this by chance in the case above).
vfork_ctrl_z "'$PROGS/daemon-job' vgo vdone vfork & wait" \
    "Ctrl-Z, the vfork child not the program's: the job stops at once"
# The child's 600 ms go by: it execs, and waits at its exec for stopped
# ptinspect (state t, its new command line without "vfork"). fg before
# that would test nothing: its SIGCONT would come before the exec.
execed_waits()
{
	for pid in $(pgrep -f -x ".*/daemon-job vgo vdone"); do
		[ "$(sed 's/^.*) \(.\).*$/\1/' "/proc/$pid/stat")" = t ] &&
		    return 0
	done
	return 1
}
i=0
while ! execed_waits && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
tui_type 'fg; echo vfork2=$?'
tui_keys Enter
: >"$TAP_TMP/vgo"
# (The ^Z that ptinspect's pty echoed may come just before the line.)
screen_until 'vfork2=[0-9]' || {
	tui_screen | tap_diag "$(cat)"
	pkill -KILL -f "daemon-job vgo vdone"
	screen_until 'vfork2=[0-9]'
}
tap_is "$(tui_screen | grep -o 'vfork2=[0-9][0-9]*' | tail -1):$(cat "$TAP_TMP/vdone" 2>/dev/null)" \
    "vfork2=0:ok 2016 memfd" \
    "... fg: the child, exec'd while ptinspect was stopped, goes on to its end"

# The process left running waits for the file go (at most 30 s), then
# writes a file and a line to its terminal. Natively the command returns
# at once and the line comes later, on the terminal; once the TUI has
# closed, a keeper takes the process over and ptinspect returns at once
# too, and the line still reaches the terminal (ptinspect-tty relays it).
wait_go='i=0; while [ ! -e go ] && [ $i -lt 600 ]; do sleep 0.05;'
wait_go="$wait_go"' i=$((i+1)); done'
left="($wait_go; echo finished > left; echo late-line) & echo started; exit 5"
tui_type "clear; cd '$TAP_TMP'; '$PTINSPECT' sh -c '$left'; echo left=\$?"
tui_keys Enter
tui_wait "is gone" || tap_bail "the TUI did not start"
tui_keys q
tui_wait "let it run to its end"
tui_keys c
screen_until '^left=' || tui_screen | tap_diag "$(cat)"
tap_like "$(tui_screen | grep '^left=')" '^left=5$' \
    "a process left running: ptinspect exits with the program's status"
tap_ok "... at once: the process still runs (it has not written its file)" \
    test ! -e "$TAP_TMP/left"
keeper_said='left running \(pid [0-9]+, sh(, \.\.\.)?\) go(es)? on under a keeper'
tap_like "$(tui_screen | tr -d '\n')" "$keeper_said" \
    "... saying it goes on under a keeper"
# The relay takes signals as any process does: none blocked, none
# ignored or caught of the TUI's and tracer's (SIGTERM, SIGINT, SIGQUIT).
relay=
for pid in $(pti_tagged_pids); do
	[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = ptinspect-tty ] && relay=$pid
done
relay_status() {
	sed -n "s/^$1:[[:space:]]*//p" "/proc/${relay:-none}/status" 2>/dev/null
}
blk=$(relay_status SigBlk)
ign=$(relay_status SigIgn)
cgt=$(relay_status SigCgt)
# SIGINT, SIGQUIT and SIGTERM: bits 1, 2 and 14.
tap_is "$blk:$((0x${ign:-0} & 0x4006)):$((0x${cgt:-0} & 0x4006))" \
    "0000000000000000:0:0" \
    "ptinspect-tty blocks no signal, ignores and catches none of SIGINT, SIGQUIT, SIGTERM"
touch "$TAP_TMP/go"
# (After bash's prompt, as a background job's line comes natively.)
screen_until 'late-line$' || tui_screen | tap_diag "$(cat)"
tap_is "$(cat "$TAP_TMP/left" 2>/dev/null)" finished \
    "... it runs to its end under the keeper"
tap_like "$(tui_screen | grep 'late-line$')" 'late-line$' \
    "... and the line it writes to its terminal reaches the user's"

# A daemon it left (setsid -f: its own session, /dev/null for its
# descriptors) does not hold the user's shell: natively the command
# returns at once, and once the TUI closes ptinspect hands it to a keeper
# and returns too. The daemon then still runs: it writes its file only
# after the test lets it, under the keeper.
printf '%s\n' "$wait_go" 'echo finished > daemon' |
    sed 's/ go / go2 /' > "$TAP_TMP/daemon.sh"
daemon='setsid -f sh daemon.sh </dev/null >/dev/null 2>&1; exit 6'
tui_type "clear; '$PTINSPECT' sh -c '$daemon'; echo daemon=\$?"
tui_keys Enter
tui_wait "is gone" || tap_bail "the TUI did not start"
tui_keys q
tui_wait "let it run to its end"
tui_keys c
screen_until '^daemon=' || tui_screen | tap_diag "$(cat)"
tap_like "$(tui_screen | grep '^daemon=')" '^daemon=6$' \
    "a daemon left running: ptinspect exits with the program's status"
tap_ok "... while the daemon still runs (it has not written its file)" \
    test ! -e "$TAP_TMP/daemon"
tap_like "$(tui_screen | tr -d '\n')" "$keeper_said" \
    "... saying it goes on under a keeper"
touch "$TAP_TMP/go2"
i=0
while [ ! -s "$TAP_TMP/daemon" ] && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
tap_is "$(cat "$TAP_TMP/daemon" 2>/dev/null)" finished \
    "... and runs to its end under the keeper"
tui_done
