#!/bin/sh
# memcmds.t: x and write at the edges of what can be accessed. A region
# maps lists but nobody can read ([vvar]) is named with the reason, not
# called unmapped; `x ADDR 0` says it dumps nothing, in text and JSON; a
# write that would run past the mapped memory writes nothing at all.
# `stats` names the zero-filled end of a program's data that the kernel
# maps at exec (its .bss) as such, not as memory left unredirected.

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"
tap_require_cmd python3

# [vvar]: listed by maps, refused by the kernel (/proc/PID/mem says EIO).
pti_run --batch -ex maps "$PROGS/exit-code" 4
if printf '%s\n' "$TAP_OUT" | grep -q '\[vvar\]$'; then
	pti_run --batch -ex 'x [vvar] 16' -ex 'write [vvar] 00' \
		"$PROGS/exit-code" 4
	tap_like "$TAP_ERR" '^x: 0x[0-9a-f]+ \(\[vvar\]\): region cannot be read \(.*vvar.*/proc/PID/mem' \
		"x [vvar]: says why it cannot be read"
	tap_like "$TAP_ERR" '^write: 0x[0-9a-f]+ \(\[vvar\]\): region cannot be written \(.*vvar' \
		"write [vvar]: says why it cannot be written"
	tap_unlike "$TAP_ERR" 'not mapped' "[vvar] is not called unmapped"
	pti_run --batch --json -ex 'x [vvar] 16' "$PROGS/exit-code" 4
	tap_like "$(tap_json "$TAP_OUT" x error)" 'region cannot be read' \
		"x [vvar] --json: the same reason"
else
	tap_skip "no [vvar] region on this kernel" 4
fi

# x ADDR 0: an empty dump, said so.
pti_run --batch -ex 'x [stack] 0' -ex status "$PROGS/exit-code" 4
tap_like "$TAP_OUT" '^0 bytes at 0x[0-9a-f]{16}$' \
	"x [stack] 0: says it dumped 0 bytes"
tap_is "$TAP_ERR" "" "x [stack] 0: no error"
pti_run --batch --json -ex 'x [stack] 0' "$PROGS/exit-code" 4
tap_is "$(pti_json_eval x 'o["bytes"] == "" and o["addr"].startswith("0x")')" \
	True "x [stack] 0 --json: empty bytes at the address"

# A 1 MiB write at [heap] (132 KiB, nothing mapped right after it) runs
# past the mapping: refused before anything is written (the heap reads
# back the same).
pti_run --batch --json -ex maps "$PROGS/markers"
tap_is "$(pti_json_eval maps '[int(r["end"],16) in [int(q["start"],16) for q in o["regions"]] for r in o["regions"] if r["name"]=="[heap]"][0]')" \
	False "[heap] has nothing mapped right after it"
python3 -c '
print("x [heap] 32")
print("write [heap] " + "ab" * (1024 * 1024))
print("x [heap] 32")
' >"$TAP_TMP/big"
pti_run --batch --json -x "$TAP_TMP/big" "$PROGS/markers"
tap_like "$(tap_json "$TAP_OUT" write error)" 'nothing written' \
	"1 MiB write past the mapping: refused, nothing written"
tap_is "$(pti_json_eval x 'o["bytes"]' | sort -u | wc -l)" 1 \
	"1 MiB write past the mapping: the memory is unchanged"
tap_unlike "$(pti_json_eval x 'o["bytes"]' | sed -n 1p)" '^(ab)+$' \
	"1 MiB write past the mapping: no ab bytes"

# 1 MiB that fits is written whole: its last bytes read back. sem-sparse
# keeps a 64 GiB mapping with "sem-sparse-marker" at its start. Both runs
# without address randomisation, so the marker is at the same address.
norand_run()
{
	tap_run env PTI_TEST_TAG="$pti_tag" setarch x86_64 -R "$PTINSPECT" "$@"
	pti_collect_leftovers "$*"
}
norand_run --batch --json -ex 'find "sem-sparse-marker"' "$PROGS/sem-sparse"
mark=$(pti_json_eval find 'min(o["matches"], key=lambda a: int(a, 16))')
tap_like "$mark" '^0x[0-9a-f]+$' "sem-sparse's marker found"
python3 -c '
import sys
print("write %s " % sys.argv[1] + "cd" * (1024 * 1024))
print("x %s+0xffff0 16" % sys.argv[1])
' "${mark:-0}" >"$TAP_TMP/fits"
norand_run --batch --json -x "$TAP_TMP/fits" "$PROGS/sem-sparse"
tap_is "$(tap_json "$TAP_OUT" write len)" 1048576 \
	"1 MiB write that fits: all of it written"
tap_is "$(tap_json "$TAP_OUT" x bytes)" \
	"cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd" \
	"1 MiB write that fits: its last bytes read back"

# tests/progs/output's 1 MiB static buffer: anonymous memory the kernel
# mapped at exec, right after the program's last file mapping.
pti_run --batch --json --pause-on-exit -ex stats -ex maps "$PROGS/output"
# (The program's output shares stdout: its last line has no newline.)
printf '%s\n' "$TAP_OUT" | grep -a -o '{"cmd".*' >"$TAP_TMP/bss.json"
tap_is "$(python3 -c '
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
stats = [o for o in objs if o["cmd"] == "stats"][0]
regions = [o for o in objs if o["cmd"] == "maps"][0]["regions"]
bss = [c for c in stats["copy"] if c["reason"] == "exec'"'"'s .bss"]
ends = [r["end"] for r in regions if r["name"] == sys.argv[2]]
print(len(bss), len(bss) == 1 and
    int(bss[0]["end"], 16) - int(bss[0]["start"], 16) >= 1 << 20,
    len(bss) == 1 and bss[0]["start"] in ends)
' "$TAP_TMP/bss.json" "$PROGS/output")" "1 True True" \
	"stats: the program's 1 MiB .bss is \"exec's .bss\", after its file"

pti_done
