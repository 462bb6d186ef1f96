#!/bin/sh
# pauseon.t: which processes pause. --pause-on=failure holds only the
# process of a pipeline that fails, --pause-on=crash only a fatal signal,
# --only only the processes whose name matches, --pause-on=exec a program
# before its first instruction (the ELF entry point, read with readelf).
# --timeout pauses a hung program where it hangs (bt shows the chain),
# runs the commands and ends it as timeout(1) does: its exit status is
# compared with timeout(1)'s own on the same program.

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"

tap_require_cmd python3

json=$TAP_TMP/results.json

# paused_comms: the comm of every process that paused (status, in order).
paused_comms()
{
	python3 -c '
import json, sys
for line in open(sys.argv[1]):
	o = json.loads(line)
	if o.get("cmd") == "status":
		print(o["comm"])
' "$json" | sort | tr '\n' ' '
}

# --- --pause-on=failure: one of three processes fails -------------------
pipeline='echo a | grep zzz | cat; exit 0'
pti_run --batch -f --pause-on=failure --json="$json" -ex status -- \
	sh -c "$pipeline"
tap_is "$TAP_RC" 0 "failure: the pipeline's own status (0)"
tap_is "$(paused_comms)" "grep " "failure: only grep (exit 1) pauses"
tap_is "$(tap_json "$(cat "$json")" status exit_code)" 1 \
	"failure: held at its exit code 1"

pti_run --batch -f --pause-on=exit --json="$json" -ex status -- \
	sh -c "$pipeline"
case $(paused_comms) in
*cat*grep*sh*) tap_pass "exit: the other processes of that tree pause too" ;;
*) tap_fail "exit: the other processes of that tree pause too" ;;
esac

# --- --only ----------------------------------------------------------------
pti_run --batch -f --only=ca? --json="$json" -ex status -- \
	sh -c 'echo a | grep a | cat'
tap_is "$(paused_comms)" "cat " "--only=ca?: only cat pauses"
pti_run --batch -f --only="$PROGS/exit-*" --json="$json" -ex status -- \
	sh -c "'$PROGS/exit-code' 5; true"
tap_is "$(paused_comms)" "exit-code " \
	"--only=PATH-GLOB matches the executable's path"

# --- --pause-on=crash -------------------------------------------------------
pti_run --batch -f --pause-on=crash --json="$json" -ex status -- \
	sh -c "'$PROGS/exit-code' 3; '$PROGS/crash'"
tap_is "$TAP_RC" 139 "crash: the status of the crash"
tap_is "$(paused_comms)" "crash " \
	"crash: the crash pauses, the exit code 3 does not"
tap_is "$(tap_json "$(cat "$json")" status signal)" SIGSEGV \
	"crash: held before SIGSEGV"
tap_unlike "$TAP_ERR" "ended without a pause" \
	"crash: no complaint that the shell, which exited, did not pause"

# --- --pause-on=exec ---------------------------------------------------------
static=$PROGS/sem-brk-far
if [ -x "$static" ] && command -v readelf >/dev/null 2>&1; then
	entry=$(readelf -h "$static" | sed -n 's/^ *Entry point address: *//p')
	pti_run --batch --pause-on=exec --json="$json" -ex status \
		-ex 'regs' -ex cmdline -- "$static" an-argument
	tap_is "$(tap_json "$(cat "$json")" status state)" exec \
		"exec: paused after exec"
	rip=$(tap_json "$(cat "$json")" regs regs.rip)
	tap_is "$rip" "$entry" \
		"exec: at the ELF entry point ($entry), before any code"
	tap_is "$(tap_json "$(cat "$json")" cmdline argv.1)" an-argument \
		"exec: its argv is visible"
else
	tap_skip "sem-brk-far or readelf missing" "exec: paused after exec"
	tap_skip "sem-brk-far or readelf missing" "exec: at the entry point"
	tap_skip "sem-brk-far or readelf missing" "exec: its argv is visible"
fi

# --- --timeout ------------------------------------------------------------
# The same hung program under timeout(1): the status to give.
timeout 0.5 "$PROGS/hang" >/dev/null
native_rc=$?
tap_is "$native_rc" 124 "timeout(1) gives 124 for the hung program"
pti_run --batch --timeout=0.5 -ex status -ex bt -- "$PROGS/hang"
tap_is "$TAP_RC" "$native_rc" "--timeout: exits as timeout(1) does"
tap_like "$TAP_OUT" "paused by --timeout" "--timeout: status says why"
tap_like "$TAP_OUT" "hang_inner.*
.*hang_middle.*
.*hang_outer.*
.*main" "--timeout: bt shows where it hangs, the whole chain"
tap_like "$TAP_ERR" "--timeout: 0.5 s passed" "--timeout: said once"

pti_run --batch --timeout=0.5 -ex bt -- "$PROGS/hang" spin
tap_is "$TAP_RC" 124 "--timeout, spinning (no syscall): 124"
tap_like "$TAP_OUT" "#0 .*hang_inner" "--timeout, spinning: frame 0 in the loop"

# A program that ignores the signal: --kill-after, as timeout -k.
ignoring='trap "" TERM; sleep 5'
timeout -k 0.3 0.5 sh -c "$ignoring" 2>/dev/null
native_rc=$?
pti_run --batch -f --timeout=0.5 --kill-after=0.3 -ex status -- \
	sh -c "$ignoring"
tap_is "$TAP_RC" "$native_rc" \
	"--kill-after: exits as timeout -k does ($native_rc)"
pti_run --batch --timeout=0.5 --timeout-signal=INT -- "$PROGS/hang"
tap_is "$TAP_RC" 124 "--timeout-signal=INT: ends it, 124"

# A program that finishes in time is not touched.
pti_run --batch --timeout=20 -ex status -- "$PROGS/exit-code" 9
tap_is "$TAP_RC" 9 "--timeout not reached: the program's own status"
tap_unlike "$TAP_OUT" "timeout" "--timeout not reached: no timeout pause"

# --- Bad input ------------------------------------------------------------
for bad in --pause-on=sometimes --pause-on=exit,, --timeout=soon \
    --timeout=-1 --timeout=5x --kill-after=1y --timeout-signal=NOPE; do
	pti_run --batch "$bad" -- "$PROGS/exit-code" 0
	tap_is "$TAP_RC" 2 "$bad: refused (exit 2)"
	tap_like "$TAP_ERR" "${bad%%=*}" "$bad: the message names the option"
done
pti_run --timeout=1 -- "$PROGS/exit-code" 0
tap_is "$TAP_RC" 2 "--timeout without --batch: refused"

pti_done
