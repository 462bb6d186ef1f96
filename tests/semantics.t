#!/bin/bash
# semantics.t: a program cannot tell that its memory was redirected, and
# its memory is redirected. Runs every $PROGS/sem-* program
# (tests/progs/sem-*.c, each checks itself) three ways and requires each to
# pass:
#   native              the program alone
#   batch               ptinspect --pause-on-exit --batch --json -ex stats
#                       -ex maps [-f]
#   plain               ptinspect --batch [-f]: traced, no pause, no
#                       commands (without --batch ptinspect starts its TUI)
# The forking programs get -f in both traced runs.
# A program exits 77 when the machine lacks what it tests natively: every
# line for it is then "ok N # SKIP". Native and traced results are separate
# TAP lines, so a failure says which side broke.
# After each batch run, one more line requires that the program's memory
# was redirected at every pause: `stats` counts shared regions, `maps`
# shows [heap] and some region besides the stub's as "shared", and for the
# programs in redirected_at_exit the mapping they made last too (in the
# processes that have it, at least one). With
# --no-redirect every one of these lines fails.
# Then the memory bounds: sem-munmap's 4,000 rounds of mmap/touch/munmap,
# sem-exec's chain of execs, sem-fork-loop's 50 children and a `find`
# through sem-sparse's 64 GiB of mostly holes must leave the memfd's
# allocated size and system Shmem (both sampled while they run) and
# ptinspect's peak resident size bounded (VmHWM from /proc: ptinspect
# alone, not its tracees); the memfd must have been seen holding memory.
# Builds nothing. Env: PTINSPECT, PROGS (see Makefile.am); PTI_EXTRA_ARGS,
# when set, goes before the arguments of every ptinspect run (.ci/run sets
# it to --no-redirect and requires this test to fail); PTI_SECOND_PASS,
# when set (.ci/run's sanitizer pass, after a full first pass), leaves out
# the native runs and the plain traced runs, which test the machine and the
# tracer's unpaused path already tested, and the memory bounds of the
# stress programs, whose batch runs it has (find's in sem-sparse and the
# idle munmap's stay): each is a "# SKIP" line.
# SEM_SHARD=1/2 or 2/2 runs one half (semantics-1.t, semantics-2.t, which
# make -j2 check runs side by side): the programs at even or odd places,
# then "as another user" (1/2) or shmat and the memory bounds (2/2).

set -u

: "${PTINSPECT:?PTINSPECT is not set}"
: "${PROGS:?PROGS is not set}"

# The programs in redirected_at_exit must also show, through `maps`, that
# the mapping they made last (sem_leave_marker() at marker_addr,
# tests/progs/sem.h) is redirected ("access":"shared").
redirected_at_exit="sem-closefds sem-memfd sem-threads sem-exec sem-mseal
	sem-vmflags"
# Programs that install a seccomp filter of their own: what they allocate
# afterwards stays private by design (redirect.c, on_own_filter), their
# [heap] included; the rest of the redirection check applies.
private_heap="sem-foreign-trace sem-own-filter"
# Programs whose heap (brk) must exist at the pause, shared: the check
# above cannot tell a heap emulated with private memory (unnamed) from
# no heap at all.
heap_required="sem-brk sem-brk-far"
marker_addr=0x5e5e00000000

# Programs that fork: the plain run follows them with -f; the batch run
# uses -f too, so every child is paused and inspected at its exit.
forking="sem-fork-cow sem-fork-shared sem-fork-advice sem-spawn sem-closefds
	sem-memfd sem-brk sem-exec sem-fork-loop sem-signals sem-hugetlb
	sem-jit sem-stack sem-clonevm sem-untraced sem-untraced-fork
	sem-foreign-trace sem-own-filter sem-fork-borrow sem-fork-lanes"

# Seconds one run may take before it counts as hung.
run_timeout=${PTI_SEM_TIMEOUT:-120}

# Bounds for the memory runs (memory_bound below). The memfd figure is
# exact, its limit given per program; Shmem is system-wide and other
# programs move it by hundreds of MiB, so its limit only catches gross
# leaks (its level after the run is shown, not judged, for the same reason).
shmem_peak_max_kb=$((2048 * 1024))
rss_peak_max_kb=$((256 * 1024))

n=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/semantics.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

if ! command -v python3 >/dev/null; then
	echo "1..0 # SKIP python3 not found"
	exit 0
fi

if [ -n "${PTI_EXTRA_ARGS:-}" ]; then
	printf '#!/bin/sh\nexec %s %s "$@"\n' "'$PTINSPECT'" \
	    "$PTI_EXTRA_ARGS" >"$tmp/ptinspect"
	chmod +x "$tmp/ptinspect"
	PTINSPECT=$tmp/ptinspect
	echo "# every ptinspect run gets $PTI_EXTRA_ARGS"
fi

ok() {
	n=$((n + 1))
	echo "ok $n - $*"
}

not_ok() {
	n=$((n + 1))
	echo "not ok $n - $*"
}

skip() {
	local reason=$1
	shift
	n=$((n + 1))
	echo "ok $n - $* # SKIP $reason"
}

# Prints a file as TAP comments: at most 40 lines of 200 characters.
diag_file() {
	cut -c 1-200 "$1" | sed -n '1,40s/^/#   /p'
}

in_list() {
	local word=$1 w
	shift
	for w in $*; do
		[ "$w" = "$word" ] && return 0
	done
	return 1
}

# run LOG CMD...: runs CMD with a timeout, stdout+stderr to LOG; sets rc.
run() {
	local log=$1
	shift
	timeout -k 10 "$run_timeout" "$@" >"$log" 2>&1 </dev/null
	rc=$?
}

# Reports one run of prog as a TAP line. $1 how, $2 log, $3 native rc.
report() {
	local how=$1 log=$2 native_rc=$3
	if [ "$rc" -eq 0 ]; then
		ok "$name $how"
	elif [ "$rc" -eq 77 ] && [ "$native_rc" -eq 77 ]; then
		skip "$(sed -n 's/^SKIP: //p' "$log" | head -1)" "$name $how"
	else
		case $rc in
		77) what="skipped, but not natively" ;;
		124|137) what="timed out after ${run_timeout}s" ;;
		*) what="exit status $rc" ;;
		esac
		not_ok "$name $how: $what"
		diag_file "$log"
	fi
}

# redirected LOG MARKED HEAP: checks the JSON lines of a batch run (HEAP
# "yes": [heap] must be shared too, "required": and be there); prints "ok"
# or what was not redirected.
redirected() {
	python3 - "$1" "$2" "$marker_addr" "$3" <<'PY'
import json, sys
log, marked, marker = sys.argv[1], sys.argv[2] == "yes", sys.argv[3]
heap = sys.argv[4] in ("yes", "required")
heap_required = sys.argv[4] == "required"
stats, maps, markers, bad = 0, 0, 0, []
for line in open(log, errors="replace"):
	if not line.startswith("{"):
		continue
	try:
		o = json.loads(line)
	except ValueError:
		continue
	if o.get("cmd") == "stats":
		stats += 1
		if o["shared_regions"] <= 0:
			bad.append("stats: %d shared regions" % o["shared_regions"])
	if o.get("cmd") != "maps":
		continue
	maps += 1
	regs = o["regions"]
	if heap_required and not any(r["name"] == "[heap]" for r in regs):
		bad.append("no [heap]")
	for r in regs:
		if heap and r["name"] == "[heap]" and r["access"] != "shared":
			bad.append("[heap] %s" % r["access"])
	if not any(r["access"] == "shared" and r["name"] != "[ptinspect]"
		   for r in regs):
		bad.append("maps: no shared region but the stub's")
	for r in regs:
		if r["start"] == marker:
			markers += 1
			if r["access"] != "shared":
				bad.append("marker at %s %s" % (marker, r["access"]))
if marked and markers == 0:
	bad.append("no marker at %s" % marker)
if stats == 0 or maps == 0:
	bad.append("%d stats and %d maps results" % (stats, maps))
print("; ".join(sorted(set(bad))) or "ok")
PY
}

progs=()
for f in "$PROGS"/sem-*; do
	case ${f##*/} in
	*.*) continue ;;	# objects, sources of an in-tree build
	esac
	[ -f "$f" ] && [ -x "$f" ] && progs+=("$f")
done
if [ ${#progs[@]} -eq 0 ]; then
	echo "1..0 # SKIP no sem-* programs in $PROGS"
	exit 0
fi

shard=${SEM_SHARD:-}
case $shard in
''|1/2|2/2) ;;
*) echo "Bail out! SEM_SHARD=$shard: 1/2, 2/2 or unset" ; exit 1 ;;
esac
# in_shard PART: is this part of the test in the shard asked for?
in_shard() {
	[ -z "$shard" ] || [ "$shard" = "$1" ]
}

place=0
for prog in "${progs[@]}"; do
	place=$((place + 1))
	in_shard "$((2 - place % 2))/2" || continue
	name=${prog##*/}
	follow=()
	in_list "$name" "$forking" && follow=(-f)
	marked=no
	in_list "$name" "$redirected_at_exit" && marked=yes

	if [ -n "${PTI_SECOND_PASS:-}" ]; then
		# The native run was the first pass's: a skip is taken as
		# the machine's.
		native_rc=77
		skip "PTI_SECOND_PASS: run in the first pass" "$name native"
	else
		run "$tmp/$name.native" "$prog"
		native_rc=$rc
		report "native" "$tmp/$name.native" "$native_rc"
	fi

	args=(--pause-on-exit --batch --json -ex stats -ex maps "${follow[@]}")
	run "$tmp/$name.batch" "$PTINSPECT" "${args[@]}" -- "$prog"
	if [ -n "${PTI_SECOND_PASS:-}" ] && [ "$rc" -ne 77 ]; then
		native_rc=0
	fi
	report "under ptinspect ${args[*]}" "$tmp/$name.batch" "$native_rc"
	batch_rc=$rc

	args=(--batch "${follow[@]}")
	if [ -n "${PTI_SECOND_PASS:-}" ]; then
		skip "PTI_SECOND_PASS: run in the first pass" \
		    "$name under ptinspect ${args[*]}"
	else
		run "$tmp/$name.plain" "$PTINSPECT" "${args[@]}" -- "$prog"
		report "under ptinspect ${args[*]}" "$tmp/$name.plain" \
		    "$native_rc"
	fi

	what="$name: its memory is redirected at every pause"
	[ "$marked" = yes ] && what="$what, its last mapping too"
	if [ "$batch_rc" -eq 77 ] && [ "$native_rc" -eq 77 ]; then
		skip "skipped natively" "$what"
	elif [ "$batch_rc" -ne 0 ]; then
		not_ok "$what (run failed)"
	else
		heap=yes
		in_list "$name" "$private_heap" && heap=no
		in_list "$name" "$heap_required" && heap=required
		v=$(redirected "$tmp/$name.batch" "$marked" "$heap")
		if [ "$v" = ok ]; then
			ok "$what"
		else
			not_ok "$what: $v"
		fi
	fi
done

# --- What ptinspect reads where the program replaced its memory ----------
# sem-shmat leaves a System V segment of 'B' (0x42) at 0x5e5f00000000,
# attached with SHM_REMAP over redirected memory of 'A': ptinspect must
# read the segment, not the memfd's old copy.
what="sem-shmat: ptinspect reads the segment attached over redirected memory"
if in_shard 2/2 && [ -x "$PROGS/sem-shmat" ]; then
	run "$tmp/shmat.log" "$PTINSPECT" --pause-on-exit --batch \
	    -ex 'x 0x5e5f00000000 16' -- "$PROGS/sem-shmat"
	if [ "$rc" -eq 77 ]; then
		skip "$(sed -n 's/^SKIP: //p' "$tmp/shmat.log" | head -1)" \
		    "$what"
	elif [ "$rc" -eq 0 ] &&
	    grep -q '^00005e5f00000000  42 42 42 42 42 42 42 42' \
	    "$tmp/shmat.log"; then
		ok "$what"
	else
		not_ok "$what (exit status $rc)"
		diag_file "$tmp/shmat.log"
	fi
elif in_shard 2/2; then
	skip "sem-shmat not built" "$what"
fi

# --- As another user -----------------------------------------------------
# Where it matters (brk and the arena's descriptor when the
# program is not ptinspect's user), the programs in as_user run as nobody:
# natively, under ptinspect as root with the program switched to nobody by
# setpriv, and under ptinspect run as nobody. Needs root and setpriv.
as_user="sem-brk sem-brk-far sem-clonevm sem-madvise-span sem-mainstack
	sem-limits"
user_args=(--reuid=65534 --regid=65534 --clear-groups)
user_skip=
if [ "$(id -u)" -ne 0 ]; then
	user_skip="not root: cannot switch to another user"
elif ! command -v setpriv >/dev/null 2>&1; then
	user_skip="no setpriv"
elif ! setpriv "${user_args[@]}" test -x "$PTINSPECT"; then
	user_skip="nobody cannot run $PTINSPECT"
fi
in_shard 1/2 || as_user=
for name in $as_user; do
	prog=$PROGS/$name
	follow=()
	in_list "$name" "$forking" && follow=(-f)
	if [ -n "$user_skip" ] || [ ! -x "$prog" ]; then
		r=${user_skip:-$name not built}
		skip "$r" "$name as nobody natively"
		skip "$r" "$name as nobody under ptinspect as root"
		skip "$r" "$name under ptinspect as nobody"
		continue
	fi
	if [ -n "${PTI_SECOND_PASS:-}" ]; then
		native_rc=0
		skip "PTI_SECOND_PASS: run in the first pass" \
		    "$name as nobody natively"
	else
		run "$tmp/$name.user" setpriv "${user_args[@]}" "$prog"
		native_rc=$rc
		report "as nobody natively" "$tmp/$name.user" "$native_rc"
	fi
	run "$tmp/$name.user2" "$PTINSPECT" --batch "${follow[@]}" -- \
	    setpriv "${user_args[@]}" "$prog"
	report "as nobody under ptinspect as root" "$tmp/$name.user2" \
	    "$native_rc"
	run "$tmp/$name.user3" setpriv "${user_args[@]}" "$PTINSPECT" \
	    --batch "${follow[@]}" -- "$prog"
	report "under ptinspect as nobody" "$tmp/$name.user3" "$native_rc"
done

# --- Memory bounds ------------------------------------------------------
# (SEM_SHARD=2/2's, or the whole run's.)
if ! in_shard 2/2; then
	echo "1..$n"
	exit 0
fi

shmem_kb() {
	awk '/^Shmem:/ { print $2 }' /proc/meminfo
}

# memfd_kb PID: kB allocated in the memfds PID holds (by fd or mapping),
# each counted once: what the tracees' memory costs, and nothing else.
memfd_kb() {
	local pid=$1 f t seen=" " total=0 ino blocks
	for f in /proc/"$pid"/fd/* /proc/"$pid"/map_files/*; do
		t=$(readlink "$f" 2>/dev/null) || continue
		case $t in
		/memfd:*) ;;
		*) continue ;;
		esac
		read -r ino blocks < <(stat -L -c '%i %b' "$f" 2>/dev/null) ||
			continue
		case $seen in
		*" $ino "*) continue ;;
		esac
		seen="$seen$ino "
		total=$((total + blocks / 2))
	done
	echo "$total"
}

# memory_bound NAME MEMFD_MIN_KB MEMFD_LIMIT_KB [ARG...]: runs
# $PROGS/NAME under `ptinspect --pause-on-exit --batch --json ARG... -ex
# stats` and judges the memfd's peak size (at least MEMFD_MIN_KB: the
# program's memory went there; at most MEMFD_LIMIT_KB: it is given back),
# Shmem's peak growth and ptinspect's peak resident size. The output stays
# in $tmp/bound.log.
memory_bound() {
	local name=$1 memfd_min=$2 memfd_limit=$3 prog=$PROGS/$1
	local what="memory bound: $1"
	shift 3
	local base peak memfd_peak tpid pti_pid v rc rss= after
	if [ ! -x "$prog" ]; then
		skip "$name not built" "$what"
		return
	fi
	# A stress program's bound repeats the path of its batch run, which
	# this pass has made, and a sanitizer build's own size makes the
	# resident bound moot. A bound with commands (find) is a path of its own.
	if [ -n "${PTI_SECOND_PASS:-}" ] && [ $# -eq 0 ]; then
		skip "PTI_SECOND_PASS: run in the first pass" "$what"
		return
	fi
	base=$(shmem_kb)
	peak=$base
	memfd_peak=0
	timeout -k 10 "$run_timeout" "$PTINSPECT" --pause-on-exit --batch \
	    --json "$@" -ex stats -- "$prog" >"$tmp/bound.log" 2>&1 </dev/null &
	tpid=$!
	pti_pid=
	while kill -0 "$tpid" 2>/dev/null; do
		if [ -z "$pti_pid" ]; then
			# ptinspect is the child of timeout.
			pti_pid=$(cat /proc/"$tpid"/task/*/children \
			    2>/dev/null)
			pti_pid=${pti_pid%% *}
		fi
		v=$(shmem_kb)
		[ "$v" -gt "$peak" ] && peak=$v
		if [ -n "$pti_pid" ]; then
			v=$(memfd_kb "$pti_pid")
			[ "$v" -gt "$memfd_peak" ] && memfd_peak=$v
			# VmHWM: ptinspect's own peak, its tracees apart.
			v=$(awk '/^VmHWM:/ { print $2 }' \
			    /proc/"$pti_pid"/status 2>/dev/null)
			[ -n "$v" ] && rss=$v
		fi
		sleep 0.05
	done
	wait "$tpid"
	rc=$?
	sleep 0.5	# let the memfd's pages go
	after=$(shmem_kb)
	echo "# $name: memfd peak ${memfd_peak} kB; Shmem before ${base} kB," \
	    "peak ${peak} kB, after ${after} kB; ptinspect peak RSS" \
	    "${rss:-?} kB"
	if [ "$rc" -ne 0 ]; then
		not_ok "$what: under ptinspect failed ($rc)"
		diag_file "$tmp/bound.log"
	else
		ok "$what: passes under ptinspect"
	fi
	# A quick run can end between samples: `stats` reports the memfd at
	# the pause too.
	v=$(sed -n 's/.*"resident_bytes":\([0-9]*\).*/\1/p' \
	    "$tmp/bound.log" | sort -n | tail -1)
	[ -n "$v" ] && [ $((v / 1024)) -gt "$memfd_peak" ] &&
		memfd_peak=$((v / 1024))
	if [ -z "$pti_pid" ] && [ -z "$v" ]; then
		not_ok "$what: ptinspect's memfd never seen"
	elif [ "$memfd_peak" -lt "$memfd_min" ]; then
		not_ok "$what: memfd held $memfd_peak kB at most, not" \
		    "$memfd_min: the memory was not redirected"
	elif [ "$memfd_peak" -le "$memfd_limit" ]; then
		ok "$what: memfd held $memfd_peak kB at most" \
		    "(at least $memfd_min, limit $memfd_limit)"
	else
		not_ok "$what: memfd held $memfd_peak kB" \
		    "(limit $memfd_limit): memory is not given back"
	fi
	# System-wide, so other programs add noise: a coarse limit.
	if [ $((peak - base)) -le "$shmem_peak_max_kb" ]; then
		ok "$what: Shmem grew $((peak - base)) kB at most" \
		    "(limit $shmem_peak_max_kb)"
	else
		not_ok "$what: Shmem grew $((peak - base)) kB" \
		    "(limit $shmem_peak_max_kb): memory is not given back"
	fi
	case $rss in
	'')
		# /proc/PID/status was never read while ptinspect ran.
		skip "over before ptinspect could be sampled" \
		    "$what: ptinspect peak RSS"
		;;
	*[!0-9]*)
		not_ok "$what: ptinspect peak RSS unknown ($rss)"
		;;
	*)
		if [ "$rss" -le "$rss_peak_max_kb" ]; then
			ok "$what: ptinspect peak RSS $rss kB" \
			    "(limit $rss_peak_max_kb)"
		else
			not_ok "$what: ptinspect peak RSS $rss kB" \
			    "(limit $rss_peak_max_kb)"
		fi
		;;
	esac
}

# sem-munmap: 1 GiB of touched pages pass through 1 MiB mappings (its heap
# and stack alone hold 48 kB at the pause, which the samples taken while
# it runs may all miss on a loaded machine).
memory_bound sem-munmap 48 $((64 * 1024))
# sem-munmap-idle: the range of a munmap is given back while the program
# runs on without another memory call (the punch waits for the munmap to
# have run, then comes at the next stop or, with none, a few ms later; the
# program unmaps all but a page, which the stub's munmap lane does not
# take). ptinspect's memfd must hold the 64 MiB once the program says
# "touched" (it was redirected; the program waits for a byte on its
# standard input, a fifo held open here, before it unmaps), and less than
# 8 MiB within a second of "unmapped", while the program still waits on
# that fifo (closed once the memfd has been measured).
idle_giveback() {
	local what="sem-munmap-idle: munmap gives memory back with no call after it"
	local prog=$PROGS/sem-munmap-idle tpid pti_pid= f memfd= peak=0
	local after= alive=yes i
	if [ ! -x "$prog" ]; then
		skip "sem-munmap-idle not built" "$what"
		return
	fi
	rm -f "$tmp/idle.in"
	mkfifo "$tmp/idle.in"
	timeout -k 10 "$run_timeout" "$PTINSPECT" --batch -- "$prog" \
	    >"$tmp/idle.log" 2>&1 <"$tmp/idle.in" &
	tpid=$!
	exec 9>"$tmp/idle.in"
	for i in $(seq 1 1500); do
		grep -q '^touched' "$tmp/idle.log" && break
		kill -0 "$tpid" 2>/dev/null || break
		sleep 0.02
	done
	# ptinspect is the child of timeout; its memfd, one of its fds.
	pti_pid=$(cat /proc/"$tpid"/task/*/children 2>/dev/null)
	for f in /proc/"${pti_pid%% *}"/fd/*; do
		case $(readlink "$f" 2>/dev/null) in
		/memfd:ptinspect*) memfd=$f; break ;;
		esac
	done
	[ -n "$memfd" ] && peak=$(($(stat -L -c %b "$memfd") / 2))
	printf x >&9
	for i in $(seq 1 1500); do
		grep -q '^unmapped' "$tmp/idle.log" && break
		kill -0 "$tpid" 2>/dev/null || break
		sleep 0.02
	done
	for i in $(seq 1 20); do
		[ -n "$memfd" ] || break
		after=$(($(stat -L -c %b "$memfd" 2>/dev/null || echo 0) / 2))
		[ "$after" -lt 8192 ] && break
		sleep 0.05
	done
	# Measured while the program waited: else it proves nothing.
	grep -q '^unmapped' "$tmp/idle.log" && kill -0 "$tpid" 2>/dev/null ||
		alive=
	exec 9>&-
	wait "$tpid"
	echo "# sem-munmap-idle: memfd ${peak} kB after touching," \
	    "${after:-?} kB after the munmap"
	if [ "$peak" -lt $((48 * 1024)) ]; then
		not_ok "$what: the memfd held $peak kB after the 64 MiB were" \
		    "touched: they were not redirected"
		diag_file "$tmp/idle.log"
	elif [ -z "$alive" ]; then
		not_ok "$what: the program did not wait after its munmap"
		diag_file "$tmp/idle.log"
	elif [ -z "$after" ] || [ "$after" -ge 8192 ]; then
		not_ok "$what: the memfd still holds ${after:-?} kB a second" \
		    "after the munmap"
		diag_file "$tmp/idle.log"
	else
		ok "$what (memfd $peak kB, then $after kB)"
	fi
}
idle_giveback

# sem-exec: six images in a row, each filling 64 MiB (and 1 MiB of heap);
# only the live image's memory may be held (a leak keeps them all: 390 MiB),
# and the last image's 64 MiB are held at its pause.
memory_bound sem-exec $((32 * 1024)) $((160 * 1024))
# sem-fork-loop: 50 children in turn, each with a 16 MiB copy and 4 MiB of
# its own; a child's memory kept after its exit adds up to 1 GiB. The
# parent's 16 MiB are held at its pause.
memory_bound sem-fork-loop $((8 * 1024)) $((128 * 1024))
# sem-sparse: `find` through a 64 GiB mapping with three pages written
# must find them without reading (and so allocating) the holes, and read
# only the pages that hold data: a few hundred fast accesses at most (the
# holes, 256 KiB a chunk, would take 262,144), and at least one: a find
# that reads nothing through the memfd did not read redirected memory.
memory_bound sem-sparse 12 $((64 * 1024)) -ex 'find "sem-sparse-marker"'
if [ -x "$PROGS/sem-sparse" ]; then
	found=$(grep -o '"matches":\[[^]]*\]' "$tmp/bound.log" | head -1)
	count=$(echo "$found" | grep -o '"0x' | wc -l)
	if [ "$count" -eq 3 ]; then
		ok "sem-sparse: find sees the 3 markers in 64 GiB"
	else
		not_ok "sem-sparse: find sees $count markers in 64 GiB, not 3"
		diag_file "$tmp/bound.log"
	fi
	fast=$(sed -n 's/.*"fast_accesses":\([0-9]*\).*/\1/p' \
		"$tmp/bound.log" | head -1)
	if [ -n "$fast" ] && [ "$fast" -gt 0 ] && [ "$fast" -lt 1000 ]; then
		ok "sem-sparse: find reads only the pages with data ($fast fast accesses)"
	else
		not_ok "sem-sparse: find read ${fast:-?} chunks through the" \
		    "memfd, not 1 to 999"
		diag_file "$tmp/bound.log"
	fi
fi

echo "1..$n"
