#!/bin/sh
# pause.t: the pause at exit_group, at the exit of the last thread and just
# before a fatal signal: `status` in text and JSON, registers and maps at
# the pause, `continue` and `kill`, -x FILE, and no tracee surviving a
# killed ptinspect. Each mode runs with and without the seccomp filter
# (PTI_SECOND_PASS: with it only).

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"
tap_require_cmd python3

# j CMD PATH: a field of the last run's JSON output.
j()
{
	tap_json "$TAP_OUT" "$1" "$2"
}

# PTI_SECOND_PASS (.ci/run's sanitizer pass, after a full first pass):
# with the filter only.
modes='"" --no-seccomp'
if [ -n "${PTI_SECOND_PASS:-}" ]; then
	modes='""'
	tap_diag "PTI_SECOND_PASS: --no-seccomp runs left to the first pass"
fi
eval "set -- $modes"
for mode in "$@"; do
	m=${mode:+" ($mode)"}

	# exit_group(42)
	pti_run --batch --json $mode -ex status "$PROGS/exit-code" 42
	tap_is "$TAP_RC" 42 "exit_group: exit status 42$m"
	tap_is "$(j status state)" exit "exit_group: state exit$m"
	tap_is "$(j status exit_code)" 42 "exit_group: exit_code 42$m"
	tap_is "$(j status exit_via)" exit_group "exit_group: exit_via$m"
	tap_is "$(j status signal)" null "exit_group: signal null$m"
	tap_is "$(j status fault_addr)" null "exit_group: fault_addr null$m"
	tap_is "$(j status threads)" 1 "exit_group: 1 thread$m"
	tap_like "$(j status pid)" '^[1-9][0-9]*$' "exit_group: a pid$m"
	pti_run --batch $mode -ex status "$PROGS/exit-code" 42
	tap_like "$TAP_OUT" \
		'^pid [1-9][0-9]*: paused at exit_group\(42\); 1 thread$' \
		"exit_group: text status$m"

	# SIGSEGV at 0x10, three calls deep.
	pti_run --batch --json $mode -ex status "$PROGS/crash"
	tap_is "$TAP_RC" 139 "SIGSEGV: exit status 139$m"
	tap_is "$(j status state)" signal "SIGSEGV: state signal$m"
	tap_is "$(j status signal)" SIGSEGV "SIGSEGV: signal SIGSEGV$m"
	tap_is "$(j status fault_addr)" 0x10 "SIGSEGV: fault_addr 0x10$m"
	tap_is "$(j status exit_code)" null "SIGSEGV: exit_code null$m"
	tap_is "$(j status threads)" 1 "SIGSEGV: 1 thread$m"
	pti_run --batch $mode -ex status "$PROGS/crash"
	segv_re='paused before SIGSEGV \(fault address 0x10\); 1 thread$'
	tap_like "$TAP_OUT" "^pid [1-9][0-9]*: $segv_re" \
		"SIGSEGV: text status$m"

	# SIGABRT from abort(3): no fault address.
	pti_run --batch --json $mode -ex status "$PROGS/abort"
	tap_is "$TAP_RC" 134 "SIGABRT: exit status 134$m"
	tap_is "$(j status state)" signal "SIGABRT: state signal$m"
	tap_is "$(j status signal)" SIGABRT "SIGABRT: signal SIGABRT$m"
	tap_is "$(j status fault_addr)" null "SIGABRT: fault_addr null$m"
	pti_run --batch $mode -ex status "$PROGS/abort"
	tap_like "$TAP_OUT" '^pid [1-9][0-9]*: paused before SIGABRT[;(]' \
		"SIGABRT: text status$m"

	# A signal that kills without being a fault.
	pti_run --batch --json $mode -ex status "$PROGS/raise" 15
	tap_is "$TAP_RC" 143 "SIGTERM: exit status 143$m"
	tap_is "$(j status signal)" SIGTERM "SIGTERM: signal SIGTERM$m"

	# A caught SIGSEGV is no reason to pause.
	pti_run --batch --json $mode -ex status "$PROGS/caught-signal"
	tap_is "$TAP_RC" 0 "caught SIGSEGV: exit status 0$m"
	tap_is "$(j status state)" exit "caught SIGSEGV: paused at exit$m"
	tap_like "$TAP_OUT" '^recovered$' "caught SIGSEGV: the handler ran$m"

	# Other synchronous faults: the fault address is the data address
	# (SIGBUS) or the faulting instruction (SIGFPE, SIGILL).
	pti_run --batch --json $mode -ex status "$PROGS/fault" bus
	tap_is "$TAP_RC" 135 "SIGBUS: exit status 135$m"
	tap_is "$(j status signal)" SIGBUS "SIGBUS: signal SIGBUS$m"
	tap_is "$(j status fault_addr)" \
		"$(printf '%s\n' "$TAP_OUT" | sed -n 's/^fault //p')" \
		"SIGBUS: fault_addr is the address loaded from$m"
	for f in fpe:SIGFPE:136 ill:SIGILL:132; do
		sig=${f#*:}
		rc=${sig#*:}
		sig=${sig%:*}
		pti_run --batch --json $mode -ex status -ex regs \
			"$PROGS/fault" "${f%%:*}"
		tap_is "$TAP_RC" "$rc" "$sig: exit status $rc$m"
		tap_is "$(j status signal)" "$sig" "$sig: signal $sig$m"
		# (each side defaults to a different word: "" = "" fails)
		fa=$(j status fault_addr)
		rip=$(j regs regs.rip)
		tap_is "${fa:-no fault_addr}" "${rip:-no rip}" \
			"$sig: fault_addr is the faulting instruction$m"
	done

	# A stack overflow: the pause must not need the tracee's stack.
	pti_run --batch --json $mode -ex status -ex regs \
		"$PROGS/stack-overflow"
	tap_is "$TAP_RC" 139 "stack overflow: exit status 139$m"
	tap_is "$(j status signal)" SIGSEGV "stack overflow: SIGSEGV$m"
	near=$(python3 -c 'import sys; print(abs(int(sys.argv[1], 16) -
		int(sys.argv[2], 16)) <= 4096)' "$(j status fault_addr)" \
		"$(j regs regs.rsp)" 2>/dev/null)
	tap_is "$near" True "stack overflow: fault_addr next to rsp$m"

	# exec from a non-leader thread: the process goes on as the new
	# program, under the same pid.
	pti_run --batch --json $mode -ex status "$PROGS/thread-exec" \
		"$PROGS/exit-code" 6
	tap_is "$TAP_RC" 6 "exec from a thread: exit status 6$m"
	tap_is "$(j status exit_code)" 6 "exec from a thread: exit_code 6$m"
	tap_is "$(j status threads)" 1 "exec from a thread: 1 thread$m"

	# The last thread's SYS_exit, no exit_group.
	pti_run --batch --json $mode -ex status "$PROGS/last-thread"
	tap_is "$TAP_RC" 7 "last thread exit: exit status 7$m"
	tap_is "$(j status state)" exit "last thread exit: state exit$m"
	tap_is "$(j status exit_code)" 7 "last thread exit: exit_code 7$m"
	tap_is "$(j status exit_via)" last_thread \
	    "last thread exit: exit_via last_thread$m"
	tap_like "$TAP_OUT" '^last thread$' "last thread exit: it printed$m"

	# Registers at exit_group(42): the syscall and its argument.
	pti_run --batch --json $mode -ex regs "$PROGS/exit-code" 42
	tap_is "$(j regs regs.orig_rax)" 0xe7 "regs: orig_rax is exit_group$m"
	tap_is "$(j regs regs.rdi)" 0x2a "regs: rdi is the status 42$m"
	tap_like "$(j regs regs.rip)" '^0x[0-9a-f]+$' "regs: rip in hex$m"
	tap_like "$(j regs regs.fs_base)" '^0x[0-9a-f]+$' "regs: fs_base$m"
	tap_like "$(j regs regs.eflags)" '^0x[0-9a-f]+$' "regs: eflags$m"
	tap_like "$(j regs tid)" '^[1-9][0-9]*$' "regs: the tid$m"
done

# The pid is the program's own.
pti_run --batch --json -ex status "$PROGS/demo"
pid=$(j status pid)
demo_pid=$(printf '%s\n' "$TAP_OUT" | sed -n 's/^demo: pid \([0-9]*\)$/\1/p')
tap_is "${pid:-no status pid}" "${demo_pid:-no pid printed}" \
	"status pid is the pid the program sees"

# maps at the pause.
pti_run --batch --json -ex maps "$PROGS/exit-code" 3
tap_is "$TAP_RC" 3 "maps: exit status kept"
maps_check=$(pti_json_eval maps '" ".join([
    "stack" if any(r["name"] == "[stack]" for r in o["regions"])
    else "no-stack",
    "prog" if any(r["name"].endswith("/exit-code") for r in o["regions"])
    else "no-prog",
    "sorted" if o["regions"] == sorted(o["regions"],
                                       key=lambda r: int(r["start"], 16))
    else "unsorted",
    str(len([r for r in o["regions"] if not (
        r["start"].startswith("0x") and r["end"].startswith("0x")
        and int(r["start"], 16) < int(r["end"], 16)
        and len(r["perms"]) == 4 and isinstance(r["offset"], int)
        and r["access"] in ("shared", "copy"))]))])')
tap_is "$maps_check" "stack prog sorted 0" \
	"maps: [stack], the program, sorted, well-formed regions"
pti_run --batch -ex maps "$PROGS/exit-code" 3
tap_like "$TAP_OUT" \
	'^[0-9a-f]+-[0-9a-f]+ r-xp [0-9a-fx]+ +(shared|copy) +/.*/exit-code$' \
	"maps text: the program's text region"
tap_like "$TAP_OUT" \
	'^[0-9a-f]+-[0-9a-f]+ rw-[ps] [0-9a-fx]+ +(shared|copy) +\[stack\]$' \
	"maps text: the stack"

# continue ends the list; kill kills.
pti_run --batch --json -ex continue -ex status "$PROGS/exit-code" 42
tap_is "$TAP_RC" 42 "continue: the exit happens with its status"
tap_like "$(j continue pid)" '^[1-9][0-9]*$' "continue: JSON with the pid"
tap_is "$(j status state)" "" "continue: later commands do not run"
pti_run --batch --json -ex kill -ex status "$PROGS/exit-code" 42
tap_is "$TAP_RC" 137 "kill: the program dies of SIGKILL"
tap_like "$(j kill pid)" '^[1-9][0-9]*$' "kill: JSON with the pid"
tap_is "$(j status state)" "" "kill: later commands do not run"
pti_run --batch --json -ex kill "$PROGS/crash"
tap_is "$TAP_RC" 137 "kill at SIGSEGV: SIGKILL wins"

# -x FILE: one command a line, comments and blank lines skipped, in order
# with -ex.
cat >"$TAP_TMP/cmds" <<'EOF'
# status first
status

	# an indented comment
threads
EOF
pti_run --batch --json -ex regs -x "$TAP_TMP/cmds" -ex maps \
	"$PROGS/exit-code" 5
tap_is "$TAP_RC" 5 "-x: exit status kept"
tap_is "$(printf '%s\n' "$TAP_OUT" | sed 's/^{"cmd":"\([a-z]*\)".*/\1/' |
	tr '\n' ' ')" "regs status threads maps " \
	"-x: commands run in order, comments skipped"
tap_is "$TAP_ERR" "" "-x: no errors"

# help lists the commands.
pti_run --batch -ex help "$PROGS/exit-code"
for c in status maps x write find regs threads continue kill help; do
	tap_like "$TAP_OUT" "(^|[^a-z0-9_])$c([^a-z_]|$)" "help lists $c"
done

# SIGKILL gives no signal-delivery-stop, but the exit of the last thread
# (PTRACE_EVENT_EXIT) still holds it with its memory.
# The run has a timeout of its own: if "ready" never appears, it ends.
killed_out=$TAP_TMP/killed.out
env PTI_TEST_TAG="$pti_tag" timeout -k 5 "$TAP_TIMEOUT" "$PTINSPECT" \
	--batch --json -ex status -ex 'find "PTI-KILLED-HEAP"' \
	"$PROGS/kill-me" </dev/null >"$killed_out" 2>&1 &
pti_bg=$!
i=0
while [ "$i" -lt 100 ] && ! grep -q '^ready ' "$killed_out"; do
	sleep 0.1
	i=$((i + 1))
done
killed_pid=$(sed -n 's/^ready \([0-9]*\)$/\1/p' "$killed_out")
if [ -n "$killed_pid" ]; then
	kill -KILL "$killed_pid"
else
	tap_diag "kill-me never printed ready"
	kill -TERM "$pti_bg" 2>/dev/null
fi
wait "$pti_bg"
tap_is "$?" 137 "SIGKILL: exit status 137"
tap_like "$(cat "$killed_out")" '"state":"signal".*"signal":"SIGKILL"' \
	"SIGKILL: held at the exit, state signal, SIGKILL"
tap_like "$(cat "$killed_out")" '"cmd":"find","matches":\["0x' \
	"SIGKILL: the heap marker is still readable"

# A killed ptinspect leaves no tracee behind (PTRACE_O_EXITKILL).
env PTI_TEST_TAG="$pti_tag" "$PTINSPECT" --batch sleep 30 \
	</dev/null >/dev/null 2>&1 &
pti_bg=$!
i=0
while [ "$i" -lt 50 ] && [ "$(pti_tagged_pids | wc -l)" -lt 2 ]; do
	sleep 0.1
	i=$((i + 1))
done
tap_is "$(pti_tagged_pids | wc -l)" 2 "ptinspect and sleep are running"
kill -KILL "$pti_bg"
wait "$pti_bg" 2>/dev/null
i=0
while [ "$i" -lt 50 ] && [ -n "$(pti_tagged_pids)" ]; do
	sleep 0.1
	i=$((i + 1))
done
tap_is "$(pti_tagged_pids)" "" "killing ptinspect kills the tracee"
pti_collect_leftovers "--batch sleep 30 (ptinspect killed)"

pti_done
