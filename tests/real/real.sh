# real.sh: helpers for the check-real tests (tests/real/*.t), which run
# programs nobody on the team wrote, natively and under ptinspect, and
# require the same behaviour. POSIX sh; sourced after tests/tap.sh.
#
#	real_require CMD...	skip the whole test loudly when CMD is missing
#	real_setup() { ... }	optional: fills the (empty) working directory
#				before each run; both runs use the same path
#	real_filter() { ... }	optional: stdin -> stdout, applied to both
#				stdouts before they are compared (default cat)
#	REAL_STDERR=ignore	stderr is not deterministic: do not compare it
#	REAL_SIDE_BY_SIDE=yes	the native run goes on in the background, in a
#				directory of its own, while the traced one
#				runs (for a long, mostly waiting program
#				whose compared output names no path)
#	real_compare DESC [PTINSPECT_OPTION...] -- CMD [ARG...]
#
# real_compare runs CMD natively, then as
#	$PTINSPECT --pause-on-exit --batch -ex status OPTION... -- CMD ARG...
# in a fresh directory $REAL_DIR each time, and reports four TAP results:
# the same exit status, the same stdout (once ptinspect's `status` lines are
# taken out), the same stderr, and that the process really paused at its
# exit (a `paused at exit_group(STATUS)` line; exactly one pause without
# -f, at least REAL_MIN_PAUSES with it). Afterwards the runs' directories
# are $REAL_TMP/native and $REAL_TMP/traced, for checks on the files they
# produced.

[ -x "${PTINSPECT:-}" ] || tap_bail "PTINSPECT is not set to the binary"

REAL_TMP=$TAP_TMP/real
REAL_DIR=$REAL_TMP/run
REAL_STDERR=${REAL_STDERR:-compare}
REAL_MIN_PAUSES=${REAL_MIN_PAUSES:-2}
mkdir -p "$REAL_TMP"

# A fixed, small environment so both runs see the same world.
LC_ALL=C
TZ=UTC
export LC_ALL TZ
unset LANG LANGUAGE

real_require()
{
	for real_cmd in "$@"; do
		command -v "$real_cmd" >/dev/null 2>&1 ||
			tap_skip_all "$real_cmd not installed"
	done
}

real_setup()
{
	:
}

real_filter()
{
	cat
}

# real_run_in_dir NAME DIR CMD...: one run in a fresh DIR, kept afterwards
# as $REAL_TMP/NAME with its stdout, stderr and status beside it
# ($REAL_TMP/NAME.out, .err, .rc). Changes nothing of the caller's shell
# but those files, so it may run in the background.
real_run_in_dir()
{
	real_name=$1
	real_dir=$2
	shift 2
	rm -rf "$real_dir" "$REAL_TMP/$real_name"
	mkdir -p "$real_dir"
	(cd "$real_dir" && real_setup) || tap_bail "setup failed for $*"
	(cd "$real_dir" && exec timeout -k 5 "${TAP_TIMEOUT:-60}" "$@" \
		<"${TAP_STDIN:-/dev/null}" >"$REAL_TMP/$real_name.out" \
		2>"$REAL_TMP/$real_name.err")
	echo $? >"$REAL_TMP/$real_name.rc"
	[ "$real_dir" = "$REAL_TMP/$real_name" ] ||
		mv "$real_dir" "$REAL_TMP/$real_name"
}

# real_same_text GOT_FILE WANT_FILE DESC: like tap_same_file, with a longer
# unified diff so a failure says what differed.
real_same_text()
{
	if cmp -s -- "$1" "$2"; then
		tap_pass "$3"
	else
		tap_fail "$3"
		tap_diag "diff -u native traced:" \
			"$(diff -u -- "$2" "$1" | head -40)"
	fi
}

real_compare()
{
	real_desc=$1
	shift
	real_opts=
	while [ $# -gt 0 ] && [ "x$1" != x-- ]; do
		real_opts="$real_opts $1"
		shift
	done
	[ $# -gt 1 ] || tap_bail "real_compare: no command after --"
	shift

	# Side by side, the native run has a directory of its own.
	if [ "${REAL_SIDE_BY_SIDE:-no}" = yes ]; then
		real_run_in_dir native "$REAL_TMP/native" "$@" &
		real_native_pid=$!
	else
		real_run_in_dir native "$REAL_DIR" "$@"
	fi
	# status goes to its own file (--json=FILE): its lines (argv
	# included, which may hold newlines) never mix with the program's.
	real_run_in_dir traced "$REAL_DIR" "$PTINSPECT" --pause-on-exit \
		--batch --json="$REAL_TMP/status.json" -ex status $real_opts \
		-- "$@"
	real_got_rc=$(cat "$REAL_TMP/traced.rc")
	[ "${REAL_SIDE_BY_SIDE:-no}" = yes ] && wait "$real_native_pid"
	real_want_rc=$(cat "$REAL_TMP/native.rc" 2>/dev/null) ||
		tap_bail "the native run of $* left no status"

	tap_is "$real_got_rc" "$real_want_rc" \
		"$real_desc: exit status $real_want_rc"
	[ "$real_want_rc" = 124 ] && tap_diag "the native run timed out"

	python3 -c '
import json, sys
for line in open(sys.argv[1]):
	o = json.loads(line)
	if o.get("cmd") != "status" or "pid" not in o:
		continue
	if o["state"] == "exit" and o.get("exit_via") == "exit_group":
		how = "at exit_group(%d)" % o["exit_code"]
	else:
		how = "before %s" % o["state"]
	n = o["threads"]
	print("pid %d: paused %s; %d thread%s" % (o["pid"], how, n,
	    "" if n == 1 else "s"))
' "$REAL_TMP/status.json" >"$REAL_TMP/pauses"
	real_filter <"$REAL_TMP/traced.out" >"$REAL_TMP/traced.cmp"
	real_filter <"$REAL_TMP/native.out" >"$REAL_TMP/native.cmp"
	# A filter that keeps nothing would compare "" with "".
	if [ -s "$REAL_TMP/native.out" ]; then
		tap_ok "$real_desc: the filter keeps some of stdout" \
			test -s "$REAL_TMP/native.cmp"
	fi
	real_same_text "$REAL_TMP/traced.cmp" "$REAL_TMP/native.cmp" \
		"$real_desc: same stdout"

	if [ "$REAL_STDERR" = ignore ]; then
		tap_skip "$real_desc: stderr differs between runs by nature"
	else
		real_same_text "$REAL_TMP/traced.err" "$REAL_TMP/native.err" \
			"$real_desc: same stderr"
	fi

	real_check_pauses "$real_desc" "$real_want_rc" "$real_opts"
}

# real_check_pauses DESC STATUS OPTIONS: the status lines show the process
# was held at its exit with its own status, once per process.
real_check_pauses()
{
	real_npause=$(wc -l <"$REAL_TMP/pauses")
	real_at_exit=$(grep -c "paused at exit_group($2);" "$REAL_TMP/pauses")
	case " $3 " in
	*" -f "* | *" --follow-forks "*) real_min=$REAL_MIN_PAUSES ;;
	*) real_min=1 ;;
	esac
	if [ "$real_at_exit" -ge 1 ] && [ "$real_npause" -ge "$real_min" ] &&
		{ [ "$real_min" -gt 1 ] || [ "$real_npause" -eq 1 ]; }; then
		tap_pass "$1: paused at exit ($real_npause pauses)"
	else
		tap_fail "$1: paused at exit"
		if [ "$real_min" -gt 1 ]; then
			real_want="at least $real_min status lines"
		else
			real_want="exactly one status line"
		fi
		tap_diag "want $real_want, one 'paused at exit_group($2)'; got:" \
			"$(head -20 "$REAL_TMP/pauses")"
	fi
}

# real_check_stats DESC CMD [ARG...]: the program's memory really went
# through ptinspect's shared memfd: at its exit, `stats` reports
# redirected regions and bytes. The lead calls it from each test once the
# `stats` command exists; it fails, never skips, when stats is missing.
real_check_stats()
{
	real_desc=$1
	shift
	real_run_in_dir stats "$REAL_DIR" "$PTINSPECT" --batch --json \
		-ex stats -- "$@"
	TAP_OUT=$(cat "$REAL_TMP/stats.out")
	TAP_ERR=$(cat "$REAL_TMP/stats.err")
	real_regions=$(tap_json "$TAP_OUT" stats shared_regions)
	real_bytes=$(tap_json "$TAP_OUT" stats shared_bytes)
	if [ "${real_regions:-0}" -gt 0 ] 2>/dev/null &&
		[ "${real_bytes:-0}" -gt 0 ] 2>/dev/null; then
		tap_pass "$real_desc: stats: $real_regions shared regions, $real_bytes bytes"
	else
		tap_fail "$real_desc: stats shows redirected memory"
		tap_diag "stats: $(printf '%s\n' "$TAP_OUT" | grep '"stats"')" \
			"stderr: $TAP_ERR"
	fi
}
