#!/bin/sh
# errors.t: bad input gives clear errors that name the wrong thing, and the
# remaining commands still run: an unmapped address, malformed hex and
# addresses, unknown commands, registers, regions and threads that do not
# exist. Text errors go to stderr as "CMD: ..."; with --json every command,
# failed or not, prints exactly one JSON object on stdout.

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"
tap_require_cmd python3

pti_run --batch -ex 'x 0x10' -ex frob -ex status "$PROGS/exit-code" 4
tap_is "$TAP_RC" 4 "errors do not change the exit status"
tap_is "$TAP_ERR" \
	"$(printf 'x: 0x10: address not mapped\nfrob: unknown command')" \
	"unmapped address and unknown command: exact messages"
tap_like "$TAP_OUT" '^pid [0-9]+: paused at exit_group\(4\); 1 thread$' \
	"the command after the errors still runs"

pti_run --batch --json -ex 'x 0x10' -ex frob -ex status "$PROGS/exit-code" 4
tap_is "$(printf '%s\n' "$TAP_OUT" | sed -n 1,2p)" \
	"$(printf '%s\n%s' '{"cmd":"x","error":"0x10: address not mapped"}' \
	'{"cmd":"frob","error":"unknown command"}')" \
	"JSON errors: exact objects on stdout"
tap_is "$(tap_json "$TAP_OUT" status exit_code)" 4 \
	"JSON: the command after the errors still runs"
tap_is "$TAP_ERR" "" "JSON: nothing on stderr"

# Each bad command: its text error (prefix and the thing named) and its
# JSON error. CMD|REGEX for the text message.
while IFS='|' read -r cmd re; do
	pti_run --batch -ex "$cmd" -ex status "$PROGS/exit-code" 4
	tap_like "$TAP_ERR" "$re" "'$cmd': error names the problem"
	tap_is "$(printf '%s\n' "$TAP_ERR" | wc -l)" 1 "'$cmd': one line"
	tap_like "$TAP_OUT" '^pid [0-9]+: paused' "'$cmd': status still runs"
	pti_run --batch --json -ex "$cmd" -ex status "$PROGS/exit-code" 4
	tap_like "$(tap_json "$TAP_OUT" "${cmd%% *}" error)" . \
		"'$cmd': JSON error"
	tap_is "$(tap_json "$TAP_OUT" status exit_code)" 4 \
		"'$cmd': JSON status still runs"
done <<'EOF_CASES'
x 0x10 16|^x: 0x10: address not mapped$
x 0xzz|^x: .*0xzz
x $nosuchreg|^x: .*nosuchreg
x [nosuchregion]|^x: .*nosuchregion
x [stack] 2000000|^x: 
x $rsp -5|^x: 
write 0x10 00|^write: 0x10: address not mapped$
write $rsp zz|^write: .*zz
write $rsp abc|^write: .*hex
write $rsp "unterminated|^write: 
write $rsp|^write: 
find|^find: 
regs 1|^regs: .*1
frob 1 2 3|^frob: unknown command$
EOF_CASES

# A file of commands with errors in it: all run, in order.
printf 'x 0x10\n# fine\nstatus\nnope\nthreads\n' >"$TAP_TMP/cmds"
pti_run --batch --json -x "$TAP_TMP/cmds" "$PROGS/exit-code" 4
tap_is "$(printf '%s\n' "$TAP_OUT" | sed 's/^{"cmd":"\([a-z]*\)".*/\1/' |
	tr '\n' ' ')" "x status nope threads " \
	"-x with errors: every command answers, in order"

# Every JSON line parses, and each command printed exactly one.
pti_run --batch --json -ex status -ex 'x 0x10' -ex maps -ex regs \
	-ex threads -ex 'find "x"' -ex frob -ex help "$PROGS/exit-code" 4
tap_is "$(printf '%s\n' "$TAP_OUT" | python3 -c '
import json, sys
print(" ".join(json.loads(l)["cmd"] for l in sys.stdin))
' 2>&1)" "status x maps regs threads find frob help" \
	"--json: one valid JSON object per command, one per line"

pti_done
