#!/bin/sh
# coldread.t: `find` over redirected memory that ptinspect has not read,
# has read once, has mapped in its own view of the memfd in places, or
# has partly lost. A page never read is read with pread or through the
# view, whichever ptinspect has measured the cheaper (and the first search
# times both: arena-view.c, "The first read"); a page read before is read
# through the view, a search reading it in place there; a search crosses
# from one kind to another within a match.
# tests/progs/cold-find puts a needle at every such seam, at fixed
# addresses, so the expected matches are known; the same searches with
# --no-redirect (process_vm_readv, no memfd) are the outside oracle, and
# `stats` says how many bytes were read first by pread and through the
# view (a first search: all of the region but the pages small reads had
# read, some each way) and how many were searched in place (a second
# search: all of it, nothing read first again). Each way is also forced
# (PTI_TEST_FIRST_READ), whatever this host would choose.

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
		    o["streamed_bytes"], o["first_viewed_bytes"],
		    o["searched_in_place"])
')
}

# The addresses the Nth find printed, one a line.
matches()
{
	printf '%s\n' "$summary" | grep '^find' | sed -n "${1}p" |
		cut -d' ' -f2- | tr ' ' '\n'
}

# Field N of the Kth `stats`: 1 shared, 2 resident, 3 read first by pread,
# 4 read first through the view, 5 searched in place (bytes).
stat_field()
{
	printf '%s\n' "$summary" | sed -n "s/^stats //p" | sed -n "${2}p" |
		cut -d' ' -f"$1"
}

# The needles at 5 MiB + 12 KiB - 3 and 9 MiB + 20 KiB - 9 straddle a page
# boundary. Before any search, two small reads map the page before the
# first in ptinspect's view (a first small read is a pread, the second
# goes through the view) and one small read reads the page after the
# second; the other page of each has never been read. So the first search
# of A crosses from pages in the view to pages never read at one needle
# and back at the other; the second finds A all read before, in the view.
cat >"$TAP_TMP/cmds" <<EOF
x $A+5*1048576+2*4096 16
x $A+5*1048576+2*4096 16
x $A+9*1048576+5*4096 16
find "$needle" $A
stats
find "$needle" $A
stats
find "$needle" $B
find "$needle" $C
stats
find "$needle" $C
write $A+20*1048576-4 "$needle"
find "$needle" $A
stats
EOF
pti_run --batch --json -x "$TAP_TMP/cmds" "$PROGS/cold-find"
summarize
tap_is "$TAP_RC" 0 "cold-find under ptinspect: exit status 0"
tap_ok "the regions are redirected (shared with ptinspect)" \
	test "$(stat_field 1 1)" -ge $((40 << 20))
tap_is "$(matches 1)" "$want_a" \
	"A, never searched: every needle (256 KiB, 2 MiB, page seams, the end)"
tap_is "$(matches 2)" "$want_a" \
	"A searched again, through the view: the same"
tap_is "$(matches 3)" "$want_b" \
	"B shrunk by mremap: the needle before the cut, not the one past it"
tap_is "$(matches 4)" "$want_c" \
	"C, three pages in 64 MiB of holes: the one needle"
tap_is "$(matches 5)" "$want_c" \
	"C searched again, its holes probed: the same needle"
tap_is "$(matches 6)" "$(printf '%s\n' "$want_a" | sed '4a\
0x3000013ffffc')" \
	"A after a write through the view across a page seam: that one too"
# A is 40 MiB, of which the small reads had read two pages. B is 4 MiB;
# C's three pages of data are small reads (bulk reads are 64 KiB or more:
# src/arena-int.h), its holes are skipped.
first()
{
	echo $(($(stat_field 3 "$1") + $(stat_field 4 "$1")))
}
tap_is "$(first 1)" $(((40 << 20) - 2 * 4096)) \
	"the first search of A read all of A first but the two pages read before"
tap_ok "... some by pread, some through the view (both ways timed)" \
	test "$(stat_field 3 1)" -gt 0 -a "$(stat_field 4 1)" -gt 0
tap_is "$(first 2)" "$(first 1)" \
	"the second search of A read nothing first: all read before"
tap_is "$(($(stat_field 5 2) - $(stat_field 5 1)))" $((40 << 20)) \
	"the second search of A read all of it in place, in the view"
tap_is "$(($(first 3) - $(first 2)))" $((4 << 20)) \
	"the first searches of B and C read B's 4 MiB first"
tap_is "$(first 4)" "$(first 3)" \
	"the second search of C and the third of A read nothing first"
tap_ok "the holes of C were not allocated by the searches" \
	test "$(stat_field 2 4)" -lt $((60 << 20))

# Each way alone, whatever this host would choose (PTI_TEST_FIRST_READ):
# the same matches, every first read made that way, holes untouched.
pti_run_way()
{
	tap_run env PTI_TEST_FIRST_READ="$1" PTI_TEST_TAG="$pti_tag" \
		"$PTINSPECT" --batch --json -x "$TAP_TMP/cmds" "$PROGS/cold-find"
	pti_collect_leftovers "first reads by $1"
}
for way in pread view; do
	pti_run_way $way
	summarize
	tap_ok "first reads by $way: the same matches in A, B and C" \
		test "$(matches 1)" = "$want_a" -a "$(matches 2)" = "$want_a" \
		-a "$(matches 3)" = "$want_b" -a "$(matches 4)" = "$want_c"
	if [ "$way" = pread ]; then
		field=3 other=4
	else
		field=4 other=3
	fi
	tap_is "$(stat_field $field 1) $(stat_field $other 1)" \
		"$(((40 << 20) - 2 * 4096)) 0" \
		"first reads by $way: all of A's first search that way"
	tap_is "$(($(stat_field 5 2) - $(stat_field 5 1)))" $((40 << 20)) \
		"first reads by $way: the second search of A in place"
	tap_ok "first reads by $way: the holes of C not allocated" \
		test "$(stat_field 2 4)" -lt $((60 << 20))
done

# A needle longer than a search's 256 KiB chunk (300,000 bytes), written
# across chunks and searched in place: each chunk's seam then holds all
# of the chunk (src/mem.c, mem_find_range). Found once, where written.
python3 -c '
p = "".join(chr(97 + (i * i + 3 * i) % 26) for i in range(300000))
print("write %s+3*1048576-5 \"%s\"" % ("'$A'", p))
print("find \"%s\" %s" % (p, "'$A'"))
print("stats")' >"$TAP_TMP/cmds"
pti_run_way view
summarize
tap_is "$(matches 1)" 0x3000002ffffb \
	"a 300,000-byte needle across chunks: found once, where written"
tap_ok "... searched in place" test "$(stat_field 5 1)" -ge $((3 << 20))

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
tap_is "$(stat_field 3 1)" 0 "--no-redirect: nothing streamed from a memfd"

pti_done
