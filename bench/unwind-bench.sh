#!/bin/sh
# unwind-bench.sh: time and syscalls per backtrace of a 50-frame stack,
# libunwind's stock _UPT accessors against ptinspect's (bench/unwind-bench),
# cold and warm. Syscalls are counted with strace -c on the benchmark
# process itself (not its child): a run of N warm unwinds minus a run of
# none, divided by N.
#
#	bench/unwind-bench.sh [BUILDDIR]   (default: the current directory)
#
# Goal: at most 50 us per warm unwind and no syscall per frame.

set -eu
bench="${1:-.}/bench/unwind-bench"
runs=2000
if [ ! -x "$bench" ]; then
	echo "unwind-bench.sh: $bench: not built (run make)" >&2
	exit 1
fi

echo "== time per unwind, 3 rounds of $runs warm unwinds"
for round in 1 2 3; do
	echo "-- round $round"
	"$bench" -n "$runs"
done

if ! command -v strace >/dev/null 2>&1; then
	echo "== syscalls: strace not found, skipped"
	exit 0
fi

# calls MODE N: the syscalls `unwind-bench -m MODE -n N` made.
calls()
{
	out="${TMPDIR:-/tmp}/unwind-strace.$$"
	strace -c -o "$out" "$bench" -m "$1" -n "$2" >/dev/null
	awk '$NF == "total" { print $(NF - 2) }' "$out"
	rm -f "$out"
}

echo "== syscalls per warm unwind of 55 frames"
echo "   (strace -c: ($runs runs - 0 runs) / $runs)"
for mode in stock walk replay; do
	base=$(calls "$mode" 0)
	total=$(calls "$mode" "$runs")
	awk -v m="$mode" -v a="$total" -v b="$base" -v n="$runs" 'BEGIN {
		printf "%-7s %6.1f syscalls per unwind\n", m, (a - b) / n
	}'
done
echo "(walk: libunwind's UNW_CACHE_GLOBAL lock makes 2 rt_sigprocmask per"
echo " frame; ours adds 1 PTRACE_GETREGS and 1 mem_read per unwind)"
