#!/bin/sh
# coldread.t: `find` over redirected memory that ptinspect's own view of
# the memfd has not mapped, has mapped in places, or has partly lost.
# Reads of pages the view has not mapped take pread (arena.c, "Our own
# view"); pages read twice by small reads, or written, go through the
# view; a search crosses from one kind to the other within a match.
# tests/progs/cold-find puts a needle at every such seam, at fixed
# addresses, so the expected matches are known; the same searches with
# --no-redirect (process_vm_readv, no memfd) are the outside oracle, and
# `stats` says the bulk reads were streamed (0 bytes streamed if they
# went through the view page fault by page fault instead).

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"
tap_require_cmd python3

A=0x300000000000 B=0x310000000000 C=0x320000000000
needle=cold-find-needle
# The matches in A, B and C, one a line, in order.
want_a="0x30000003fffb
0x3000001ffff9
0x300000502ffd
0x300000904ff7
0x3000027ffff0"
want_b="0x3100003ffff0"
want_c="0x320002100064"

# One python3 a run (it is slow to start on a busy machine): the lines
# "find ADDR...", one per find, and "stats SHARED RESIDENT STREAMED".
summarize()
{
	summary=$(printf '%s\n' "$TAP_OUT" | python3 -c '
import json, sys
for line in sys.stdin:
	o = json.loads(line) if line.startswith("{") else {}
	if o.get("cmd") == "find":
		print(" ".join(["find"] + o["matches"]))
	elif o.get("cmd") == "stats":
		print("stats", o["shared_bytes"], o["resident_bytes"],
		    o["streamed_bytes"])
')
}

# The addresses the Nth find printed, one a line.
matches()
{
	printf '%s\n' "$summary" | grep '^find' | sed -n "${1}p" |
		cut -d' ' -f2- | tr ' ' '\n'
}

# Field N (1: shared, 2: resident, 3: streamed bytes) of `stats`.
stat_field()
{
	printf '%s\n' "$summary" | sed -n "s/^stats //p" | cut -d' ' -f"$1"
}

# The needles at 5 MiB + 12 KiB - 3 and 9 MiB + 20 KiB - 9 straddle a page
# boundary: two small reads map the page before the first and the page
# after the second in ptinspect's view (a first small read is a pread);
# the other page of each stays unmapped.
cat >"$TAP_TMP/cmds" <<EOF
find "$needle" $A
x $A+5*1048576+2*4096 16
x $A+5*1048576+2*4096 16
x $A+9*1048576+5*4096 16
x $A+9*1048576+5*4096 16
find "$needle" $A
find "$needle" $B
find "$needle" $C
write $A+20*1048576-4 "$needle"
find "$needle" $A
stats
EOF
pti_run --batch --json -x "$TAP_TMP/cmds" "$PROGS/cold-find"
summarize
tap_is "$TAP_RC" 0 "cold-find under ptinspect: exit status 0"
tap_ok "the regions are redirected (shared with ptinspect)" \
	test "$(stat_field 1)" -ge $((40 << 20))
tap_is "$(matches 1)" "$want_a" \
	"A, nothing in the view: every needle (256 KiB, 2 MiB, page seams, the end)"
tap_is "$(matches 2)" "$want_a" \
	"A, two pages in the view: the same, across mapped and unmapped pages"
tap_is "$(matches 3)" "$want_b" \
	"B shrunk by mremap: the needle before the cut, not the one past it"
tap_is "$(matches 4)" "$want_c" \
	"C, three pages in 64 MiB of holes: the one needle"
tap_is "$(matches 5)" "$(printf '%s\n' "$want_a" | sed '4a\
0x3000013ffffc')" \
	"A after a write through the view across a page seam: that one too"
tap_ok "the searches streamed the pages the view had not mapped" \
	test "$(stat_field 3)" -ge $((3 * (40 << 20)))
tap_ok "the holes of C were not allocated by the searches" \
	test "$(stat_field 2)" -lt $((60 << 20))

# The oracle: the copy path, which never touches a memfd.
cat >"$TAP_TMP/cmds" <<EOF
find "$needle" $A
find "$needle" $B
find "$needle" $C
stats
EOF
pti_run --batch --json --no-redirect -x "$TAP_TMP/cmds" "$PROGS/cold-find"
summarize
tap_is "$(matches 1)" "$want_a" "--no-redirect: the same matches in A"
tap_is "$(matches 2)" "$want_b" "--no-redirect: the same match in B"
tap_is "$(matches 3)" "$want_c" "--no-redirect: the same match in C"
tap_is "$(stat_field 3)" 0 "--no-redirect: nothing streamed from a memfd"

pti_done
