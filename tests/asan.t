#!/bin/sh
# asan.t: AddressSanitizer programs under ptinspect. LeakSanitizer's check
# at exit runs in a task made with clone(CLONE_UNTRACED) that ptraces the
# program's threads; that task used to inherit ptinspect's seccomp filter
# with no tracer, every mmap of it failed with ENOSYS and the program hung
# at exit. Now it runs, finds the threads traced, and says so, exactly as
# under strace (the oracle); with leak detection off, and for the errors
# ASan finds itself, the program does what it does natively.

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"

printf 'int main(void) { return 0; }\n' >"$TAP_TMP/clean.c"
printf '#include <stdlib.h>\nvoid *p;\nint main(void) { p = malloc(77); p = 0; return 0; }\n' \
	>"$TAP_TMP/leak.c"
printf '#include <stdlib.h>\nint main(int c, char **v) { char *p = malloc(8); (void)v; p[c + 8] = 1; return p[0]; }\n' \
	>"$TAP_TMP/overflow.c"
for p in clean leak overflow; do
	if ! gcc -fsanitize=address -g -o "$TAP_TMP/$p" "$TAP_TMP/$p.c" \
	    2>"$TAP_TMP/gcc.err"; then
		tap_skip_all "gcc -fsanitize=address fails: $(head -1 "$TAP_TMP/gcc.err")"
	fi
done

# asan_run NAME ENV...: the program under ptinspect, with a timeout.
asan_run()
{
	name=$1
	shift
	tap_run timeout 60 env "$@" PTI_TEST_TAG="$pti_tag" "$PTINSPECT" \
		--batch -- "$TAP_TMP/$name"
	pti_collect_leftovers "--batch $name"
	tap_isnt "$TAP_RC" 124 "$name: ptinspect returns (no hang at exit)"
}

asan_run clean
tap_like "$TAP_ERR" 'LeakSanitizer does not work under ptrace' \
	"clean: LeakSanitizer says it cannot work under ptrace"
tap_unlike "$TAP_ERR" 'error code: 38|Failed to mmap' \
	"clean: no ENOSYS from LeakSanitizer's task"
if command -v strace >/dev/null 2>&1; then
	strace -f -o /dev/null "$TAP_TMP/clean" 2>/dev/null
	tap_is "$TAP_RC" "$?" "clean: the same status as under strace -f"
else
	tap_skip "no strace to compare with" 1
fi

asan_run leak ASAN_OPTIONS=detect_leaks=0
tap_is "$TAP_RC" 0 "leak, detect_leaks=0: status 0, as natively"

"$TAP_TMP/overflow" 2>/dev/null
native=$?
asan_run overflow ASAN_OPTIONS=detect_leaks=0
tap_is "$TAP_RC" "$native" "overflow: the native status ($native)"
tap_like "$TAP_ERR" 'ERROR: AddressSanitizer: heap-buffer-overflow' \
	"overflow: ASan's own report"

pti_done
