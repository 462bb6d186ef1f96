#!/bin/sh
# mapsview.t: `maps` shows each region as the program made it. Redirected
# memory is a MAP_SHARED mapping of ptinspect's memfd to the kernel; the
# program asked for private anonymous memory, and that is what `maps`
# must say ("rw-p", offset 0, no name or [heap]), with the ACCESS column
# saying "shared". The oracle: the same program under --no-redirect,
# whose maps are the kernel's own for a native run: the (perms, name)
# pairs of its regions must be the same set, the [ptinspect] stub aside.

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"

tap_require_cmd python3

# pairs: the sorted set of "perms name" of the last run's maps --json.
pairs()
{
	printf '%s\n' "$TAP_OUT" | python3 -c '
import json, sys
seen = set()
for line in sys.stdin:
	o = json.loads(line) if line.startswith("{") else {}
	if o.get("cmd") != "maps":
		continue
	for r in o["regions"]:
		if r["name"] != "[ptinspect]":
			seen.add("%s %s" % (r["perms"], r["name"]))
print("\n".join(sorted(seen)))
'
}

pti_run --batch --json -ex maps -- "$PROGS/markers"
redirected=$(pairs)
shared=$(pti_json_eval maps \
	'sum(r["access"] == "shared" and r["name"] != "[ptinspect]" for r in o["regions"])')
pti_run --batch --json --no-redirect -ex maps -- "$PROGS/markers"
native=$(pairs)

if [ "${shared:-0}" -gt 0 ]; then
	tap_pass "some regions are redirected ($shared shared)"
else
	tap_fail "some regions are redirected (none shared)"
fi
tap_is "$redirected" "$native" \
	"maps names and permissions are the program's own, as natively"
tap_unlike "$redirected" "memfd" "no region shows ptinspect's memfd"
tap_unlike "$redirected" "rw-s" "no private memory shows as shared (rw-s)"

# Text output, too.
pti_run --batch -ex maps -- "$PROGS/markers"
tap_unlike "$TAP_OUT" "memfd:ptinspect" "text maps: no memfd name"
tap_like "$TAP_OUT" "rw-p 00000000 shared" \
	"text maps: redirected memory reads rw-p, offset 0, shared"

pti_done
