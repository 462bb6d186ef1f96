#!/bin/sh
# exit-status.t: ptinspect exits as env(1) and timeout(1) do: with the
# program's own status, 128+N when it died of signal N, 127 when PROGRAM is
# not found, 126 when it cannot be executed, 2 on bad usage (with a usage
# line). Run with and without the seccomp filter, with and without a pause.

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"

# prog expected-status [args] for every run mode.
check_status()
{
	want=$1
	shift
	for mode in "" --no-seccomp; do
		pti_run --batch $mode "$@"
		tap_is "$TAP_RC" "$want" "--batch${mode:+ $mode} $* exits $want"
		pti_run --batch -p $mode "$@"
		tap_is "$TAP_RC" "$want" "--batch -p${mode:+ $mode} $* exits $want"
	done
}

check_status 0 "$PROGS/exit-code"
check_status 42 "$PROGS/exit-code" 42
check_status 255 "$PROGS/exit-code" 255
check_status 139 "$PROGS/crash"
check_status 134 "$PROGS/abort"
check_status 143 "$PROGS/raise" 15
check_status 138 "$PROGS/raise" 10
check_status 137 "$PROGS/raise" 9
check_status 0 "$PROGS/caught-signal"
check_status 7 "$PROGS/last-thread"
check_status 135 "$PROGS/fault" bus
check_status 136 "$PROGS/fault" fpe
check_status 132 "$PROGS/fault" ill
check_status 139 "$PROGS/stack-overflow"
check_status 6 "$PROGS/thread-exec" "$PROGS/exit-code" 6

# The program's own output goes through untouched around the crash.
pti_run --batch -p "$PROGS/crash"
tap_is "$TAP_OUT" "crashing" "crash: its output appears, nothing else"
tap_is "$TAP_ERR" "" "crash: ptinspect prints nothing of its own"

# PATH lookup as execvp does it: not in the current directory. A plain
# PATH for these: a directory the user cannot search (root's PATH seen by
# another user) turns "not found" into EACCES, 126, as with env(1).
saved_path=$PATH
PATH=/usr/bin:/bin
cd "$PROGS" || tap_bail "cannot cd to $PROGS"
pti_run --batch exit-code 3
tap_is "$TAP_RC" 127 "PROGRAM without a slash is not looked up in ."
PATH="$PROGS:/usr/bin:/bin"
pti_run --batch exit-code 3
PATH=/usr/bin:/bin
tap_is "$TAP_RC" 3 "PROGRAM is looked up in PATH"
cd "$OLDPWD" || tap_bail "cannot cd back"

# 127: not found, with the exact message.
pti_run --batch no-such-program-ptinspect-test
tap_is "$TAP_RC" 127 "missing program exits 127"
tap_is "$TAP_ERR" "ptinspect: no-such-program-ptinspect-test: not found" \
	"missing program: exact message"
pti_run --batch -ex status /nonexistent/dir/prog
tap_is "$TAP_RC" 127 "missing path exits 127"
tap_is "$TAP_ERR" "ptinspect: /nonexistent/dir/prog: not found" \
	"missing path: exact message"
tap_is "$TAP_OUT" "" "missing program: no command output"
PATH=$saved_path

# 126: found but not executable.
printf '#!/bin/sh\nexit 0\n' >"$TAP_TMP/noexec"
chmod 644 "$TAP_TMP/noexec"
pti_run --batch "$TAP_TMP/noexec"
tap_is "$TAP_RC" 126 "file without execute permission exits 126"
tap_like "$TAP_ERR" "^ptinspect: $TAP_TMP/noexec: " \
	"not executable: message names the file"
pti_run --batch "$TAP_TMP"
tap_is "$TAP_RC" 126 "a directory exits 126"

# 2: bad usage, with a usage line.
usage_re='^usage: ptinspect '
pti_run
tap_is "$TAP_RC" 2 "no arguments exits 2"
tap_like "$TAP_ERR" "$usage_re" "no arguments prints a usage line"
pti_run --batch
tap_is "$TAP_RC" 2 "no PROGRAM exits 2"
tap_like "$TAP_ERR" "$usage_re" "no PROGRAM prints a usage line"
pti_run --no-such-option "$PROGS/exit-code"
tap_is "$TAP_RC" 2 "unknown option exits 2"
tap_like "$TAP_ERR" "$usage_re" "unknown option prints a usage line"
tap_like "$TAP_ERR" "no-such-option" "unknown option is named"
pti_run --batch -ex
tap_is "$TAP_RC" 2 "-ex without its argument exits 2"
tap_like "$TAP_ERR" "$usage_re" "-ex without argument prints a usage line"
pti_run --batch -x "$TAP_TMP/no-such-file" "$PROGS/exit-code"
tap_isnt "$TAP_RC" 0 "-x with a missing file fails"
tap_like "$TAP_ERR" "no-such-file" "-x with a missing file names it"

# Options stop at PROGRAM: its own options are its own.
pti_run --batch "$PROGS/fork-exec" --batch -ex status
tap_is "$TAP_RC" 2 "options after PROGRAM go to PROGRAM (its usage error)"
tap_is "$TAP_ERR" "usage: fork-exec fork|spawn PROG [ARG...]" \
	"PROGRAM printed its own usage, ptinspect nothing"
pti_run --batch -- "$PROGS/exit-code" 9
tap_is "$TAP_RC" 9 "-- ends the options"

pti_run --help
tap_is "$TAP_RC" 0 "--help exits 0"
tap_like "$TAP_OUT" "$usage_re" "--help prints the usage line to stdout"
tap_like "$TAP_OUT" "--no-seccomp" "--help lists --no-seccomp"
pti_run --version
tap_is "$TAP_RC" 0 "--version exits 0"
tap_like "$TAP_OUT" '^ptinspect [0-9]+\.[0-9]+' "--version prints the version"

# The death is real: the kernel writes a core dump as it would natively.
# Only where core_pattern names a plain file and the limit can be raised.
has_core()
{
	for f in core*; do
		[ -f "$f" ] && return 0
	done
	return 1
}
core_pattern=$(cat /proc/sys/kernel/core_pattern 2>/dev/null)
if [ "${core_pattern#core}" != "$core_pattern" ] &&
   (ulimit -c unlimited) 2>/dev/null; then
	ulimit -c unlimited
	# An AddressSanitizer build of ptinspect would zero the soft core
	# limit at start-up, for itself and so for the program.
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}disable_coredump=0"
	export ASAN_OPTIONS
	mkdir "$TAP_TMP/core" && cd "$TAP_TMP/core" || tap_bail "no temp dir"
	pti_run --batch -p "$PROGS/crash"
	tap_ok "SIGSEGV at the pause, then a core dump" has_core
	rm -f core*
	pti_run --batch --json -ex status "$PROGS/abort"
	tap_ok "SIGABRT after status, then a core dump" has_core
	cd "$OLDPWD" || tap_bail "cannot cd back"
else
	tap_skip "core_pattern is '$core_pattern' or no core limit" 2
fi

pti_done
