#!/bin/sh
# bt-stacks.t: `bt` at the exit pause and at crashes, on tracees whose call
# chains are known (tests/progs/bt-*.c): nested calls ending in exit_group
# (PIE, non-PIE, -O2 without frame pointers), a crash three frames deep, a
# crash in a signal handler, abort(3), 8 threads blocked in 8 functions, a
# stack too deep to show whole, a callback from a dlopen'd library, a
# program that deleted its executable, one that ends in code without
# unwind information, a stripped program with a separate debug file, and
# static functions of the C library when its debug file is installed.

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"
tap_require_cmd python3

# bt_summary [TID]: one line per thread of the last run's first `bt` JSON
# object (or only thread TID):
#	TID|FUNCTIONS|SIGNAL-FLAGS|TRUNCATED|FRAMES|FILE0:LINE0|INLINED-FLAGS
# FUNCTIONS are the frames' names ("??" when unknown) joined by spaces,
# the flags one 0/1 per frame, FILE0 the basename of frame #0's file.
bt_summary()
{
	printf '%s\n' "$TAP_OUT" | python3 -c '
import json, os, sys
want = sys.argv[1] if len(sys.argv) > 1 else None
for l in sys.stdin:
	o = json.loads(l) if l.startswith("{") else {}
	if o.get("cmd") != "bt":
		continue
	for t in o["threads"]:
		if want is not None and str(t["tid"]) != want:
			continue
		f = t["frames"]
		print("%d|%s|%s|%s|%d|%s:%s|%s" % (t["tid"],
		    " ".join(x["function"] or "??" for x in f),
		    "".join("1" if x["signal_frame"] else "0" for x in f),
		    "true" if t["truncated"] else "false", len(f),
		    os.path.basename(f[0]["file"] or "") if f else "",
		    f[0]["line"] if f else "",
		    "".join("1" if x["inlined"] else "0" for x in f)))
	break
' "$@"
}

# field N LINE: the Nth |-separated field of a bt_summary line.
field()
{
	printf '%s\n' "$2" | cut -d'|' -f"$1"
}

# Nested calls ending in exit_group(7) from the deepest frame.
for prog in bt-nested bt-nested-nopie bt-nested-nofp; do
	pti_run --batch --json -ex 'bt all' "$PROGS/$prog"
	tap_is "$TAP_RC" 7 "$prog: exit status 7"
	s=$(bt_summary)
	tap_like "$(field 2 "$s")" \
		'^level_d level_inl level_c level_b level_a main( |$)' \
		"$prog: level_d level_inl level_c (static) level_b level_a main"
	tap_like "$(field 7 "$s")" '^0100+$' \
		"$prog: level_inl is an inlined frame, the only one"
	tap_is "$(field 4 "$s")" false "$prog: not truncated"
	tap_like "$(field 6 "$s")" '^bt-nested\.c:[0-9]+$' \
		"$prog: frame #0 has its source line"
done

# A crash three frames deep: frame #0 is the faulting function.
pti_run --batch --json -ex bt "$PROGS/bt-crash"
tap_is "$TAP_RC" 139 "bt-crash: dies of SIGSEGV"
s=$(bt_summary)
tap_like "$(field 2 "$s")" '^crash_here crash_b crash_a main ' \
	"bt-crash: crash_here crash_b crash_a main"
tap_like "$(field 6 "$s")" '^bt-crash\.c:[0-9]+$' \
	"bt-crash: frame #0 has its source line"

# The text form, as gdb prints it (the arguments, when known, before the
# source line: expr.t checks them against gdb).
pc='0x[0-9a-f]{16}'
pti_run --batch -ex bt "$PROGS/bt-crash"
tap_like "$TAP_OUT" \
	"^#0  $pc in crash_here\\+0x[0-9a-f]+ \\(p=[^)]*\\) \\(bt-crash\\.c:[0-9]+\\)\$" \
	"bt-crash: text frame #0"
tap_like "$TAP_OUT" \
	"^#3  $pc in main\\+0x[0-9a-f]+ \\(\\) \\(bt-crash\\.c:[0-9]+\\)\$" \
	"bt-crash: text frame #3"

# A crash inside a SIGFPE handler: handler frames, the signal frame, then
# the interrupted function at the faulting division.
pti_run --batch --json -ex 'bt all' "$PROGS/bt-signal"
tap_is "$TAP_RC" 139 "bt-signal: dies of SIGSEGV"
s=$(bt_summary)
tap_like "$(field 2 "$s")" \
	'^handler_crash on_sigfpe [^ ]+ interrupted main ' \
	"bt-signal: handler_crash on_sigfpe, the trampoline, interrupted main"
tap_like "$(field 3 "$s")" '^00100+$' \
	"bt-signal: only frame #2 is a signal frame"
pti_run --batch -ex bt "$PROGS/bt-signal"
tap_like "$TAP_OUT" \
	"^#2  $pc in .* <signal handler called>\$" \
	"bt-signal: text marks the signal frame"

# abort(3): frame #0 is inside the C library, below raise and abort.
pti_run --batch --json -ex bt "$PROGS/abort"
tap_is "$TAP_RC" 134 "abort: dies of SIGABRT"
tap_like "$(field 2 "$(bt_summary)")" ' abort main ' \
	"abort: the stack goes through abort, then main"
tap_like "$(tap_json "$TAP_OUT" bt threads.0.frames.0.module)" \
	'/libc\.so\.6$' "abort: frame #0 is in libc.so.6"

# 8 threads, each blocked in its own function; the main thread exits.
pti_run --batch --json -ex 'bt all' "$PROGS/bt-threads"
tap_is "$TAP_RC" 0 "bt-threads: exit status 0"
s=$(bt_summary)
tap_is "$(printf '%s\n' "$s" | wc -l)" 9 "bt-threads: 9 threads"
tap_like "$(printf '%s\n' "$s" | head -n 1 | cut -d'|' -f2)" \
	'^main_exit main ' "bt-threads: the main thread is in main_exit"
for fn in th_a th_b th_c th_d th_e th_f th_g th_h; do
	tap_is "$(printf '%s\n' "$s" | cut -d'|' -f2 |
		grep -c " $fn ")" 1 \
		"bt-threads: one thread blocked in $fn"
done
tap_is "$(printf '%s\n' "$s" | cut -d'|' -f4 | sort -u)" false \
	"bt-threads: no stack truncated"

# Too deep to show whole: 256 frames, and it says so.
pti_run --batch --json -ex bt "$PROGS/bt-deep" 300
s=$(bt_summary)
tap_is "$(field 4 "$s")|$(field 5 "$s")" "true|256" \
	"bt-deep 300: truncated at 256 frames"
tap_like "$(tap_json "$TAP_OUT" bt threads.0.error)" 'more than 256' \
	"bt-deep 300: says why"
pti_run --batch -ex bt "$PROGS/bt-deep" 300
tap_like "$TAP_OUT" '^backtrace truncated: more than 256 frames$' \
	"bt-deep 300: text says it is truncated"

# A thread spinning in clock_gettime(2), almost always stopped inside the
# vdso (code without a file): its stack goes on to th_spin all the same.
# Now and then (1 run in 40 to 100 here) it is stopped in spin_clock's own
# instructions, and its stack starts there.
pti_run --batch --json -ex 'bt all' "$PROGS/bt-vdso"
tap_is "$TAP_RC" 0 "bt-vdso: exit status 0"
s=$(bt_summary | grep ' th_spin ')
tap_like "$(field 2 "$s")" '(^| )spin_clock th_spin ' \
	"bt-vdso: the spinning thread's stack reaches th_spin"
tap_is "$(field 4 "$s")" false "bt-vdso: not truncated"

# A callback from a library loaded with dlopen(3).
pti_run --batch --json -ex bt "$PROGS/bt-dlopen" "$PROGS/bt-plugin.so"
tap_is "$TAP_RC" 5 "bt-dlopen: exit status 5"
tap_like "$(field 2 "$(bt_summary)")" '^in_callback plugin_call main ' \
	"bt-dlopen: in_callback, plugin_call, main"
tap_like "$(tap_json "$TAP_OUT" bt threads.0.frames.1.module)" \
	'/bt-plugin\.so$' "bt-dlopen: plugin_call is in bt-plugin.so"

# A program that deleted its own executable: its mappings say
# "PATH (deleted)"; unwind tables and names come from the mapped file,
# opened through /proc/PID/map_files (which needs CAP_SYS_ADMIN).
if [ "$(id -u)" -eq 0 ]; then
	cp "$PROGS/bt-selfdel" "$TAP_TMP/selfdel"
	pti_run --batch --json -ex bt "$TAP_TMP/selfdel"
	tap_is "$TAP_RC" 139 "bt-selfdel: dies of SIGSEGV"
	s=$(bt_summary)
	tap_like "$(field 2 "$s")" '^del_c del_b del_a main ' \
		"bt-selfdel: del_c del_b del_a main, from the deleted file"
	tap_is "$(field 4 "$s")" false "bt-selfdel: not truncated"
	tap_like "$(tap_json "$TAP_OUT" bt threads.0.frames.0.module)" \
		'selfdel \(deleted\)$' \
		"bt-selfdel: the module is the deleted file"
else
	tap_skip "/proc/PID/map_files needs root" 4
fi

# Code without unwind information and a zero frame pointer: libunwind
# stops as if at the outermost frame; the stack says it is truncated.
pti_run --batch --json -ex bt "$PROGS/bt-nocfi"
tap_is "$TAP_RC" 3 "bt-nocfi: exit status 3"
s=$(bt_summary)
tap_is "$(field 2 "$s")|$(field 4 "$s")" "nocfi_exit|true" \
	"bt-nocfi: nocfi_exit, truncated"
tap_like "$(tap_json "$TAP_OUT" bt threads.0.error)" \
	'^no unwind information for frame #0$' "bt-nocfi: says why"

# Bad arguments.
pti_run --batch -ex 'bt 1' -ex 'bt 1 2' "$PROGS/bt-nested"
tap_like "$TAP_ERR" '^bt: 1: no such thread$' "bt 1: no such thread"
tap_like "$TAP_ERR" '^bt: usage: bt \[TID\|all\]$' "bt 1 2: usage"
pti_run --batch --json -ex 'bt 1' "$PROGS/bt-nested"
tap_is "$(tap_json "$TAP_OUT" bt error)" "1: no such thread" \
	"bt 1: JSON error"

# A stripped program finds its names (static level_c included) and lines
# in a separate debug file through .gnu_debuglink.
if command -v objcopy >/dev/null 2>&1; then
	cp "$PROGS/bt-nested" "$TAP_TMP/nested"
	objcopy --only-keep-debug "$TAP_TMP/nested" "$TAP_TMP/nested.debug"
	objcopy --strip-all --add-gnu-debuglink="$TAP_TMP/nested.debug" \
		"$TAP_TMP/nested"
	pti_run --batch --json -ex bt "$TAP_TMP/nested"
	s=$(bt_summary)
	tap_like "$(field 2 "$s")" \
		'^level_d level_inl level_c level_b level_a main ' \
		"stripped with a debug file: names from the debug file"
	tap_like "$(field 6 "$s")" '^bt-nested\.c:[0-9]+$' \
		"stripped with a debug file: source line"
	rm "$TAP_TMP/nested.debug"
	pti_run --batch --json -ex bt "$TAP_TMP/nested"
	s=$(bt_summary)
	tap_like "$(field 4 "$s") $(field 5 "$s")" \
		'^false ([5-9]|[1-9][0-9])$' \
		"stripped without a debug file: still unwinds whole"
else
	tap_skip "objcopy not found" 3
fi

# __libc_start_call_main is static in the C library: only its debug file
# (Debian's libc6-dbg, found by build-id) names it. (The tests above name
# only functions of our own and libc's exported ones.)
libc=$(ldd "$PROGS/bt-nested" |
	sed -n 's,^.*libc\.so\.6 => \([^ ]*\).*$,\1,p')
id=$(readelf -n "$libc" 2>/dev/null | sed -n 's/^.*Build ID: //p')
debug=/usr/lib/debug/.build-id/$(echo "$id" | cut -c1-2)
debug=$debug/$(echo "$id" | cut -c3-).debug
if [ -n "$id" ] && [ -f "$debug" ]; then
	pti_run --batch --json -ex bt "$PROGS/bt-nested"
	tap_like "$(field 2 "$(bt_summary)")" ' main __libc_start_call_main ' \
		"libc's static __libc_start_call_main: named by its debug file"
else
	tap_skip "no debug file for $libc" 1
fi

# A stack pointer in unmapped memory: no stack word can be read. bt shows
# what it can (or says why not) and the program still dies of its SIGSEGV.
pti_run --batch -ex bt -ex status "$PROGS/bad-rsp"
tap_is "$TAP_RC" 139 "bad rsp: bt, then the program's own SIGSEGV (139)"
tap_like "$TAP_OUT" "^#0 .* in main" "bad rsp: frame #0 is main"

pti_done
