#!/bin/sh
# cli.t: the command line and -x command files: an option given without
# its argument is named as typed, -x refuses what is not a text file of
# commands (a directory, a binary, a NUL byte), and errors of commands
# read from a file name the file and the line.

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"

# -ex without its argument: named as typed, not as the --ex it is read as.
pti_run --batch -ex
tap_is "$TAP_RC" 2 "-ex without an argument: usage error"
tap_like "$TAP_ERR" "^ptinspect: option '-ex' needs an argument$" \
	"-ex without an argument: the message names -ex"

# Errors of -x lines carry FILE:LINE.
printf 'status\n\n# comment\nx 0x10\nfrob\n' >"$TAP_TMP/cmds"
pti_run --batch -x "$TAP_TMP/cmds" "$PROGS/exit-code" 4
tap_is "$TAP_RC" 4 "-x with errors: the program's status"
tap_is "$TAP_ERR" "$(printf '%s\n%s' \
	"$TAP_TMP/cmds:4: x: 0x10: address not mapped" \
	"$TAP_TMP/cmds:5: frob: unknown command")" \
	"-x errors are prefixed FILE:LINE"
tap_like "$TAP_OUT" '^pid [0-9]+: paused' "-x: the good line ran"
# -ex errors keep their plain form.
pti_run --batch -ex frob "$PROGS/exit-code" 4
tap_is "$TAP_ERR" "frob: unknown command" "-ex errors: no prefix"

# A directory is not a command file.
pti_run --batch -x "$TAP_TMP" "$PROGS/exit-code" 4
tap_is "$TAP_RC" 2 "-x DIR: usage error"
tap_like "$TAP_ERR" "^ptinspect: $TAP_TMP: .*[Dd]irectory" \
	"-x DIR: the error names the directory"

# A binary is refused before anything runs, naming file and line.
pti_run --batch -x "$PROGS/exit-code" "$PROGS/exit-code" 4
tap_is "$TAP_RC" 2 "-x BINARY: usage error"
tap_like "$TAP_ERR" "^ptinspect: $PROGS/exit-code:1: .*not a text file" \
	"-x BINARY: refused, naming the file and line"
tap_is "$TAP_OUT" "" "-x BINARY: no command ran"

# A NUL in a line does not cut it silently.
printf 'status\nx 0x10\0 status\n' >"$TAP_TMP/nul"
pti_run --batch -x "$TAP_TMP/nul" "$PROGS/exit-code" 4
tap_is "$TAP_RC" 2 "-x with a NUL byte: usage error"
tap_like "$TAP_ERR" "^ptinspect: $TAP_TMP/nul:2: .*NUL" \
	"-x with a NUL byte: the error names the line"

# Other control bytes are not text either.
printf 'status\n\033[31mstatus\n' >"$TAP_TMP/ctl"
pti_run --batch -x "$TAP_TMP/ctl" "$PROGS/exit-code" 4
tap_is "$TAP_RC" 2 "-x with a control byte: usage error"
tap_like "$TAP_ERR" "^ptinspect: $TAP_TMP/ctl:2: .*not a text file" \
	"-x with a control byte: the error names the line"

pti_done
