#!/bin/sh
# nodump.t: x, find and write on a process that made itself non-dumpable
# (PR_SET_DUMPABLE 0, tests/progs/nodump.c) and paused at its exit, with
# ptinspect run as uid 65534. The kernel then refuses a non-root tracer
# /proc/PID/maps, /proc/PID/mem, process_vm_readv and PTRACE_PEEKDATA;
# ptinspect reads the memory it redirected through its memfd, lists that
# memory as the maps (saying so once, however many commands read maps),
# and says why it cannot read the rest ("process is not dumpable"), not
# "address not mapped" or "Permission denied". The oracle: the same
# commands run by root, who may read everything.
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"

[ "$(id -u)" -eq 0 ] ||
	tap_skip_all "needs root (to run ptinspect as uid 65534)"
command -v setpriv >/dev/null || tap_skip_all "setpriv is not installed"
# pti.sh's --no-redirect wrapper ($PTI_EXTRA_ARGS) is in $TAP_TMP.
chmod 711 "$TAP_TMP"
nobody="setpriv --reuid=65534 --regid=65534 --clear-groups --"
$nobody test -x "$PTINSPECT" -a -x "$PROGS/nodump" 2>/dev/null ||
	tap_skip_all "uid 65534 cannot run the build"

marker='^0000010000000000  50 54 49 2d 4e 4f 44 55  4d 50 2d 41 4e 4f 4e 00'
# run [setpriv ARGS...]: the commands, as root or (with setpriv) not.
run() {
	tap_run env PTI_TEST_TAG="$pti_tag" "$@" "$PTINSPECT" --batch -p \
	    -ex 'x 0x10000000000 16' -ex 'find "PTI-NODUMP-"' \
	    -ex 'x $rsp 8' -ex 'find "PTI" $rsp' -ex 'write $rsp 00' \
	    -ex maps -ex 'write 0x10000000010 41' -ex 'x 0x10000000010 1' \
	    -- "$PROGS/nodump"
	pti_collect_leftovers "$* ptinspect ... nodump"
}

# Root: every command works on the same program.
run
tap_is "$TAP_RC" 0 "root: the program exits 0"
tap_like "$TAP_OUT" "^dumpable 0$" "root: the program made itself non-dumpable"
tap_like "$TAP_OUT" "$marker" "root: x reads the marker at 0x10000000000"
tap_like "$TAP_OUT" '^0x10000000000$' "root: find finds the marker"
tap_like "$TAP_OUT" '^00007ff[0-9a-f]{9}  ' "root: x \$rsp reads the stack"
tap_is "$TAP_ERR" "" "root: no error"

# Nobody, the program's own user.
run $nobody
tap_is "$TAP_RC" 0 "nobody: the program exits 0"
tap_like "$TAP_OUT" "$marker" \
    "nobody: x reads the redirected marker through the memfd"
tap_like "$TAP_OUT" '^0x10000000000$' \
    "nobody: find searches the redirected memory and finds it"
tap_like "$TAP_OUT" '^010000000000-010000010000 rw-p .* shared' \
    "nobody: maps lists the redirected mapping"
tap_like "$TAP_OUT" '^[0-9a-f]{12}-[0-9a-f]{12} rw-p .* shared \[heap\]$' \
    "nobody: maps names the emulated brk heap [heap], redirected"
tap_like "$TAP_OUT" '^[0-9a-f]{12}-[0-9a-f]{12} rw-s .* shared \[ptinspect\]$' \
    "nobody: ... and the stub's data [ptinspect], as root sees them"
tap_like "$TAP_OUT" '^0000010000000010  41 ' \
    "nobody: write changes the redirected memory"
said='is not dumpable: /proc/[0-9]*/maps refused; only the memory'
said="$said ptinspect redirected is listed"
tap_is "$(printf '%s\n' "$TAP_ERR" | grep -c "$said")" 1 \
    "nobody: that maps are only the redirected memory is said once"
why='0x7ff[0-9a-f]+: process is not dumpable: /proc/[0-9]+/mem refused$'
tap_like "$TAP_ERR" "^x: $why" \
    "nobody: x \$rsp says why it cannot read the stack"
tap_like "$TAP_ERR" "^find: $why" "nobody: so does find in the stack's region"
tap_like "$TAP_ERR" "^write: $why" "nobody: and write"
tap_unlike "$TAP_ERR" 'Permission denied|not mapped' \
    "nobody: no bare permission error, nothing called unmapped"

# Threads of a non-dumpable process whose own filter refuses prctl, so
# that not even ptinspect's prctl can make it dumpable to read clone3's
# flags (sem-fork-nodump no-prctl): each clone3 is taken for a thread,
# said once. Before, each thread was taken for a fork child: --summary
# listed it as a process of its own (10 lines for 2 processes).
tap_run env PTI_TEST_TAG="$pti_tag" $nobody "$PTINSPECT" --batch --summary \
    -- "$PROGS/sem-fork-nodump" no-prctl
tap_is "$TAP_RC" 0 "nobody, prctl refused: the program's checks hold"
tap_is "$(printf '%s\n' "$TAP_OUT" "$TAP_ERR" | grep -c ' sem-fork-nodum')" 2 \
    "nobody, prctl refused: --summary lists 2 processes, its threads none"
tap_is "$(printf '%s\n' "$TAP_ERR" | grep -c "clone3's flags cannot be read")" \
    1 "nobody, prctl refused: that clone3 is taken for a thread is said once"
pti_collect_leftovers "sem-fork-nodump no-prctl as nobody"
pti_done
