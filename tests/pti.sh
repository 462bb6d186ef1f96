# pti.sh: helpers for the shell tests that run programs under ptinspect.
# Source it after tap.sh:
#
#	. "$TOP_SRCDIR/tests/tap.sh"
#	. "$TOP_SRCDIR/tests/pti.sh"
#	pti_run --batch -ex status "$PROGS/exit-code" 42   # sets TAP_RC ...
#	pti_done		# adds "no tracee left behind", then tap_done
#
# pti_run ARG... runs "$PTINSPECT" ARG... through tap_run with a tag in its
# environment (PTI_TEST_TAG, unique to this test script), which every
# tracee inherits. Afterwards any live process still carrying the tag is
# a tracee ptinspect left stopped or orphaned: it is recorded with its
# /proc state and the command that leaked it, then killed so it cannot
# disturb later tests. pti_done reports them all as one test.
# pti_tagged_pids prints the pids carrying the tag (for tests that look at
# tracees while ptinspect runs). A keeper that traces what the program
# left running once ptinspect has returned (tracer-keeper.c) is waited
# for before the leftovers are looked for.
# pti_json_eval CMD EXPR evaluates the Python expression EXPR, with o bound
# to each JSON object of the last run's stdout whose "cmd" is CMD, and
# prints one result a line (python3 needed).
# pti_print_cmds EXPRS OURS GDB turns EXPRS (one a line: "frame N", or an
# expression) into command files for ptinspect -x (frame, locals, args;
# p EXPR) and gdb -x (frame, info locals, info args; p EXPR).
# PTI_EXTRA_ARGS, when set (e.g. --no-redirect), goes before the arguments
# of every run of "$PTINSPECT": pti.sh points PTINSPECT at a wrapper that
# adds them. .ci/run uses it to require that the redirection tests fail
# with redirection forced off.
# PTI_SECOND_PASS, when set, marks a second run of the suite (.ci/run's
# sanitizer build, after a full first pass): the tests whose cost is in
# native runs or in repeating one check in several modes (output.t,
# pause.t, semantics.t) keep what exercises ptinspect's code and say what
# they left out.

: "${PTINSPECT:?PTINSPECT is not set (run the tests through make check)}"
: "${PROGS:?PROGS is not set (run the tests through make check)}"
TAP_TIMEOUT=${TAP_TIMEOUT:-30}

if [ -n "${PTI_EXTRA_ARGS:-}" ]; then
	printf '#!/bin/sh\nexec %s %s "$@"\n' "'$PTINSPECT'" \
	    "$PTI_EXTRA_ARGS" >"$TAP_TMP/ptinspect"
	chmod +x "$TAP_TMP/ptinspect"
	PTINSPECT=$TAP_TMP/ptinspect
	tap_diag "every ptinspect run gets $PTI_EXTRA_ARGS"
fi

pti_tag="pti-test-$$-$(date +%s%N)"
pti_leaked=

pti_tagged_pids()
{
	grep -lsaF "PTI_TEST_TAG=$pti_tag" /proc/[0-9]*/environ |
		sed 's,^/proc/\([0-9]*\)/environ$,\1,'
}

pti_json_eval()
{
	printf '%s\n' "$TAP_OUT" | python3 -c '
import json, sys
for line in sys.stdin:
	o = json.loads(line) if line.startswith("{") else {}
	if o.get("cmd") == sys.argv[1]:
		print(eval(sys.argv[2], {"o": o}))
' "$1" "$2"
}

# pti_json_facts FILE BODY: runs BODY (python, indented one tab) for
# each JSON object o of FILE's JSON lines, c its command's name.
pti_json_facts()
{
	python3 -c "
import json, sys
for line in open(sys.argv[1]):
	if not line.startswith('{'):
		continue
	o = json.loads(line)
	c = o.get('cmd')
$2" "$1"
}

pti_print_cmds()
{
	: >"$2"
	: >"$3"
	while IFS= read -r pti_e; do
		case $pti_e in
		frame*)
			printf '%s\nlocals\nargs\n' "$pti_e" >>"$2"
			printf '%s\ninfo locals\ninfo args\n' "$pti_e" >>"$3"
			;;
		*)
			printf 'p %s\n' "$pti_e" | tee -a "$2" >>"$3"
			;;
		esac
	done <"$1"
}

pti_run()
{
	tap_run env PTI_TEST_TAG="$pti_tag" "$PTINSPECT" "$@"
	pti_collect_leftovers "$*"
}

# What a program left running may go on under a keeper (ptinspect-keep,
# tagged like ptinspect; after the TUI, with ptinspect-tty relaying its
# terminal) once ptinspect has returned: waits, polling, for every such
# process of ptinspect's to end (TAP_TIMEOUT at most), so that what is
# still alive after is a leak.
pti_wait_keepers()
{
	pti_n=$((${TAP_TIMEOUT:-30} * 20))
	while [ "$pti_n" -gt 0 ]; do
		pti_k=
		for pti_pid in $(pti_tagged_pids); do
			case $(cat "/proc/$pti_pid/comm" 2>/dev/null) in
			ptinspect-keep | ptinspect-tty) pti_k=$pti_pid ;;
			esac
		done
		[ -z "$pti_k" ] && return
		sleep 0.05
		pti_n=$((pti_n - 1))
	done
}

# Records and kills the tagged processes still alive, naming the command
# (after any keeper has ended).
pti_collect_leftovers()
{
	pti_wait_keepers
	for pti_pid in $(pti_tagged_pids); do
		pti_state=$(sed 's/^.*) \(.\).*$/\1/' "/proc/$pti_pid/stat" \
			2>/dev/null) || continue
		pti_leaked="$pti_leaked
pid $pti_pid state $pti_state after: ptinspect $1"
		kill -KILL "$pti_pid" 2>/dev/null
	done
}

pti_done()
{
	if [ -z "$pti_leaked" ]; then
		tap_pass "no tracee left behind"
	else
		tap_fail "no tracee left behind"
		tap_diag "${pti_leaked#?}"
	fi
	tap_done
}
