#!/bin/sh
# core.t: the TUI on a process that is gone. A core of tui-crash (written
# by `gcore` at its SIGSEGV) opens with --core=FILE: the status line names
# the signal, address and function, the Threads pane shows the frames gdb
# shows on the same core, the Source pane frame #0's line as gdb's, the Regions pane lists the program's mappings,
# and edits and live-only keys (F2/e, F8, F9, !) are refused in the
# status line without a crash; q quits at once, exit status 0; the
# Regions pane's RSS column is "?" (a core has no smaps). A snapshot
# (--snapshot=DIR) shows its saved descriptors in the Process pane, and
# in the Regions pane the RSS the live `maps` gave at the pause (from the
# saved smaps). A snapshot of tui-threads (four named threads) names
# them in the Threads pane, as the live pause did.
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/tui/tui-lib.sh"

prog=$TUI_PROGS/tui-crash
core=$TAP_TMP/crash.core
snap=$TAP_TMP/snap
pti_run --batch --json="$TAP_TMP/live.json" -ex "gcore $core" -ex maps \
    -ex "save $snap" -- "$prog"
tap_is "$TAP_RC" 139 "the core is written at the crash (139)"

# Batch runs first: pti_run counts a tagged process alive after it (the
# TUI's ptinspect) as left behind.
pti_run --core="$core" --batch -ex maps "$prog"
n=$(printf '%s\n' "$TAP_OUT" | grep -c '^ *[0-9a-f]*-[0-9a-f]* ')
tsnap=$TAP_TMP/tsnap
pti_run --batch -ex threads -ex "save $tsnap" -- "$TUI_PROGS/tui-threads"
# "TID NAME" of each thread, as the live `threads` printed them.
printf '%s\n' "$TAP_OUT" | awk '$NF ~ /^0x/ { print $(NF - 3), $(NF - 2) }' |
    sort >"$TAP_TMP/tnames"

tui_start -- --core="$core" "$prog"
tui_wait "SIGSEGV at 0x10 in crash_here" &&
    tap_pass "the status line names the signal, address and function"
tui_wait "core $core: read-only" &&
    tap_pass "it says the core is read-only"
tui_wait "#3" || tap_bail "no backtrace"
got=$(tui_cut 18 28 47 99 | sed -n 's/^ *#[0-9]*  \([a-z_]*\)+0x.*/\1/p' |
    head -4 | tr '\n' ' ')
if command -v gdb >/dev/null 2>&1; then
	gdb -nx -batch -ex bt "$prog" "$core" >"$TAP_TMP/gdb.bt" 2>/dev/null
	line=$(sed -n 's/^#0 .* at .*tui-crash\.c:\([0-9]*\)$/\1/p' \
	    "$TAP_TMP/gdb.bt" | head -1)
	want=$(sed -n 's/^#[0-9]* .* in \([a-z_]*\) (.*/\1/p
	    s/^#0  \([a-z_]*\) (.*/\1/p' "$TAP_TMP/gdb.bt" |
	    awk '!seen[$0]++' | head -4 | tr '\n' ' ')
else
	line=21
	want="crash_here middle outer main "
fi
tap_is "$got" "$want" "the Threads pane shows gdb's frames"
tap_like "$(tui_cut 1 1 0 78)" "Source ─tui-crash.c:$line in crash_here, frame #0" \
    "the Source pane shows frame #0's line (gdb's: $line)"
tui_keys F6
tui_wait "by size"
tap_like "$(tui_cut 17 17 47 99)" "─$n of $n, by size" \
    "the Regions pane lists the core's $n regions"
tap_like "$(tui_cut 18 28 47 99)" " r-xp .* libc.so.6$" \
    "... libc's code among them"
tap_like "$(tui_cut 18 28 47 99)" " rw-p .*\[stack\]$" "... and the stack"
tap_is "$(tui_cut 18 28 47 99 | awk '{ print $4 }' | sort -u)" "?" \
    "... with no RSS (a core has no smaps)"
# F2 first brings the Memory pane to the front (the crash opens on
# Source), then asks it to edit.
tui_keys F2
tui_wait "  core  held"
tui_keys F2
tui_wait "edit: core is read-only (no live process)" &&
    tap_pass "F2 (edit) is refused: core is read-only"
tap_unlike "$(tui_screen)" "EDIT hex" "... and no edit mode"
tui_keys F8
tui_wait "continue: no live process" && tap_pass "F8 (continue) is refused"
tui_keys e
tui_wait "edit: core is read-only (no live process)" &&
    tap_pass "e (edit) in the Memory pane is refused too"
tui_keys F9
tui_wait "kill: no live process" && tap_pass "F9 (kill) is refused"
tui_keys '!'
tui_wait "shell: no live process" && tap_pass "! (shell) is refused"
tui_keys q
tap_is "$(tui_exit_status)" 0 "q quits at once: exit status 0"

tui_start -- --snapshot="$snap" "$prog"
tui_wait "snapshot $snap: read-only" || tap_bail "the snapshot did not open"
tui_keys p 2
tui_wait "Files (\`fds\` on the snapshot)" &&
    tap_pass "the Process pane reads the snapshot"
tap_is "$(tui_cut 4 5 0 40 | sed 's/^ *//; s/ .*//' | tr '\n' ' ')" "0 1 " \
    "... its saved descriptors"
tui_keys F6 s
tui_wait "by RSS" || tap_bail "the Regions pane did not sort by RSS"
# Each row's start and RSS against the live maps' rss_kb, formatted as
# the pane's fmt_size does.
grep '^{"cmd":"maps"' "$TAP_TMP/live.json" | tr '{' '\n' |
    sed -n 's/^"start":"0x\([0-9a-f]*\)".*"rss_kb":\([0-9]*\).*/\1 \2/p' \
    >"$TAP_TMP/live.rss"
got=$(tui_cut 18 28 47 99 | awk -v live="$TAP_TMP/live.rss" '
function fmt(n, v, u) {
	if (n < 1024)
		return n
	for (v = n; v >= 1024 && u < 6; u++)
		v /= 1024
	if (v < 10 && v != int(v))
		return sprintf("%.1f%s", v, substr("KMGTPE", u, 1))
	return sprintf("%.0f%s", v, substr("KMGTPE", u, 1))
}
BEGIN {
	while ((getline l < live) > 0) {
		split(l, f, " ")
		rss[f[1]] = fmt(f[2] * 1024)
	}
}
NF > 4 {
	a = $1
	sub(/^0+/, "", a)
	n++
	if (!(a in rss) || rss[a] != $4)
		bad = bad " " $1 "=" $4 "(" rss[a] ")"
}
END { print n, "bad:" bad }')
tap_is "$got" "11 bad:" \
    "the Regions pane's RSS on the snapshot: the live pause's"
tui_keys q
tap_is "$(tui_exit_status)" 0 "q quits: exit status 0"

tui_start -- --snapshot="$tsnap" "$TUI_PROGS/tui-threads"
tui_wait "crash_in_worker+0x" || tap_bail "the threads snapshot did not open"
# The rows shown (each thread's backtrace follows it: not all fit).
tui_cut 18 28 47 99 | sed -n 's/^[> ] *\([0-9][0-9]*\) \([^ ]*\)  *held$/\1 \2/p' |
    sort >"$TAP_TMP/tshown"
tap_like "$(tui_cut 18 18 47 99)" "^> [0-9]+ crasher +held$" \
    "the Threads pane on a snapshot: the crashing thread by its name"
# How many rows fit depends on each thread's backtrace: at least two.
unnamed=$(comm -23 "$TAP_TMP/tshown" "$TAP_TMP/tnames" | tr '\n' ' ')
rows=$(wc -l <"$TAP_TMP/tshown")
tap_ok "... and the $rows threads shown have the names the live threads had${unnamed:+ (not: $unnamed)}" \
    test -z "$unnamed" -a "$rows" -ge 2
tui_keys q
tui_done
