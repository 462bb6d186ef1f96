#!/bin/sh
# exec-cost.t: what each new process costs ptinspect under -f, the price a
# build or a compile loop pays for every program it execs
# (bench/real-workloads). A traced shell runs /bin/true N times and reads
# ptinspect's own minor page faults (field 10 of /proc/<its parent>/stat:
# ptinspect alone, not its tracees) before and after. Each process gets an
# arena, whose record of the memfd's pages must cost no fresh memory of
# its own: a table of every 2 MiB chunk (4 MiB of pointers) cost about 34
# faults a process from calloc (memset), 9 from a fresh mapping, and 4
# since the table is a directory of blocks from the heap and the stub's
# lanes are read and written through the file, mapping no window of
# ptinspect's view. Then the stops: strace on ptinspect alone counts the
# wait4 calls that returned a stop, which must stay within a budget per
# process (17 here: the shell's fork and SIGCHLD, the exec, brk, the
# stub's setup, ld.so's MAP_FIXED mappings, the exits), so that the
# per-process setup cannot grow unseen (29 before the first mmap went
# through the stub once it was in, 27 before the stub's code was mapped
# executable at once and the lane closed the memfd's descriptor, 22
# before the stub's own code opened the memfd and mapped its data); the
# difference between N and 2N processes cancels ptinspect's own start and
# the shell's. The same strace counts ptinspect's reads of the processes'
# /proc/PID/maps, none a process (one, at the first brk, before).

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"

n=40
max_faults=6
max_stops=19
max_calls=108
# Where ptinspect keeps the memfd at a reserved descriptor (it can lift a
# hard RLIMIT_NOFILE below 2^20: CAP_SYS_RESOURCE), each set-up also moves
# the descriptor there: an injected dup3 and close (2 stops each) and the
# limit's prlimits. Counted, not measured: this test's machines have been
# without the capability.
cap_eff=$(awk '/^CapEff:/ { print $2 }' /proc/self/status)
if [ $(((0x${cap_eff:-0} >> 24) & 1)) -eq 1 ] &&
    [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt 1048576 ]; then
	max_stops=$((max_stops + 4))
	max_calls=$((max_calls + 20))
fi

cat >"$TAP_TMP/loop.sh" <<'EOF'
field10() { set -- $(sed 's/^.*) //' "/proc/$PPID/stat"); echo "${8}"; }
before=$(field10)
i=0
while [ $i -lt "$1" ]; do /bin/true; i=$((i + 1)); done
echo "faults $(( $(field10) - before ))"
EOF

# ptinspect's faults over the loop of n processes.
pti_run --batch -f -- /bin/sh "$TAP_TMP/loop.sh" "$n"
tap_is "$TAP_RC" 0 "the loop of $n processes runs under ptinspect -f"
faults=$(printf '%s\n' "$TAP_OUT" | sed -n 's/^faults \([0-9]*\)$/\1/p')
tap_ok "ptinspect's own page faults: ${faults:-none} for $n processes" \
    test -n "$faults"
# AddressSanitizer's own allocations fault in their shadow memory.
if ldd "$PTINSPECT" 2>/dev/null | grep -q 'libasan'; then
	tap_skip "a sanitizer build: its faults are the sanitizer's"
else
	got=$((${faults:-0} / n))
	tap_ok "at most $max_faults faults a process (got $got)" \
	    test "${faults:-999999}" -le $((n * max_faults))
fi

if ! command -v strace >/dev/null 2>&1; then
	tap_skip "no strace: stops per process not counted" 4
	pti_done
	exit 0
fi
# Stops of the tracees: wait4 calls of ptinspect that returned one.
# stops N: their count for N processes, in $stops_n.
stops()
{
	# LeakSanitizer cannot run under ptrace (the sanitizer build).
	tap_run env PTI_TEST_TAG="$pti_tag" ASAN_OPTIONS=detect_leaks=0 \
	    strace -qq -o "$TAP_TMP/strace" -e signal=none \
	    "$PTINSPECT" --batch -f -- /bin/sh "$TAP_TMP/loop.sh" "$1"
	pti_collect_leftovers "(under strace) --batch -f, $1 processes"
	stops_n=$(grep -c '^wait4(.*) = [1-9]' "$TAP_TMP/strace")
	maps_n=$(grep -c '^openat(.*"/proc/[0-9]*/maps"' "$TAP_TMP/strace")
	calls_n=$(grep -c '^[a-z_0-9]*(' "$TAP_TMP/strace")
}
stops "$n"
s1=$stops_n m1=$maps_n c1=$calls_n
stops $((2 * n))
s2=$stops_n m2=$maps_n c2=$calls_n
per=$(((s2 - s1) / n))
tap_ok "stops counted: $s1 for $n processes, $s2 for $((2 * n))" \
    test "$s1" -gt "$n" -a "$s2" -gt "$s1"
tap_ok "at most $max_stops stops a process (got $per)" \
    test "$per" -le "$max_stops"
# The first brk of each process decides its heap without reading its
# maps (redirect-brk.c: one read a process before, 6% of ptinspect's time).
tap_is "$((m2 - m1))" 0 \
    "no /proc/PID/maps read for the $n processes more ($m1, then $m2)"
# All of ptinspect's own system calls a process, the stops' among them:
# 148 before tracer_poll slept in waitpid at once (four calls an event:
# the signalfd's two reads and a waitpid that found nothing first) and
# the stub's set-up took 2 stops; 112 before a seccomp stop's rule was
# read off its registers (tracer_stop_rule), not asked of the kernel.
if ldd "$PTINSPECT" 2>/dev/null | grep -q 'libasan'; then
	tap_skip "a sanitizer build: its system calls are the sanitizer's too"
else
	per=$(((c2 - c1) / n))
	tap_ok "at most $max_calls calls of ptinspect's a process (got $per)" \
	    test $((c2 - c1)) -le $((n * max_calls))
fi
pti_done
