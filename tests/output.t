#!/bin/sh
# output.t: a program run under ptinspect --batch writes exactly what it
# writes natively, byte for byte on stdout and on stderr, with the same
# exit status: a program of our own, shell pipelines, fork and exec, many
# threads; with and without the pause, -f and the seccomp filter. The
# program reads ptinspect's stdin.

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"

# The ptinspect modes each program runs in, a word each ("," for a space,
# "-" for none). PTI_SECOND_PASS (.ci/run's sanitizer pass, after a full
# first pass) keeps two: the plain tracer and the paused, forked one.
modes="- -p -p,-f --no-seccomp -p,-f,--no-seccomp"
if [ -n "${PTI_SECOND_PASS:-}" ]; then
	modes="- -p,-f"
	tap_diag "PTI_SECOND_PASS: modes $modes only"
fi

# compare DESC CMD...: a native run (in the same environment: with the
# leftover tag), then one under ptinspect in each mode, compared with it.
compare()
{
	desc=$1
	shift
	tap_run env PTI_TEST_TAG="$pti_tag" "$@"
	cp "$TAP_TMP/out" "$TAP_TMP/native.out"
	cp "$TAP_TMP/err" "$TAP_TMP/native.err"
	native_rc=$TAP_RC
	for mode in $modes; do
		mode=$(printf '%s' "$mode" | tr , ' ')
		[ "$mode" = - ] && mode=
		pti_run --batch $mode -- "$@"
		tap_same_file "$TAP_TMP/out" "$TAP_TMP/native.out" \
			"$desc: same stdout (--batch${mode:+ $mode})"
		tap_same_file "$TAP_TMP/err" "$TAP_TMP/native.err" \
			"$desc: same stderr (--batch${mode:+ $mode})"
		tap_is "$TAP_RC" "$native_rc" \
			"$desc: same exit status (--batch${mode:+ $mode})"
	done
}

compare "output" "$PROGS/output"
compare "pipeline" sh -c 'seq 1 20000 | sort -r | head -5'
compare "ls | sha256sum" sh -c 'ls -l /usr/bin | sha256sum'
compare "fork and exec" "$PROGS/fork-exec" fork "$PROGS/output"
compare "posix_spawn" "$PROGS/fork-exec" spawn "$PROGS/exit-code" 4
compare "child crash" "$PROGS/fork-exec" fork "$PROGS/crash"
compare "threads" "$PROGS/threads"
compare "last thread" "$PROGS/last-thread"
compare "subshells" sh -c \
	'for i in 1 2 3; do (echo "sub $i"; echo "err $i" >&2) | cat; done; exit 5'
compare "exec from a thread" "$PROGS/thread-exec" "$PROGS/output"
compare "argv" printf '[%s]\n' 'a b' '' -p --batch -ex status -- "\$x"
compare "environment" sh -c 'echo "$HOME $PATH"; env | sort | grep -v "^_="'
compare "caught signal" sh -c \
	'trap "echo got usr1" USR1; kill -USR1 $$; echo after'
compare "stopped and continued" sh -c \
	'(sleep 0.2; kill -CONT $$) & kill -STOP $$; echo resumed'
compare "failed exec" "$PROGS/fork-exec" fork /nonexistent/program
if command -v python3 >/dev/null 2>&1; then
	compare "fork from a thread" python3 -c 'import subprocess, threading
t = threading.Thread(target=lambda: subprocess.run(["echo", "from thread"]))
t.start()
t.join()'
else
	tap_skip "python3 not installed" $(($(echo $modes | wc -w) * 3))
fi
compare "100 children" sh -c \
	'for i in $(seq 100); do /bin/true; done; echo done'

# The pipeline really ran: the native answer is known.
pti_run --batch -f sh -c 'seq 1 20000 | sort -r | head -5'
tap_is "$TAP_OUT" "$(printf '9999\n9998\n9997\n9996\n9995')" \
	"pipeline under -f prints sort -r's first lines"

# An orphaned child goes on under a keeper (pti_run waits for it), its
# output to the same place; with -f ptinspect waits for it (strace -f).
pti_run --batch sh -c '(sleep 0.3; echo late) & echo early'
tap_is "$(cat "$TAP_TMP/out")" "$(printf 'early\nlate')" \
	"an orphaned child runs on under the keeper"
tap_is "$TAP_RC" 0 "the exit status is the root's"
pti_run --batch -f sh -c '(sleep 0.3; echo late) & echo early'
tap_is "$TAP_OUT" "$(printf 'early\nlate')" \
	"-f: an orphaned child is waited for"

# The reader of ptinspect's output goes away: the program dies of SIGPIPE
# and ptinspect exits 141, with or without commands to print.
for ex in "" "-ex status"; do
	tap_run env PTI_TEST_TAG="$pti_tag" sh -c \
		'{ "$@"; echo "ptinspect: $?" >&2; } | head -2' \
		sh "$PTINSPECT" --batch -p $ex yes
	pti_collect_leftovers "--batch -p $ex yes | head -2"
	tap_is "$TAP_OUT" "$(printf 'y\ny')" "yes | head -2 ($ex)"
	tap_like "$TAP_ERR" '^ptinspect: 141$' \
		"yes | head -2: ptinspect exits 141 ($ex)"
done

# stdin is ptinspect's stdin.
printf 'line one\nline two\n' >"$TAP_TMP/in"
TAP_STDIN="$TAP_TMP/in"
pti_run --batch -p cat
tap_is "$TAP_OUT" "$(printf 'line one\nline two')" "the program reads stdin"
pti_run --batch -f sh -c 'cat | tr a-z A-Z'
tap_is "$TAP_OUT" "$(printf 'LINE ONE\nLINE TWO')" \
	"a pipeline reads stdin"
TAP_STDIN=

# The filter is really there, in children too; --no-seccomp means none.
pti_run --batch -f sh -c 'grep "^Seccomp:" /proc/self/status'
tap_is "$TAP_OUT" "$(printf 'Seccomp:\t2')" "a seccomp filter is in use"
pti_run --batch -f --no-seccomp sh -c 'grep "^Seccomp:" /proc/self/status'
tap_is "$TAP_OUT" "$(printf 'Seccomp:\t0')" "--no-seccomp: no filter"

pti_done
