#!/bin/sh
# memory.t: reading and writing the memory of a paused process. The markers
# program writes PTI-ANON-MARKER, PTI-HEAP-MARKER, PTI-STACK-MARKER and
# PTI-DATA-MARKER into an anonymous mmap, the heap, its stack and .data,
# and prints where. `find` must report exactly those addresses (also when
# limited to a region); `x` must show the markers; `write` followed by `x`
# in the same batch must read back what was written, also on read-only
# pages. The x/write runs need the addresses before the run: they run
# with ASLR off (setarch -R), so two runs place everything alike.

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"
tap_require_cmd python3 nm setarch
setarch -R true 2>/dev/null || tap_skip_all "setarch -R does not work here"

# j CMD PATH: a field of the last run's JSON output.
j()
{
	tap_json "$TAP_OUT" "$1" "$2"
}

# num ADDR: a hex or decimal address as decimal, anything else unchanged.
num()
{
	case $1 in
	0x[0-9a-fA-F]*|[0-9]*) echo $(($1)) ;;
	*) echo "$1" ;;
	esac
}

# is_addr GOT WANT DESC: the same address, however it is spelled; an
# empty side is never the same as anything.
is_addr()
{
	tap_is "$(num "${1:-no address got}")" "$(num "${2:-no address wanted}")" \
		"$3"
}

# printed KIND: the address the markers program printed for KIND.
printed()
{
	printf '%s\n' "$TAP_OUT" | sed -n "s/^$1 \(0x[0-9a-f]*\)$/\1/p"
}

# hexn STRING: STRING's bytes as lowercase hex; hexof: plus a NUL.
hexn()
{
	printf '%s' "$1" | od -An -tx1 -v | tr -d ' \n'
}

hexof()
{
	echo "$(hexn "$1")00"
}

markers="$PROGS/markers"

# find, in every mode: each marker exactly once, where the program put it.
for mode in "" --no-seccomp; do
	m=${mode:+" ($mode)"}
	pti_run --batch --json $mode \
		-ex 'find "PTI-ANON-MARKER"' \
		-ex 'find "PTI-HEAP-MARKER"' \
		-ex 'find "PTI-STACK-MARKER"' \
		-ex 'find "PTI-DATA-MARKER"' \
		-ex 'find "PTI-HEAP-MARKER" [heap]' \
		-ex 'find "PTI-STACK-MARKER" [stack]' \
		-ex 'find "PTI-DATA-MARKER" markers' \
		-ex 'find "PTI-ANON-MARKER" [heap]' \
		-ex 'find "PTI-NO-SUCH-MARKER"' -ex maps \
		"$markers"
	tap_is "$TAP_RC" 0 "markers exits 0$m"
	# The anon and heap markers' regions are redirected (shared); with
	# --no-seccomp ptinspect leaves them private today.
	[ -z "$mode" ] && for kind in anon heap; do
		acc=$(pti_json_eval maps "[r['access'] for r in o['regions']
		    if int(r['start'], 16) <= int('$(printed $kind)' or '-1', 16)
		    < int(r['end'], 16)]")
		tap_is "$acc" "['shared']" \
			"maps: the $kind marker's region is shared$m"
	done
	n=1
	for kind in anon heap stack data heap stack data; do
		is_addr "$(j "find#$n" matches.0)" "$(printed "$kind")" \
			"find #$n: the $kind marker's address$m"
		tap_is "$(j "find#$n" matches.1)" "" \
			"find #$n: only one match$m"
		n=$((n + 1))
	done
	tap_is "$(j 'find#8' matches)" "[]" \
		"find limited to [heap] misses the anon marker$m"
	tap_is "$(j 'find#9' matches)" "[]" "find of absent bytes: none$m"

	pti_run --batch $mode -ex 'find "PTI-HEAP-MARKER"' \
		-ex 'find 50 54 49 2d 48 45 41 50 2d 4d 41 52 4b 45 52' \
		"$markers"
	found=$(printf '%s\n' "$TAP_OUT" | sed -n 's/^\(0x[0-9a-f]*\)$/\1/p')
	heap=$(num "$(printed heap)")
	tap_is "$(for a in $found; do num "$a"; done | tr '\n' ' ')" \
		"$heap $heap " "find text: one address a line, hex DATA too$m"
done

# Learn the addresses with ASLR off, then x and write them.
pti_run --batch setarch -R "$markers"
tap_is "$TAP_RC" 0 "markers runs with ASLR off"
anon=$(printed anon)
heap=$(printed heap)
stack=$(printed stack)
data=$(printed data)
data_off=$(nm "$markers" | sed -n 's/^0*\([0-9a-f]*\) [dD] data_marker$/0x\1/p')

pti_run_fixed()
{
	pti_run "$@"
	tap_like "$anon $heap $stack" '^0x[0-9a-f]+ 0x[0-9a-f]+ 0x[0-9a-f]+$' \
		"the markers printed three addresses"
	tap_is "$(printed anon) $(printed heap) $(printed stack)" \
		"$anon $heap $stack" "the markers are where they were"
}

pti_run_fixed --batch --json \
	-ex "x $anon 16" -ex "x $heap 16" -ex "x $stack 17" -ex "x $data 16" \
	-ex "x $(num "$anon") 16" \
	-ex "x $anon" \
	-ex "x $anon+3 5" \
	-ex "x markers+$data_off 16" \
	-ex "x markers 4" \
	setarch -R "$markers"
tap_is "$(j 'x#1' bytes)" "$(hexof PTI-ANON-MARKER)" "x: the anon marker"
is_addr "$(j 'x#1' addr)" "$anon" "x: JSON addr"
tap_is "$(j 'x#2' bytes)" "$(hexof PTI-HEAP-MARKER)" "x: the heap marker"
tap_is "$(j 'x#3' bytes)" "$(hexof PTI-STACK-MARKER)" "x: the stack marker"
tap_is "$(j 'x#4' bytes)" "$(hexof PTI-DATA-MARKER)" "x: the .data marker"
tap_is "$(j 'x#5' bytes)" "$(hexof PTI-ANON-MARKER)" "x: decimal address"
tap_is "$(j 'x#6' bytes | wc -c)" 129 "x: 64 bytes by default"
tap_is "$(j 'x#7' bytes)" "2d414e4f4e" "x: ADDR+3, 5 bytes"
tap_is "$(j 'x#8' bytes)" "$(hexof PTI-DATA-MARKER)" \
	"x: program name + offset reaches .data"
tap_is "$(j 'x#9' bytes)" "7f454c46" "x: program name is its ELF header"

# hexdump -C style text.
pti_run_fixed --batch -ex "x $anon 16" -ex "x $anon+8 4" setarch -R "$markers"
a16=$(printf '%016x' "$(num "$anon")")
a16p8=$(printf '%016x' "$(($(num "$anon") + 8))")
hex16='50 54 49 2d 41 4e 4f 4e  2d 4d 41 52 4b 45 52 00'
tap_like "$TAP_OUT" "^$a16  $hex16  \|PTI-ANON-MARKER\.\|$" \
	"x text: hexdump -C line"
tap_like "$TAP_OUT" "^$a16p8  2d 4d 41 52 +\|-MAR\|$" \
	"x text: a short line"

# write then x in the same batch: strings, escapes, hex, read-only pages.
pti_run_fixed --batch --json \
	-ex "write $anon \"PTI-WRITTEN\\n\"" \
	-ex "x $anon 12" \
	-ex "write $anon+0x10 de ad be ef" \
	-ex "write $anon+0x14 cafebabe" \
	-ex "x $anon+0x10 8" \
	-ex "write $heap \"\\x01\\t\\\\\\\"\\0\"" \
	-ex "x $heap 5" \
	-ex 'write markers "\x7fFLE"' \
	-ex 'x markers 4' \
	-ex 'find "PTI-WRITTEN"' \
	-ex "write $stack \"PTI-STACK-REWRITTEN\"" \
	-ex "x $stack 19" \
	setarch -R "$markers"
tap_is "$TAP_RC" 0 "write: the program still exits 0"
tap_is "$TAP_ERR" "" "write: no errors"
tap_is "$(j 'write#1' len)" 12 "write: JSON len"
is_addr "$(j 'write#1' addr)" "$anon" "write: JSON addr"
tap_is "$(j 'x#1' bytes)" "$(hexn PTI-WRITTEN)0a" "write a string, read it back"
tap_is "$(j 'x#2' bytes)" "deadbeefcafebabe" "write hex bytes, read them back"
tap_is "$(j 'write#4' len)" 5 "write: C escapes"
tap_is "$(j 'x#3' bytes)" "01095c2200" "C escapes read back"
tap_is "$(j 'x#4' bytes)" "7f464c45" "write to a read-only page"
is_addr "$(j find matches.0)" "$anon" "find sees the written string"
tap_is "$(j 'x#5' bytes)" "$(hexn PTI-STACK-REWRITTEN)" "write to the stack"

pti_run_fixed --batch -ex "write $anon \"abc\"" setarch -R "$markers"
tap_like "$TAP_OUT" "^wrote 3 bytes at 0x0*$(printf '%x' "$(num "$anon")")$" \
	"write text: wrote N bytes at ADDR"

# A write at a pause reaches the live process: shared-page's child pauses
# at its exit, the write goes into the page it shares with its parent, and
# the parent, which waited for the child, prints what it finds there.
pti_run --batch -f setarch -R "$PROGS/shared-page"
shared=$(printf '%s\n' "$TAP_OUT" | sed -n 's/^shared //p')
tap_like "$TAP_OUT" '^parent reads PTI-SHARED-BEFORE$' \
	"shared-page: the parent reads what it put there"
pti_run --batch -f -ex "write $shared \"PTI-SHARED-AFTER\\0\"" \
	setarch -R "$PROGS/shared-page"
tap_is "$(printf '%s\n' "$TAP_OUT" | sed -n 's/^shared //p')" "$shared" \
	"shared-page: the page is where it was"
tap_like "$TAP_OUT" '^parent reads PTI-SHARED-AFTER$' \
	"a write at the child's pause is seen by its parent"

# Address expressions: registers and region names with offsets.
pti_run --batch --json -ex regs -ex maps -ex 'x $rsp-16 8' \
	-ex 'x [heap]+0x10 8' -ex 'x [stack] 8' -ex 'x $rip 1' "$markers"
rsp=$(j regs regs.rsp)
tap_is "$(num "$(j x addr)")" "$(($(num "$rsp") - 16))" 'x $rsp-16'
heap_start=$(pti_json_eval maps \
	'[r["start"] for r in o["regions"] if r["name"] == "[heap]"][0]')
tap_is "$(num "$(j 'x#2' addr)")" "$(($(num "$heap_start") + 16))" \
	'x [heap]+0x10'
tap_like "$(j 'x#3' addr)" '^0x[0-9a-f]+$' 'x [stack]'
is_addr "$(j 'x#4' addr)" "$(j regs regs.rip)" 'x $rip'

pti_done
