#!/bin/sh
# docs.t: every option --help lists is in the man page and the README, and
# every command `help` lists is in the man page, the README and --help's
# command summary. (The man page is read from its source,
# man/ptinspect.1.in, with groff's \- for each dash.)

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"

man=$TOP_SRCDIR/man/ptinspect.1.in
readme=$TOP_SRCDIR/README.md
help_text=$("$PTINSPECT" --help)

for opt in $(printf '%s\n' "$help_text" | grep -o -- '--[a-z][a-z-]*' |
    sort -u); do
	man_opt=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
	if grep -q -- "$man_opt" "$man"; then
		tap_pass "$opt is in the man page"
	else
		tap_fail "$opt is in the man page"
	fi
	if grep -q -- "\`$opt" "$readme"; then
		tap_pass "$opt is in the README"
	else
		tap_fail "$opt is in the README"
	fi
done

pti_run --batch -ex help -- "$PROGS/exit-code" 0
cmds=$(printf '%s\n' "$TAP_OUT" | awk '{ print $1 }')
tap_isnt "$cmds" "" "help lists the commands"
for cmd in $cmds; do
	if grep -Eq "^\.B[IR]* (.* )?\"?$cmd\b" "$man"; then
		tap_pass "command $cmd is in the man page"
	else
		tap_fail "command $cmd is in the man page"
	fi
	if grep -q "^| .*\`$cmd\b" "$readme"; then
		tap_pass "command $cmd is in the README"
	else
		tap_fail "command $cmd is in the README"
	fi
	if printf '%s\n' "$help_text" | grep -q "\b$cmd\b"; then
		tap_pass "command $cmd is in --help"
	else
		tap_fail "command $cmd is in --help"
	fi
done

pti_done
