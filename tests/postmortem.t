#!/bin/sh
# postmortem.t: --core=FILE runs the commands on a core file as on a held
# process. The oracle for ptinspect's own core is the live pause it was
# written at: bt's functions, find's matches, the bytes at $rsp, the
# registers and the threads must be the same. A core written by gdb's
# gcore of a program ptinspect never ran must show the frames gdb shows.
# A core is read-only; commands that need the live process say so; bad
# input gets a clear error.

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"

tap_require_cmd python3

prog=$PROGS/gcore
core=$TAP_TMP/live.core
# The same commands at the live pause and on the core.
cmds=$TAP_TMP/cmds
printf '%s\n' bt 'find "GCORE-MARKER-7f3a9c"' 'x $rsp 64' regs threads \
	'sym main' 'disas main 6' maps >"$cmds"

# facts FILE: one line per command of the JSON lines in FILE: bt's
# functions (every thread), find's matches, x's bytes, regs, thread ids,
# sym's and disas's objects.
facts()
{
	pti_json_facts "$1" '
	if c == "bt":
		for t in o["threads"]:
			print("bt", t["tid"], " ".join(f["function"] or "??"
			    for f in t["frames"]))
	elif c == "find":
		print("find", " ".join(o["matches"]))
	elif c == "x":
		print("x", o["addr"], o["bytes"])
	elif c == "regs":
		print("regs", " ".join("%s=%s" % kv for kv in sorted(o["regs"].items())))
	elif c == "threads":
		print("threads", " ".join(str(t["tid"]) for t in o["threads"]))
	elif c == "sym":
		print("sym", o)
	elif c == "disas":
		print("disas", [(i["addr"], i["text"]) for i in o["insns"]])
'
}

pti_run --batch --json="$TAP_TMP/live.json" -ex "gcore $core" -x "$cmds" \
	-- "$prog" crash
tap_is "$TAP_RC" 139 "the live run crashes as the program does (139)"
facts "$TAP_TMP/live.json" >"$TAP_TMP/live.facts"

pti_run --core="$core" --batch --json -x "$cmds" "$prog"
tap_is "$TAP_RC" 0 "--core: every command ran (exit 0)"
printf '%s\n' "$TAP_OUT" >"$TAP_TMP/core.json"
facts "$TAP_TMP/core.json" >"$TAP_TMP/core.facts"
for what in bt find x regs threads sym disas; do
	live=$(grep "^$what " "$TAP_TMP/live.facts")
	tap_isnt "$live" "" "live run: $what printed"
	tap_is "$(grep "^$what " "$TAP_TMP/core.facts")" "$live" \
		"--core: $what as at the live pause"
done
# A core has no smaps: maps --json's rss_kb is null there, a number live.
tap_is "$(grep '^{"cmd":"maps"' "$TAP_TMP/core.json" | grep -c '"rss_kb":[0-9]')" 0 \
	"--core: maps has no RSS (rss_kb null)"
tap_like "$(grep '^{"cmd":"maps"' "$TAP_TMP/live.json")" '"rss_kb":[1-9]' \
	"... the live pause's maps has it"

pti_run --core="$core" --batch --json -ex status "$prog"
tap_is "$(tap_json "$TAP_OUT" status state)" core "status: state core"
tap_is "$(tap_json "$TAP_OUT" status signal)" SIGSEGV "status: SIGSEGV"
tap_is "$(tap_json "$TAP_OUT" status comm)" gcore "status: comm from the core"

# Text too, and the code of a file mapping read from the file, as gdb.
pti_run --core="$core" --batch -ex 'x $rip 8' "$prog"
if command -v gdb >/dev/null 2>&1; then
	want=$(gdb -nx -batch -ex 'x/8xb $pc' "$prog" "$core" 2>/dev/null |
		tail -1 | sed 's/^[^:]*://; s/0x//g' | tr -s ' \t' ' ' |
		sed 's/^ //; s/ $//')
	got=$(printf '%s\n' "$TAP_OUT" | sed 's/^[0-9a-f]*  //; s/ *|.*//' |
		tr -s ' ' ' ' | sed 's/ $//')
	tap_is "$got" "$want" "x \$rip: the code bytes gdb reads (from the file)"
else
	tap_skip "no gdb" "x \$rip: the code bytes gdb reads"
fi

# Read-only, and what needs the live process.
pti_run --core="$core" --batch -ex 'write $rsp 00' -ex fds "$prog"
tap_is "$TAP_RC" 1 "write and fds on a core: exit 1"
tap_like "$TAP_ERR" "write: not available for a core file" "write refused"
tap_like "$TAP_ERR" "fds: not available for a core file" "fds refused"

# A core that gdb wrote of a program ptinspect never ran.
if command -v gdb >/dev/null 2>&1; then
	gcore_gdb=$TAP_TMP/gdb.core
	gdb -nx -batch -ex run -ex "gcore $gcore_gdb" --args "$prog" crash \
		>"$TAP_TMP/gdb.out" 2>&1
	want=$(gdb -nx -batch -ex bt "$prog" "$gcore_gdb" 2>/dev/null |
		sed -n 's/^#[0-9]* .* in \([a-z_]*\) (.*/\1/p; s/^#0  \([a-z_]*\) (.*/\1/p' |
		grep '^gcore_\|^main$' | awk '!seen[$0]++' | tr '\n' ' ')
	pti_run --core="$gcore_gdb" --batch -ex bt "$prog"
	got=$(printf '%s\n' "$TAP_OUT" | sed -n 's/^#[0-9]* *0x[0-9a-f]* in \([a-z_]*\)+.*/\1/p' |
		grep '^gcore_\|^main$' | tr '\n' ' ')
	tap_isnt "$want" "" "gdb's own bt of its core names the program's frames"
	tap_is "$got" "$want" "--core on gdb's gcore: the frames gdb shows"
else
	tap_skip "no gdb" "gdb's own bt of its core"
	tap_skip "no gdb" "--core on gdb's gcore"
fi

# Bad input.
printf 'not a core\n' >"$TAP_TMP/text"
pti_run --core="$TAP_TMP/text" --batch -ex status
tap_is "$TAP_RC" 2 "a text file: refused (exit 2)"
tap_like "$TAP_ERR" "text" "a text file: the message names it"
pti_run --core="$TAP_TMP/missing" --batch -ex status
tap_is "$TAP_RC" 2 "a missing file: refused (exit 2)"
pti_run --core="$core" -- "$prog"
tap_is "$TAP_RC" 2 "--core's TUI without a terminal: refused (exit 2)"
tap_like "$TAP_ERR" "terminal" "... the message says why"
for opt in -f -p --save="$TAP_TMP/s" --no-redirect --timeout=5; do
	pti_run --core="$core" --batch $opt -ex status -- "$prog"
	tap_is "$TAP_RC" 2 "--core with ${opt%%=*}: refused (exit 2)"
	tap_like "$TAP_ERR" "^ptinspect: ${opt%%=*}.* not with --core" \
	    "--core with ${opt%%=*}: the message names it"
done

pti_done
