#!/bin/sh
# datalimit.t: RLIMIT_DATA stops a program under ptinspect exactly where it
# stops it natively, though redirected memory is shared and the kernel does
# not count it: sem-data-limit grows private writable memory by mmap, sbrk,
# mremap, mprotect (PROT_WRITE added to PROT_READ and PROT_NONE
# mappings) and private writable mappings of a file (no MAP_FIXED, with
# 16 MiB of anonymous memory held) under a 32 MiB limit, and by mmap
# with the soft limit 0 (the hard one applies), and prints how many
# pages each way got.
# Its output under ptinspect must be the native one, line for line, and
# its memory must have been redirected at each limit (writable memfd
# mappings in its own maps, printed on its stderr), or the comparison
# would prove nothing. The limit is set three ways, each against its
# native run: by the program itself (ptinspect adds a filter that stops
# mprotect's writes at its setrlimit), by its parent with prlimit(2)
# (--limit-from-parent: added at the child's first mmap), and before
# ptinspect starts (ulimit -d: the filter stops them from the start);
# and as root become nobody first (the filter added at its setresuid,
# while it still may add one).
# One of its threads, started before the limit, grows by mprotect too.

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"

prog=$PROGS/sem-data-limit
tap_run "$prog"
tap_is "$TAP_RC" 0 "native run passes its own checks"
native=$TAP_OUT
tap_like "$native" '^mmap: [0-9]+ pages$' "native run printed its figures"

tap_run "$PTINSPECT" --batch -- "$prog"
tap_is "$TAP_RC" 0 "run under ptinspect passes its own checks"
tap_is "$TAP_OUT" "$native" "the same pages as natively, each way"
for how in mmap sbrk mremap "mprotect read-only" "mprotect none" \
    "file mmap" "mmap, soft limit 0"; do
	kb=$(printf '%s\n' "$TAP_ERR" |
	    sed -n "s/^redirected at the $how limit: \([0-9]*\) kB$/\1/p")
	tap_ok "$how: redirected memory at the limit (${kb:-no} kB)" \
	    test "${kb:-0}" -ge 16384
done

tap_run "$prog" --limit-from-parent
tap_is "$TAP_RC" 0 "native run, the limit set by its parent"
native=$TAP_OUT
tap_run "$PTINSPECT" --batch -f -- "$prog" --limit-from-parent
tap_is "$TAP_RC" 0 "run under ptinspect, the limit set by its parent"
tap_is "$TAP_OUT" "$native" "the same pages as natively, the limit the parent's"

# Root that becomes nobody, then sets the limit: the filter is added at
# its setresuid, while it may still add one.
tap_run "$prog" --drop-privileges
if [ "$TAP_RC" -eq 77 ]; then
	tap_skip "not root: no privilege to drop" 3
else
	tap_is "$TAP_RC" 0 "native run, root become nobody"
	native=$TAP_OUT
	tap_run "$PTINSPECT" --batch -- "$prog" --drop-privileges
	tap_is "$TAP_RC" 0 "run under ptinspect, root become nobody"
	tap_is "$TAP_OUT" "$native" "the same pages as natively, root become nobody"
fi

# 4 GiB before ptinspect starts; the program lowers it to its own.
# AddressSanitizer's shadow memory is data, terabytes of it: a sanitizer
# build cannot start under such a limit.
limit_first='ulimit -d 4194304 && exec "$@"'
if ldd "$PTINSPECT" 2>/dev/null | grep -q 'libasan'; then
	tap_skip "a sanitizer build: its shadow memory exceeds any data limit" 3
else
	tap_run sh -c "$limit_first" sh "$prog"
	tap_is "$TAP_RC" 0 "native run under ulimit -d"
	native=$TAP_OUT
	tap_run sh -c "$limit_first" sh "$PTINSPECT" --batch -- "$prog"
	tap_is "$TAP_RC" 0 "run under ptinspect under ulimit -d"
	tap_is "$TAP_OUT" "$native" \
	    "the same pages as natively, a limit from the start"
fi
tap_done
