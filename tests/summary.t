#!/bin/sh
# summary.t: processes of a tree (-f) in batch mode. Each pause's text
# output is preceded by "[pid N (comm)]" once more than one process is
# traced, and not for a lone process or in JSON (whose status carries
# pid, ppid, comm, argv and exe). --summary[=FILE] prints, once all is
# gone, one line per traced process: pid, ppid, comm, lifetime in ms and
# exit code or signal, in the order they exited; JSON lines with --json.
# The oracles: the pids and parents the shells print themselves ($$,
# $PPID), the sleep's 300 ms, and the lifetime /proc gives `status` at
# each pause.
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"
tap_require_cmd python3

tree='echo "root $$ $PPID"; sh -c "echo child \$\$ \$PPID; sleep 0.3; exit 3"; sh -c "echo killed \$\$; kill -TERM \$\$"; exit 5'

pti_run --batch -f --summary -ex status sh -c "$tree"
tap_is "$TAP_RC" 5 "exit status: the root's 5"
root=$(printf '%s\n' "$TAP_OUT" | awk '$1 == "root" { print $2 }')
ptpid=$(printf '%s\n' "$TAP_OUT" | awk '$1 == "root" { print $3 }')
child=$(printf '%s\n' "$TAP_OUT" | awk '$1 == "child" { print $2 }')
killed=$(printf '%s\n' "$TAP_OUT" | awk '$1 == "killed" { print $2 }')
for p in "$child" "$killed" "$root"; do
	tap_like "$(printf '%s\n' "$TAP_OUT" | grep -A1 "^\[pid $p (sh)\]\$")" \
	    "^pid $p: paused" "a header names pid $p (sh) before its pause's lines"
done
tap_like "$TAP_OUT" '^\[pid [0-9]+ \(sleep\)\]$' "... and the sleep"
tap_is "$(printf '%s\n' "$TAP_OUT" | grep -c '^\[pid ')" 4 "one header per pause"

# The summary on stderr: heading, then one line per process.
sum=$(printf '%s\n' "$TAP_ERR" | sed -n '/^PID  *PPID  *COMM  *LIFETIME_MS  *EXIT$/,$p')
tap_is "$(printf '%s\n' "$sum" | sed 1d | wc -l)" 4 \
    "--summary: a heading and four processes"
tap_like "$sum" "^$child +$root +sh +[0-9]+ exit 3\$" "the child: exit 3, parent the root"
tap_like "$sum" "^$killed +$root +sh +[0-9]+ SIGTERM\$" "the one killed: SIGTERM"
tap_like "$sum" "^$root +$ptpid +sh +[0-9]+ exit 5\$" \
    "the root: exit 5, parent ptinspect (its \$PPID)"
tap_like "$sum" "^[0-9]+ +$child +sleep +[0-9]+ exit 0\$" "the sleep: exit 0, parent the child"
tap_is "$(printf '%s\n' "$sum" | sed 1d | awk '{ print $1 }' | tr '\n' ' ')" \
    "$(printf '%s\n' "$sum" | sed 1d | awk '$3 == "sleep" { print $1 }') $child $killed $root " \
    "in the order they exited"
ms=$(printf '%s\n' "$sum" | awk '$3 == "sleep" { print $4 }')
if [ "$ms" -ge 300 ] && [ "$ms" -lt 3000 ]; then
	tap_pass "the sleep 0.3 lived 300 ms or more ($ms)"
else
	tap_fail "the sleep 0.3 lived 300 ms or more ($ms)"
fi

# Against /proc: the lifetime `status` read at each pause (its start
# floored to a clock tick, read a little after the pause was seen).
bad=
for p in $root $child $killed; do
	st=$(printf '%s\n' "$TAP_OUT" | grep -A4 "^pid $p: paused" |
	    sed -n 's/^  lifetime \([0-9]*\) ms.*/\1/p')
	s=$(printf '%s\n' "$sum" | awk -v p="$p" '$1 == p { print $4 }')
	[ -n "$st" ] && [ -n "$s" ] && [ "$s" -le $((st + 15)) ] &&
	    [ "$s" -ge $((st - 150)) ] || bad="$bad $p:$s/$st"
	tap_diag "pid $p: summary $s ms, /proc at the pause $st ms"
done
tap_is "$bad" "" "lifetimes agree with /proc's at the pause (within a tick and the pause's handling)"

# A lone process: no header.
pti_run --batch -f -ex status true
tap_unlike "$TAP_OUT" '^\[pid ' "one process traced: no header"

# JSON: no header; status carries pid, ppid, comm, argv, exe; the
# summary as JSON lines in FILE.
pti_run --batch -f --json --summary="$TAP_TMP/sum.json" -ex status \
    sh -c 'sh -c "exit 3"; exit 5'
tap_is "$TAP_RC" 5 "json: exit status 5"
tap_unlike "$TAP_OUT" '^\[pid ' "json: no header"
tap_is "$(pti_json_eval status '",".join(sorted(k for k in ("pid","ppid","comm","argv","exe") if k in o))')" \
    "argv,comm,exe,pid,ppid
argv,comm,exe,pid,ppid" "json: each status has pid, ppid, comm, argv, exe"
tap_is "$(python3 -c '
import json, sys
for line in open(sys.argv[1]):
	o = json.loads(line)
	print(o["cmd"], o["comm"], o["exit_code"], o["signal"],
	    type(o["lifetime_ms"]).__name__, o["pid"] > 0, o["ppid"] > 0)
' "$TAP_TMP/sum.json")" "summary sh 3 None int True True
summary sh 5 None int True True" "--summary=FILE with --json: JSON lines"
root=$(pti_json_eval status 'o["pid"] if o["argv"][2] != "exit 3" else ""' | grep .)
tap_is "$(python3 -c '
import json, sys
print([o["ppid"] for o in map(json.loads, open(sys.argv[1]))
    if o["exit_code"] == 3][0])' "$TAP_TMP/sum.json")" "$root" \
    "json: the child's ppid is the root"

# Errors: --summary is for batch mode; a FILE that cannot be made.
# Many processes, one after another and side by side (the summary keeps
# only those not gone, and the ones listed since its last look): each
# is listed once, with its parent and its own status; the shell prints
# the pids it started, the outside oracle.
pti_run --batch -f --summary="$TAP_TMP/many.txt" sh -c '
	i=0
	while [ $i -lt 150 ]; do
		(exit $((i % 7))) & echo "$! $((i % 7))"
		sh -c "exit 3" & echo "$! 3"
		wait
		i=$((i + 1))
	done'
tap_is "$TAP_RC" 0 "300 processes: exit status 0"
bad=$(printf '%s\n' "$TAP_OUT" | while read -r pid code; do
	n=$(awk -v p="$pid" -v c="exit $code" '$1 == p &&
	    $0 ~ (c "$") { k++ } END { print k + 0 }' "$TAP_TMP/many.txt")
	[ "$n" = 1 ] || echo "$pid:$n"
done)
tap_is "$bad" "" "300 processes: each listed once, with its own exit status"
tap_is "$(sed 1d "$TAP_TMP/many.txt" | wc -l)" 301 \
    "300 processes: 301 lines, the shell's too"

pti_run --summary true
tap_is "$TAP_RC" 2 "--summary without --batch: usage error"
tap_like "$TAP_ERR" "--summary needs --batch" "... says so"
pti_run --batch --summary="$TAP_TMP/no/such/dir" true
tap_is "$TAP_RC" 2 "--summary=FILE in a missing directory: usage error"
tap_like "$TAP_ERR" "--summary=.*/no/such/dir: No such file" "... naming it"
pti_done
