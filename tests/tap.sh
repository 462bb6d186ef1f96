# tap.sh: a small Test Anything Protocol library for the shell tests.
# POSIX sh (works under dash and bash). Source it from a test script:
#
#	. "${TOP_SRCDIR:-$(dirname "$0")/..}/tests/tap.sh"
#	tap_plan 3			# optional; tap_done prints it otherwise
#	tap_run "$PTINSPECT" --batch -ex status "$PROGS/exit-code" 42
#	tap_is "$TAP_RC" 42 "exit status"
#	tap_like "$TAP_OUT" '^pid [0-9]+: paused' "status line"
#	tap_is "$(tap_json "$TAP_OUT" status exit_code)" 42 "json exit_code"
#	tap_done
#
# Results: tap_pass DESC, tap_fail DESC, tap_ok DESC CMD [ARG...] (passes
# when CMD succeeds), tap_is GOT WANT DESC, tap_isnt GOT UNWANTED DESC,
# tap_like TEXT ERE DESC and tap_unlike TEXT ERE DESC (some line of TEXT
# matches / no line matches), tap_same_file GOT_FILE WANT_FILE DESC (byte
# for byte), tap_skip REASON [COUNT].
# Others: tap_diag MSG..., tap_skip_all REASON, tap_bail MSG,
# tap_require_cmd CMD... (skip the whole test when a command is missing).
#
# tap_run CMD [ARG...] runs CMD with stdin from /dev/null (TAP_STDIN names
# another file) under timeout(1) (TAP_TIMEOUT seconds, default 60) and sets
# TAP_RC (exit status), TAP_OUT and TAP_ERR (stdout and stderr, trailing
# newlines stripped); the exact bytes stay in "$TAP_TMP/out" and
# "$TAP_TMP/err" until the next tap_run. A timeout gives TAP_RC 124.
#
# tap_json TEXT CMD PATH prints one field of the JSON object on the first
# line of TEXT whose "cmd" is CMD (CMD#N: the Nth such line; an empty CMD:
# the first JSON line). PATH is keys and list indexes joined by dots
# ("regions.0.name"; empty: the whole object). Strings print raw, null as
# null, booleans as true/false, numbers as is, objects and lists as JSON.
# A missing line or field prints nothing and returns 1.
#
# TAP_TMP is a private directory removed at exit.

tap_n=0
tap_failed=0
tap_planned=

TAP_TMP=$(mktemp -d "${TMPDIR:-/tmp}/tap.XXXXXX") || exit 99
trap 'rm -rf "$TAP_TMP"' EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

tap_plan()
{
	tap_planned=$1
	echo "1..$1"
}

tap_skip_all()
{
	echo "1..0 # SKIP $*"
	exit 0
}

tap_bail()
{
	echo "Bail out! $*"
	exit 1
}

tap_diag()
{
	for tap_line in "$@"; do
		printf '%s\n' "$tap_line"
	done | sed 's/^/# /'
}

tap_pass()
{
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1"
}

tap_fail()
{
	tap_n=$((tap_n + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_n - $1"
}

tap_skip()
{
	tap_skip_i=0
	while [ "$tap_skip_i" -lt "${2:-1}" ]; do
		tap_n=$((tap_n + 1))
		echo "ok $tap_n # SKIP $1"
		tap_skip_i=$((tap_skip_i + 1))
	done
}

tap_ok()
{
	tap_ok_desc=$1
	shift
	if "$@"; then
		tap_pass "$tap_ok_desc"
	else
		tap_fail "$tap_ok_desc"
		tap_diag "command failed: $*"
		return 1
	fi
}

tap_is()
{
	if [ "x$1" = "x$2" ]; then
		tap_pass "$3"
	else
		tap_fail "$3"
		tap_diag "got:      '$1'" "expected: '$2'"
		return 1
	fi
}

tap_isnt()
{
	if [ "x$1" != "x$2" ]; then
		tap_pass "$3"
	else
		tap_fail "$3"
		tap_diag "got '$1', expected anything else"
		return 1
	fi
}

tap_like()
{
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		tap_pass "$3"
	else
		tap_fail "$3"
		tap_diag "no line matches /$2/ in:" "$1"
		return 1
	fi
}

tap_unlike()
{
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		tap_fail "$3"
		tap_diag "a line matches /$2/ in:" "$1"
		return 1
	else
		tap_pass "$3"
	fi
}

tap_same_file()
{
	if cmp -s -- "$1" "$2"; then
		tap_pass "$3"
	else
		tap_fail "$3"
		tap_diag "$(diff -- "$2" "$1" | head -20)"
		return 1
	fi
}

tap_require_cmd()
{
	for tap_cmd in "$@"; do
		command -v "$tap_cmd" >/dev/null 2>&1 ||
			tap_skip_all "$tap_cmd not installed"
	done
}

tap_run()
{
	timeout -k 5 "${TAP_TIMEOUT:-60}" "$@" \
		<"${TAP_STDIN:-/dev/null}" >"$TAP_TMP/out" 2>"$TAP_TMP/err"
	TAP_RC=$?
	TAP_OUT=$(cat "$TAP_TMP/out")
	TAP_ERR=$(cat "$TAP_TMP/err")
}

tap_json()
{
	printf '%s\n' "$1" | python3 -c '
import json, sys
cmd, path = sys.argv[1:3]
text = sys.stdin.read()
want, _, nth = cmd.partition("#")
nth = int(nth or 1)
obj = None
for line in text.splitlines():
	line = line.strip()
	if not line.startswith("{"):
		continue
	try:
		o = json.loads(line)
	except ValueError:
		continue
	if want and not (isinstance(o, dict) and o.get("cmd") == want):
		continue
	nth -= 1
	if nth == 0:
		obj = o
		break
if obj is None:
	sys.exit(1)
for key in path.split(".") if path else []:
	try:
		obj = obj[int(key)] if isinstance(obj, list) else obj[key]
	except (LookupError, ValueError, TypeError):
		sys.exit(1)
if isinstance(obj, str):
	print(obj)
elif obj is None or isinstance(obj, (bool, dict, list)):
	print(json.dumps(obj))
else:
	print(obj)
' "$2" "$3"
}

tap_done()
{
	if [ -z "$tap_planned" ]; then
		echo "1..$tap_n"
	elif [ "$tap_planned" -ne "$tap_n" ]; then
		echo "# planned $tap_planned tests but ran $tap_n"
		exit 1
	fi
	[ "$tap_failed" -eq 0 ] || exit 1
	exit 0
}
