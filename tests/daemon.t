#!/bin/sh
# daemon.t: a descendant that outlives the program ptinspect started (here
# a background subshell that sleeps, then writes a file). Every traced
# process has ptinspect's seccomp filter, which needs a tracer, so
# ptinspect cannot let it go: it neither stops nor kills it, waits until
# it has ended (the file is there when ptinspect returns), exits with the
# program's own status, and says once why it waits. With -f -p the
# descendant is held at its exit like the program.
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"

prog='(sleep 1.2; echo finished > "$1") & echo started; exit 3'
# For the message (said when a descendant still runs half a second after
# the program ended), the descendant first waits until the program is
# reaped (kill -0 fails), so it runs long enough however slow the machine.
waits='(while kill -0 $$ 2>/dev/null; do sleep 0.05; done; sleep 1.2;'
waits="$waits"' echo finished > "$1") & echo started; exit 3'
why='^ptinspect: pid [0-9]+ has ended; waiting for [0-9]+ process(es)? it'
why="$why"' left running \(pid [0-9]+, [^)]*\): each has ptinspect.s'
why="$why"' seccomp filter and needs ptinspect as its tracer'

pti_run --batch -- sh -c "$waits" sh "$TAP_TMP/done"
tap_is "$TAP_RC" 3 "the program's exit status, after its descendant ended"
tap_is "$TAP_OUT" started "the program ran"
tap_is "$(cat "$TAP_TMP/done" 2>/dev/null)" finished \
    "the descendant ran to its end before ptinspect returned"
tap_like "$TAP_ERR" "$why" "ptinspect says why it waits"
tap_is "$(printf '%s\n' "$TAP_ERR" | grep -c 'has ended; waiting')" 1 \
    "... once"

rm -f "$TAP_TMP/done"
pti_run --batch -f -p -ex status -- sh -c "$prog" sh "$TAP_TMP/done"
tap_is "$TAP_RC" 3 "-f -p: the program's exit status"
tap_is "$(cat "$TAP_TMP/done" 2>/dev/null)" finished \
    "-f -p: the descendant ran to its end"
tap_is "$(printf '%s\n' "$TAP_OUT" | grep -c ': paused at exit_group')" 3 \
    "-f -p: the program, the subshell and sleep were each held at exit"
pti_done
