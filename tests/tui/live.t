#!/bin/sh
# live.t: the live view and editing on tui-live, whose page at 0x20000000000
# holds "LIVEDATA", a counter it bumps every millisecond, a stop byte and
# "edit me". While it runs, the counter's bytes are highlighted as changed
# and the marker is not; an edit of the stop byte made in the TUI while it
# runs is seen by the program (it exits with that value, and ptinspect
# with it); read-back through the `:x` prompt; ASCII editing and undo
# while it is held; NO_COLOR gives attributes without colours.
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/tui/tui-lib.sh"

# The first memory row as one line per run of text with its attributes:
# "fg=30 bg=43 u=0|b1", from capture-pane -e's SGR sequences.
row_cells()
{
	tui_screen -e | sed -n 3p | perl -ne '
		my %s = (fg => 39, bg => 49, b => 0, u => 0, d => 0);
		for my $part (split /(\e\[[0-9;]*m)/) {
			if ($part =~ /^\e\[([0-9;]*)m$/) {
				for my $p (split /;/, $1 eq "" ? "0" : $1) {
					if ($p == 0) { %s = (fg => 39, bg => 49,
					    b => 0, u => 0, d => 0) }
					elsif ($p == 1) { $s{b} = 1 }
					elsif ($p == 2) { $s{d} = 1 }
					elsif ($p == 4) { $s{u} = 1 }
					elsif ($p == 22) { $s{b} = $s{d} = 0 }
					elsif ($p == 24) { $s{u} = 0 }
					elsif ($p >= 30 && $p <= 39) { $s{fg} = $p }
					elsif ($p >= 40 && $p <= 49) { $s{bg} = $p }
				}
				next;
			}
			for my $w (split / +/, $part) {
				print "fg=$s{fg} bg=$s{bg} b=$s{b} u=$s{u}|$w\n"
				    if length $w;
			}
		}'
}

tui_start -- -p "$TUI_PROGS/tui-live"
tui_wait "running" || tap_bail "the TUI did not start"
tui_keys F5; tui_type 0x20000000000; tui_keys Enter
tui_wait "020000000000  4c 49 56 45" || tap_bail "goto failed"
tap_like "$(tui_cut 1 1 0 99)" "(live|copy: 2 Hz)" \
    "the title says how often it refreshes"
sleep 1
cells=$(row_cells)
tap_like "$cells" '^fg=30 bg=43 .*\|[0-9a-f]{2}$' \
    "a counter byte is highlighted (yellow background) while it runs"
# The row's cells after its address: the marker "LIVEDATA", then the
# counter (whose bytes may take any value, 0x49 included).
marker=$(printf '%s\n' "$cells" | sed -n 2,9p)
tap_is "$(printf '%s\n' "$marker" | sed 's/.*|//' | tr -d '\n')" \
    4c49564544415441 "the row starts with the marker"
tap_unlike "$marker" 'bg=43' "the marker's bytes are not"

# The stop byte (+0xc): type 07 over it while the program runs.
tui_keys l l l l l l l l l l l l e 0 7 Escape
tui_wait "paused at exit_group(7)" &&
    tap_pass "the program saw the edit and exited 7; ptinspect holds it"
tui_keys :; tui_type 'x 0x20000000000 16'; tui_keys Enter
tui_wait "|LIVEDATA" &&
    tap_like "$(tui_screen)" \
    "^0000020000000000  4c 49 56 45 44 41 54 41  .. .. .. .. 07 00 00 00" \
    "x in the prompt reads the edit back"

# ASCII editing while held, then undo.
tui_keys F5; tui_type 0x20000000010; tui_keys Enter
tui_wait "020000000010 anon"
tui_keys e Tab; tui_type 'EDITED'; tui_keys Escape
tui_keys :; tui_type 'x 0x20000000010 8'; tui_keys Enter
tui_wait "|EDITED" && tap_pass "typing in the ASCII column writes memory"
tui_keys Escape u u u u u u
tui_keys :; tui_type 'x 0x20000000010 8'; tui_keys Enter
tui_wait "|edit me" && tap_pass "u undoes the edits one by one"
tui_keys Escape Tab Tab Tab Tab Tab
tui_wait "stopped by an edit: edit me" &&
    tap_pass "the output pane shows what the program printed"

tui_keys q
tui_wait "let the exit finish"
tui_keys c
tap_is "$(tui_exit_status)" 7 "ptinspect exits with the program's status"

# NO_COLOR: highlights survive as attributes, without a colour.
tui_start NO_COLOR=1 -- -p "$TUI_PROGS/tui-live"
tui_wait "running"
tui_keys F5; tui_type 0x20000000000; tui_keys Enter
tui_wait "020000000000  4c 49 56 45"
sleep 1
tap_unlike "$(tui_screen -e)" '\[(3|4)[0-7]m' "NO_COLOR: no colour escapes"
tap_like "$(row_cells)" '^fg=39 bg=49 b=1 u=1\|[0-9a-f]{2}$' \
    "NO_COLOR: the changed counter is underlined"
tui_keys F9 y
tui_wait "killed by SIGKILL" && tap_pass "F9 then y kills the program"
tui_keys q
tap_is "$(tui_exit_status)" 137 "exit status 128+9 after a kill"
tui_done
