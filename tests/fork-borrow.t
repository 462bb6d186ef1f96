#!/bin/sh
# fork-borrow.t: a fork child borrows its parent's memory, copy-on-write,
# until it execs or needs memory of its own (src/redirect-fork.c). Runs
# tests/progs/sem-fork-borrow (see there), which checks its own memory:
#   - plain: it passes, and its exec child, just before exec, maps the
#     area privately from ptinspect's memfd ("rw-p ... /memfd:"), not its
#     own shared copy: nothing was copied at the fork (fails with
#     PTI_TEST_NO_BORROW or --no-redirect);
#   - -f -p with x at every pause: the child that exits shows its own
#     write and the fork-time 'P'; the child that waited on its parent
#     shows its write and 'P' on page 3 while the parent, which wrote 'Q'
#     there meanwhile, shows 'Q' (as does the sleep child, forked after
#     that); `maps` shows the area redirected ("shared") in the three
#     children that reach their exit pause and the parent.

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"

prog=$PROGS/sem-fork-borrow
area=5e5e20000000
p1=5e5e20001000
p2=5e5e20002000
p3=5e5e20003000

PTI_TEST_TAG=$pti_tag SEM_BORROW_REPORT=1 tap_run "$PTINSPECT" --batch "$prog"
tap_is "$TAP_RC" 0 "plain: the program's own checks hold"
tap_like "$TAP_ERR" "^exec child maps: $area-[0-9a-f]+ rw-p .*/memfd:" \
	"plain: the exec child borrowed (private mapping of the memfd)"
pti_collect_leftovers "--batch $prog"

pti_run --batch -f -p -ex "x 0x$p1 16" \
	-ex "x 0x$p2 16" -ex "x 0x$p3 16" -ex maps \
	"$prog"
tap_is "$TAP_RC" 0 "-f -p: the program's own checks hold"
tap_like "$TAP_OUT" "^0000$p2 .*\|CHILD-EXITSPPPPP\|" \
	"-f -p: the exit child's own write, read with x at its pause"
tap_like "$TAP_OUT" "^0000$p1 .*\|CHILD-WAITSPPPPP\|" \
	"-f -p: the waiting child's own write"
tap_is "$(printf '%s\n' "$TAP_OUT" |
	grep -c "^0000$p3 .*|PPPPPPPPPPPPPPPP|")" 2 \
	"-f -p: both children show page 3 as at the fork"
tap_is "$(printf '%s\n' "$TAP_OUT" |
	grep -c "^0000$p3 .*|QQQQQQQQQQQQQQQQ|")" 2 \
	"-f -p: the parent shows its own later write (and the sleep child)"
tap_is "$(printf '%s\n' "$TAP_OUT" |
	grep -c "^$area-[0-9a-f]* rw-p .*shared")" 4 \
	"-f -p: the area is redirected in the three children and the parent"

pti_done
tap_done
