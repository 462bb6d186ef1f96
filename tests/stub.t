#!/bin/sh
# stub.t: threads caught inside ptinspect's mmap stub (src/stub.c) are
# shown as the program has them. mmap-race's spinner maps and unmaps
# without pause while the main thread exits; the pause catches it inside
# mmap in about 2 runs of 5 (12 of 30 when measured), so 40 runs miss it
# every time with odds below 1 in 10^8: at least one run must find it there.
# The stub's range is read from each run's `maps` (the regions named
# [ptinspect]), and every run must have it mapped: without redirection
# there is no stub and the test fails. No pc of `threads` and no frame of
# `bt all` may ever lie in the stub's pages, and the spinner's stack must
# always reach its thread function.
# What this cannot tell: whether the spinner, found in mmap, was inside the
# stub or still at its seccomp stop in libc; ptinspect shows the program's
# view in both cases and prints nothing that says which.

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"

# The stub's code region as `maps --json` shows it, after its addresses.
STUB_CODE='"perms":"r-xp","offset":0,"name":"\[ptinspect\]"'
# end_of PERMS NAME: where the region of $TAP_OUT with those permissions
# and that name (a pattern) ends, or nothing.
end_of() {
	printf '%s\n' "$TAP_OUT" |
	    grep -o "\"end\":\"0x[0-9a-f]*\",\"perms\":\"$1\",\"offset\":0,\"name\":\"$2\"" |
	    sed -n '1s/"end":"\(0x[0-9a-f]*\)".*/\1/p'
}
# room_above ADDR: how many bytes above ADDR are free of mappings other
# than the stub's, in the `maps --json` of $TAP_OUT; at most 2^47, which
# the shell's test can compare ([vsyscall] is 2^64 - 10 MiB).
room_above() {
	printf '%s\n' "$TAP_OUT" | python3 -c '
import json, sys
at = int(sys.argv[1], 16)
for line in sys.stdin:
    if line.startswith("{\"cmd\":\"maps\""):
        starts = [int(r["start"], 16) for r in json.loads(line)["regions"]
                  if r["name"] != "[ptinspect]" and int(r["start"], 16) >= at]
        print(min(starts + [at + (1 << 47)]) - at)
' "$1"
}
tap_require_cmd python3

# caught RUNS PROG ARGS...: runs PROG under ptinspect RUNS times, each
# checked as above; sets caught_in to the number of runs that found the
# spinner's frame 0 in the call its name matches ($frame0).
caught()
{
	local runs=$1 i=0 verdict name
	shift
	name=${1##*/}
	caught_in=0
	while [ "$i" -lt "$runs" ]; do
		i=$((i + 1))
		pti_run --batch --json -ex maps -ex threads -ex 'bt all' "$@"
		tap_is "$TAP_RC" 3 "$name run $i: exit status 3"
		verdict=$(printf '%s\n' "$TAP_OUT" | FRAME0=$frame0 python3 -c '
import json, os, re, sys
stub, pcs, spinner_ok, in_call = [], [], False, False
for line in sys.stdin:
	if not line.startswith("{"):
		continue
	o = json.loads(line)
	if o.get("cmd") == "maps":
		stub += [(int(r["start"], 16), int(r["end"], 16))
			 for r in o["regions"] if r["name"] == "[ptinspect]"]
	if o.get("cmd") == "threads":
		pcs += [int(t["pc"], 16) for t in o["threads"] if t["pc"]]
	if o.get("cmd") == "bt":
		for t in o["threads"]:
			names = [f.get("function") or "" for f in t["frames"]]
			pcs += [int(f["pc"], 16) for f in t["frames"]]
			if "spin" in names:
				spinner_ok = True
				in_call = in_call or bool(re.search(
					os.environ["FRAME0"], names[0]))
bad = [hex(pc) for pc in pcs if any(lo <= pc < hi for lo, hi in stub)]
print("stub:%s stub-pcs:%s spinner:%s call:%s" % (
	",".join("%x-%x" % r for r in stub) or "none",
	",".join(bad) or "none", spinner_ok, in_call))')
		tap_like "$verdict" '^stub:[0-9a-f]' \
			"$name run $i: the stub is mapped ($verdict)"
		tap_like "$verdict" ' stub-pcs:none ' \
			"$name run $i: no pc or frame in the stub ($verdict)"
		tap_like "$verdict" 'spinner:True' \
			"$name run $i: the spinner's stack reaches spin()"
		case $verdict in
		*call:True*) caught_in=$((caught_in + 1)) ;;
		esac
	done
}

# The sanitizer pass (PTI_SECOND_PASS) runs half as many: each run's
# checks stand alone, and 20 runs all miss with odds below 1 in 10^4.
runs=40
[ -n "${PTI_SECOND_PASS:-}" ] && runs=20
frame0=mmap
caught "$runs" "$PROGS/mmap-race"
tap_isnt "$caught_in" 0 "the spinner was in mmap in $caught_in of $runs runs"

# brk through the stub. A growing brk of the emulated heap costs one stop
# (its own seccomp stop; the stub maps the pages), where calls injected
# at the stop cost 2 or 7 (the memfd kept in the tracee, or opened and
# closed around the mmap). brk-race grows the break a page at a time,
# writing each page, and checks every byte and sbrk(0) after. Counted
# from outside: strace on ptinspect sees each stop of its tracee as a
# wait4 that returns it. At least one per brk (each is traced: without
# the emulated heap the count proves nothing, so [heap] must be the
# arena's at the pause), fewer than 1.25 per brk. The race: a spinner
# growing the break without pause, caught by the exit pause: in brk
# (glibc's syscall()) in some runs, never with a pc in the stub.
n=3000
tap_run "$PROGS/brk-race" steps "$n"
tap_is "$TAP_RC:$TAP_OUT" "0:heap $n pages" "brk-race steps $n natively"
if command -v strace >/dev/null 2>&1; then
	# LeakSanitizer cannot run under ptrace (the sanitizer build).
	tap_run env PTI_TEST_TAG="$pti_tag" ASAN_OPTIONS=detect_leaks=0 \
		strace -qq -o "$TAP_TMP/st" \
		-e signal=none -e trace=wait4,waitid "$PTINSPECT" --batch \
		--json -ex maps -- "$PROGS/brk-race" steps "$n"
	pti_collect_leftovers "brk-race steps $n"
	tap_is "$TAP_RC" 0 "brk-race steps $n under ptinspect passes its checks"
	# [heap]: the regions ptinspect names so, all shown as the program
	# made them (rw-p) and read through the arena ("shared"); one per
	# growth where the memfd is opened for each (no VMA merges across
	# two opens of it), as before the stub served brk.
	heap=$(printf '%s\n' "$TAP_OUT" | python3 -c '
import json, sys
kinds, pages = set(), 0
for line in sys.stdin:
	if line.startswith("{") and json.loads(line).get("cmd") == "maps":
		for r in json.loads(line)["regions"]:
			if r["name"] == "[heap]":
				kinds.add(r["perms"] + " " + r["access"])
				pages += (int(r["end"], 16) -
					  int(r["start"], 16)) // 4096
print(",".join(sorted(kinds)), pages)')
	tap_like "$heap" '^rw-p shared [0-9]+$' \
		"the heap is the arena's at the pause (${heap:-no [heap]})"
	tap_ok "the heap has the $n pages (${heap##* } pages)" \
		test "${heap##* }" -ge "$n" 2>/dev/null
	stops=$(grep -c 'WIFSTOPPED' "$TAP_TMP/st")
	tap_ok "$stops stops for $n brk calls: at least one each" \
		test "$stops" -ge "$n"
	tap_ok "$stops stops for $n brk calls: fewer than 1.25 each" \
		test "$stops" -lt $((n + n / 4))
else
	tap_skip "strace is needed to count the stops" 5
fi
# munmap through the stub (redirect_munmap_by_stub): a munmap of a whole
# 1 MiB mapping returns into a lane, which frees the memfd's pages in the
# program, not in ptinspect (one fallocate a munmap before). unmap-loop
# maps, writes and unmaps 1 MiB 200 times and keeps the last, in the
# process's only thread and then in a second one; strace on ptinspect
# alone counts its fallocate calls, at most one in 20 munmaps, and the
# last mapping must be the arena's at the pause (without redirection
# nothing is punched by anyone). Every fresh mapping reads zeros (the
# program checks): a slot given back unpunched would show the round
# before. With --reuse-freed=0: by default the lane leaves the pages to
# be kept for reuse (reuse.t). Signals and stops in the lane are sig-lane's and stop-cont's
# (64 KiB, MUNMAP_LANE_MIN); forks meanwhile, sem-fork-lanes'.
n=200
for how in "" threaded; do
	what="unmap-loop $n${how:+ $how}"
	if ! command -v strace >/dev/null 2>&1; then
		tap_skip "strace is needed to count ptinspect's punches" 3
		continue
	fi
	tap_run env PTI_TEST_TAG="$pti_tag" ASAN_OPTIONS=detect_leaks=0 \
		strace -qq -o "$TAP_TMP/st" \
		-e signal=none -e trace=fallocate "$PTINSPECT" --batch \
		--reuse-freed=0 --pause-on-exit --json -ex maps -- \
		"$PROGS/unmap-loop" "$n" $how
	pti_collect_leftovers "$what"
	last=$(printf '%s\n' "$TAP_OUT" | sed -n 's/^last 0x//p')
	tap_is "$TAP_RC:${last:+found}" "0:found" \
		"$what under ptinspect passes its checks"
	access=$(printf '%s\n' "$TAP_OUT" | LAST=$last python3 -c '
import json, os, sys
last = int(os.environ["LAST"] or "0", 16)
for line in sys.stdin:
	if line.startswith("{") and json.loads(line).get("cmd") == "maps":
		for r in json.loads(line)["regions"]:
			if int(r["start"], 16) <= last < int(r["end"], 16):
				print(r["access"])')
	tap_is "$access" shared "$what: the last mapping is the arena's"
	punches=$(grep -c '^fallocate(' "$TAP_TMP/st")
	tap_ok "$what: ptinspect punched $punches times for $n munmaps" \
		test "$punches" -le $((n / 20))
done
# Signals while mmap, brk and munmap run in the stub, their handler
# jumping out (sig-lane): delivered where the native calls return, never inside the
# stub, nothing leaked (the program checks all that); the stub must be in
# place (its [ptinspect] region at the exit pause).
tap_run "$PROGS/sig-lane" 100
tap_like "$TAP_OUT" '^ok [0-9]+ signals$' "sig-lane natively: $TAP_OUT"
pti_run --batch --json -p -ex maps -- "$PROGS/sig-lane" 100
prog_out=$(printf '%s\n' "$TAP_OUT" | grep -v '^{')
tap_is "$TAP_RC" 0 "sig-lane under ptinspect: exit status 0"
tap_like "$prog_out" '^ok [0-9]+ signals$' "... passes its checks: $prog_out"
tap_like "$TAP_OUT" '"name":"\[ptinspect\]"' "... with the stub in place"
# The same where /proc/PID/mem will not write the stub's code into its
# read-only pages (proc_mem.force_override): made writable for the copy.
PTI_TEST_NO_FORCED_CODE=1 pti_run --batch --json -p -ex maps -- \
    "$PROGS/sig-lane" 100
prog_out=$(printf '%s\n' "$TAP_OUT" | grep -v '^{')
tap_is "$TAP_RC" 0 "sig-lane, code not forced in: exit status 0"
tap_like "$prog_out" '^ok [0-9]+ signals$' "... passes its checks: $prog_out"
stack_end=$(end_of rw-p '\[stack\]')
room=$(room_above "$stack_end")
if [ "${room:-0}" -lt 32768 ]; then
	# An older kernel may put the vdso there.
	tap_skip "only ${room:-?} bytes free above [stack] ($stack_end)" 1
else
	tap_like "$TAP_OUT" \
	    "\"start\":\"$stack_end\",\"end\":\"[^\"]*\",$STUB_CODE" \
	    "... with the stub's code in place, executable, above [stack] ($stack_end)"
fi
# The code's pages are written as their lanes are first sent: sig-lane,
# one lane at a time, has only the first page of its 4 (rss_kb 4). With
# the first 5 lanes left unused (the tests' PTI_TEST_LANES_SKIPPED), every
# call takes the lanes of the second page, written then (rss_kb 8), and
# programs that send lanes with signals, forks, threads and brk still
# pass their checks (sem-signals, 6 s here, is left to sig-lane).
pti_run --batch --json -p -ex maps -- "$PROGS/sig-lane" 100
tap_like "$TAP_OUT" "$STUB_CODE,\"access\":\"copy\",\"rss_kb\":4\}" \
    "sig-lane: the stub's first code page only"
PTI_TEST_LANES_SKIPPED=5 pti_run --batch --json -p -ex maps -- \
    "$PROGS/sig-lane" 100
prog_out=$(printf '%s\n' "$TAP_OUT" | grep -v '^{')
tap_is "$TAP_RC" 0 "sig-lane through lanes 5-15: exit status 0"
tap_like "$prog_out" '^ok [0-9]+ signals$' "... passes its checks: $prog_out"
tap_like "$TAP_OUT" "$STUB_CODE,\"access\":\"copy\",\"rss_kb\":8\}" \
    "... with the second code page written too"
for prog in sem-fork-lanes sem-registers; do
	PTI_TEST_LANES_SKIPPED=5 pti_run --batch -f -- "$PROGS/$prog"
	tap_is "$TAP_RC" 0 "$prog through lanes 5-15 passes its checks ($TAP_ERR)"
done
PTI_TEST_LANES_SKIPPED=5 pti_run --batch -- "$PROGS/brk-race" steps 300
tap_is "$TAP_RC:$TAP_OUT" "0:heap 300 pages" \
    "brk-race steps 300 through lanes 5-15"
# With randomization off the stack ends at the top of the address space:
# no room above it, and the stub goes to its fixed address instead.
if ! command -v setarch >/dev/null 2>&1; then
	tap_skip "needs setarch (util-linux)" 3
else
	pti_run --batch --json -p -ex maps -- setarch -R "$PROGS/sig-lane" 100
	prog_out=$(printf '%s\n' "$TAP_OUT" | grep -v '^{')
	tap_is "$TAP_RC" 0 "sig-lane, randomization off: exit status 0"
	tap_like "$prog_out" '^ok [0-9]+ signals$' \
	    "... passes its checks: $prog_out"
	tap_like "$TAP_OUT" "\"start\":\"0x70000000\",\"end\":\"0x70004000\",$STUB_CODE" \
	    "... with the stub's code at 0x70000000"
fi
# A program whose first redirected call asks for the page above its stack
# (stub-want, no C library): the stub goes to its fixed address instead,
# and the page is the program's.
tap_run "$PROGS/stub-want"
if [ "$TAP_RC" = 77 ]; then
	tap_skip "stub-want: no room above the stack natively" 3
else
	tap_is "$TAP_RC" 0 "stub-want natively: exit status 0"
	pti_run --batch --json -p -ex maps -- "$PROGS/stub-want"
	tap_is "$TAP_RC" 0 "stub-want under ptinspect: exit status 0 ($TAP_ERR)"
	tap_like "$TAP_OUT" "\"start\":\"0x70000000\",\"end\":\"0x70004000\",$STUB_CODE" \
	    "... with the stub's code at 0x70000000"
fi
# Room above the stack for the stub's code, not for its data (an older
# kernel's vdso can sit there; here stub-want's own shared page, 16 KiB
# above): the stub goes to its fixed address, not nowhere.
tap_run "$PROGS/stub-want" gap
if [ "$TAP_RC" = 77 ]; then
	tap_skip "stub-want gap: no room above the stack natively" 3
else
	tap_is "$TAP_RC" 0 "stub-want gap natively: exit status 0"
	pti_run --batch --json -p -ex maps -- "$PROGS/stub-want" gap
	tap_is "$TAP_RC" 0 "stub-want gap under ptinspect: exit status 0 ($TAP_ERR)"
	tap_like "$TAP_OUT" "\"start\":\"0x70000000\",\"end\":\"0x70004000\",$STUB_CODE" \
	    "... with the stub's code at 0x70000000"
fi
# Where the program cannot open ptinspect's memfd by its path (it runs as
# nobody, ptinspect as root), the stub's set-up code finds the open
# refused and the stub is put in place the other way: the program's own
# memfd, adopted by ptinspect, its data mapped by the set-up code from
# that descriptor.
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null 2>&1 ||
    ! setpriv --reuid=65534 --regid=65534 --clear-groups \
    test -x "$PROGS/sig-lane"; then
	tap_skip "needs root, setpriv and a sig-lane nobody can run" 4
else
	pti_run --batch --json -p -ex maps -- setpriv --reuid=65534 \
	    --regid=65534 --clear-groups "$PROGS/sig-lane" 100
	prog_out=$(printf '%s\n' "$TAP_OUT" | grep -v '^{')
	tap_is "$TAP_RC" 0 "sig-lane as nobody: exit status 0"
	tap_like "$prog_out" '^ok [0-9]+ signals$' \
	    "... passes its checks: $prog_out"
	code_end=$(end_of r-xp '\[ptinspect\]')
	tap_like "$TAP_OUT" "\"start\":\"$code_end\",\"end\":\"[^\"]*\",\"perms\":\"rw-s\"" \
	    "... with the lanes' data mapped from a memfd, above the code ($code_end)"
	# What that costs: the refused open is not tried again by an
	# injected one. Stops a process of a loop run as nobody, counted as
	# tests/exec-cost.t counts them (N and 2N processes): 20 here, 22
	# when the open was tried again, 24 before the set-up code.
	if ! command -v strace >/dev/null 2>&1; then
		tap_skip "no strace: stops as nobody not counted"
	else
		nobody_stops()
		{
			tap_run env PTI_TEST_TAG="$pti_tag" \
			    ASAN_OPTIONS=detect_leaks=0 strace -qq \
			    -o "$TAP_TMP/strace" -e signal=none -e trace=wait4 \
			    "$PTINSPECT" --batch -f -- setpriv --reuid=65534 \
			    --regid=65534 --clear-groups /bin/sh -c \
			    'i=0; while [ $i -lt "$0" ]; do /bin/true; i=$((i + 1)); done' \
			    "$1"
			pti_collect_leftovers "(under strace) as nobody, $1"
			nobody_n=$(grep -c '^wait4(.*) = [1-9]' "$TAP_TMP/strace")
		}
		nobody_stops 10
		s1=$nobody_n
		nobody_stops 20
		s2=$nobody_n
		tap_ok "as nobody, at most 20 stops a process (got $(((s2 - s1) / 10)))" \
		    test $((s2 - s1)) -le 200 -a "$s1" -gt 10
	fi
fi
# Bursts of ten queued real-time signals, each with its own siginfo, from
# a second thread while the main thread maps and unmaps (sig-lane burst):
# those that come while a lane holds one must each still come, with the
# siginfo sent, and none inside the stub. (Before, the lane kept four and
# sent them again by tgkill, losing their siginfo, and let the rest in
# inside the stub.)
tap_run "$PROGS/sig-lane" burst 200
tap_is "$TAP_OUT" "ok 2000 signals" "sig-lane burst natively"
pti_run --batch -- "$PROGS/sig-lane" burst 200
tap_is "$TAP_RC:$TAP_OUT" "0:ok 2000 signals" \
    "sig-lane burst under ptinspect: every signal, once, as sent: $TAP_ERR"
# SIGTSTP then, 0-59 us later, SIGCONT, 200 times, to a process mapping
# and unmapping in a loop (stop-cont): a stop signal the stub held while
# a lane ran must be cancelled by a SIGCONT sent meanwhile, as a stop
# signal still pending is natively, and the process run on after each
# SIGCONT. (Before, it stopped for good in about a quarter of the rounds,
# and a Ctrl-Z quickly followed by fg could leave a job stopped.)
tap_run "$PROGS/stop-cont" 200
tap_is "$TAP_RC:$TAP_OUT" "0:stuck 0 of 200" "stop-cont natively"
pti_run --batch -f -- "$PROGS/stop-cont" 200
tap_is "$TAP_RC:$TAP_OUT" "0:stuck 0 of 200" \
    "stop-cont under ptinspect -f: runs on after every SIGCONT"
runs=10
frame0='^(syscall|brk|__brk|sbrk)$'
caught "$runs" "$PROGS/brk-race" race
tap_isnt "$caught_in" 0 "the spinner was in brk in $caught_in of $runs runs"
pti_done
