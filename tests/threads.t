#!/bin/sh
# threads.t: a process paused with many threads. The threads program calls
# exit_group while its 8 workers are alive (half spinning in user space,
# half blocked in pause()); every thread must be held and listed with its
# name and pc, the selected thread is the one that called exit_group, and
# the exit then happens as usual.

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"
tap_require_cmd python3 nm

# threads_summary: "COUNT DISTINCT-TIDS STATES NAMES ALL-PCS-SET" from the
# last run's `threads` JSON.
threads_summary()
{
	pti_json_eval threads '"%d %d %s %s %s" % (len(o["threads"]),
	    len(set(t["tid"] for t in o["threads"])),
	    ",".join(sorted(set(t["state"] for t in o["threads"]))),
	    ",".join(sorted(t["name"] for t in o["threads"])),
	    all(t["pc"] is not None and int(t["pc"], 16) > 0
		for t in o["threads"]))'
}

spins=$(nm "$PROGS/threads" | sed -n 's/^0*\([0-9a-f]*\) [bB] spins$/0x\1/p')
names="threads,worker-0,worker-1,worker-2,worker-3,worker-4,worker-5"
names="$names,worker-6,worker-7"

for mode in "" --no-seccomp; do
	m=${mode:+" ($mode)"}
	pti_run --batch --json $mode -ex status -ex threads -ex regs \
		"$PROGS/threads"
	tap_is "$TAP_RC" 0 "threads exits 0$m"
	tap_like "$TAP_OUT" '^8 workers ready$' "the workers did their work$m"
	tap_is "$(tap_json "$TAP_OUT" status threads)" 9 "status: 9 threads$m"
	tap_is "$(tap_json "$TAP_OUT" status state)" exit \
		"status: paused at exit$m"
	tap_is "$(threads_summary)" "9 9 held $names True" \
		"threads: 9 distinct threads, all held, named, with a pc$m"
	rtid=$(tap_json "$TAP_OUT" regs tid)
	spid=$(tap_json "$TAP_OUT" status pid)
	tap_is "${rtid:-no regs tid}" "${spid:-no status pid}" \
		"regs: the selected thread is the main thread$m"
	tap_is "$(tap_json "$TAP_OUT" regs regs.orig_rax)" 0xe7 \
		"regs: the selected thread is in exit_group$m"

	# Held means held: the spinning workers' counters do not move while
	# a slow command (a search of all memory) runs between two reads.
	pti_run --batch --json $mode -ex "x threads+$spins 64" \
		-ex 'find "no such bytes anywhere in memory"' \
		-ex "x threads+$spins 64" "$PROGS/threads"
	before=$(tap_json "$TAP_OUT" 'x#1' bytes)
	tap_is "$(tap_json "$TAP_OUT" 'x#2' bytes)" "$before" \
		"spinning workers do not run during the pause$m"
	tap_unlike "$before" '^(0000000000000000)*$' \
		"the spinning workers had counted$m"

	pti_run --batch $mode -ex status "$PROGS/threads"
	tap_like "$TAP_OUT" '^pid [1-9][0-9]*: paused at exit_group\(0\); 9 threads$' \
		"status text: 9 threads$m"
done

pti_done
