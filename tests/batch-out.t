#!/bin/sh
# batch-out.t: where ptinspect's command output goes and what happens when
# it cannot be written. A reader that went away or a full disk stops the
# command output with one message on stderr; the program is not killed
# and exits with its own status, which is ptinspect's. The program itself
# does not inherit an ignored SIGPIPE.

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"
tap_require_cmd python3

# closed_pipe ARG...: ptinspect ARG... with stdout a pipe whose reader is
# already closed (no race with a reader still starting); prints the exit
# status (negative: killed by that signal).
cat >"$TAP_TMP/closed-pipe" <<'EOF_PY'
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
p = subprocess.run(sys.argv[1:], stdout=w)
print(p.returncode)
EOF_PY
closed_pipe="python3 $TAP_TMP/closed-pipe env PTI_TEST_TAG=$pti_tag $PTINSPECT"

tap_run $closed_pipe --batch -ex status -ex maps -- "$PROGS/exit-code" 3
pti_collect_leftovers "--batch -ex status -ex maps exit-code 3 | closed"
tap_is "$TAP_OUT" 3 \
	"output to a closed pipe: the program's own status (not killed)"
tap_like "$TAP_ERR" '^ptinspect: .*Broken pipe' \
	"output to a closed pipe: said on stderr"
tap_is "$(printf '%s\n' "$TAP_ERR" | grep -c 'Broken pipe')" 1 \
	"output to a closed pipe: said once"

# Several pauses (-f): the message still comes once, every process exits.
tap_run $closed_pipe --batch -f -ex status -- sh -c \
	"$PROGS/exit-code 1; $PROGS/exit-code 2; exit 5"
pti_collect_leftovers "--batch -f -ex status sh | closed"
tap_is "$TAP_OUT" 5 "closed pipe, -f: the root's own status"
tap_is "$(printf '%s\n' "$TAP_ERR" | grep -c 'Broken pipe')" 1 \
	"closed pipe, -f: said once"

# The program gets SIGPIPE's default action, as natively.
tap_run $closed_pipe --batch -- sh -c 'grep "^SigIgn" /proc/self/status >&2'
traced=$TAP_ERR
pti_collect_leftovers "--batch sh SigIgn | closed"
# The native run has the same parents (timeout(1) in tap_run catches
# SIGHUP, SIGINT and SIGQUIT, so what it runs gets their defaults).
tap_run python3 "$TAP_TMP/closed-pipe" sh -c 'grep "^SigIgn" /proc/self/status >&2'
tap_is "$traced" "${TAP_ERR:-no native SigIgn}" \
	"the program does not inherit an ignored SIGPIPE"

if [ -w /dev/full ]; then
	tap_run sh -c '"$@" >/dev/full' sh env PTI_TEST_TAG="$pti_tag" \
		"$PTINSPECT" --batch -ex status -ex maps -- "$PROGS/exit-code" 3
	pti_collect_leftovers "--batch -ex status exit-code 3 >/dev/full"
	tap_is "$TAP_RC" 3 "output to /dev/full: the program's own status"
	tap_like "$TAP_ERR" '^ptinspect: .*No space left on device' \
		"output to /dev/full: said on stderr"
else
	tap_skip "no writable /dev/full" 2
fi

# --json=FILE: the results go to FILE, the program's stdout stays its own,
# and the program does not inherit FILE's descriptor.
pti_run --batch --json="$TAP_TMP/results.json" -ex status -ex maps -- \
	sh -c 'echo program-line; ls -l /proc/self/fd/; exit 4'
tap_is "$TAP_RC" 4 "--json=FILE: the program's own status"
tap_is "$(printf '%s\n' "$TAP_OUT" | sed -n 1p)" program-line \
	"--json=FILE: the program's stdout is the program's alone"
tap_unlike "$TAP_OUT" '"cmd"|results\.json' \
	"--json=FILE: no result on stdout, FILE not open in the program"
tap_is "$(python3 -c '
import json, sys
print(" ".join(json.loads(l)["cmd"] for l in open(sys.argv[1])))
' "$TAP_TMP/results.json")" "status maps" \
	"--json=FILE: FILE holds one JSON line per command"
pti_run --batch --json=/nonexistent/dir/r.json -ex status -- \
	sh -c "touch '$TAP_TMP/ran'"
tap_is "$TAP_RC:$(test -e "$TAP_TMP/ran" && echo ran)" 2: \
	"--json=FILE that cannot be opened: exit 2, the program never starts"
tap_like "$TAP_ERR" '/nonexistent/dir/r.json: No such file' \
	"--json=FILE that cannot be opened: names FILE and why"

pti_done
