#!/bin/sh
# snapshot.t: --snapshot=DIR on a directory `save` wrote, in batch mode.
# The oracle is the live pause the snapshot was saved at: bt (functions
# and arguments), x at $rsp, the regions, and the descriptors, the
# environment, cwd, cmdline, exe and limits the live process had. Symbols
# on the core (sym, disas, a symbol in an address) equal the live ones,
# and gdb on the snapshot's core agrees on main's address. On a program
# with named threads, the snapshot's status (lifetime and CPU times among
# the rest), threads (each one's name), signals (each thread's masks)
# and maps' RSS are those of the
# live pause it was saved at. A plain --core says it has no saved /proc
# files; a corrupted snapshot (no summary.json or a cut one, no core or a
# cut one, a file cut short, grown or missing against the size
# summary.json recorded) is refused with the file that is wrong named
# (exit 2).

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"
tap_require_cmd python3

prog=$PROGS/gcore
snap=$TAP_TMP/snap
cmds=$TAP_TMP/cmds
printf '%s\n' bt 'x $rsp 64' maps fds env cwd cmdline exe limits \
	'sym main' 'disas main 6' 'x gcore_c 16' 'frame 2' list >"$cmds"

# facts FILE: one line per command of the JSON lines in FILE.
facts()
{
	pti_json_facts "$1" '
	if "error" in o:
		print(c, "error", o["error"])
	elif c == "bt":
		for t in o["threads"]:
			print("bt", t["tid"], " | ".join("%s(%s)" % (f["function"],
			    f.get("args")) for f in t["frames"]))
	elif c == "x":
		print("x", o["addr"], o["bytes"])
	elif c == "maps":
		# The core has no [ptinspect] regions (ours, not the
		# program'"'"'s), nor a name for the redirected [heap]
		# (its saved maps line is our memfd): the rest is the same.
		print("maps", " ".join("%s-%s %s %s" % (r["start"], r["end"],
		    r["perms"], r["name"] if r["name"] != "[heap]" else "")
		    for r in o["regions"] if r["name"] != "[ptinspect]"))
	elif c == "fds":
		if "saved_text" in o:
			fds = [l.split()[0] + " " + l.split()[-1]
			    for l in o["saved_text"].splitlines()[1:]]
		else:
			fds = ["%d %s" % (d["fd"], d["target"]) for d in o["fds"]]
		print("fds", " ".join(fds))
	elif c == "env":
		print("env", "\x01".join(o["env"]))
	elif c in ("cwd", "exe"):
		print(c, o["path"])
	elif c == "cmdline":
		print(c, o["argv"])
	elif c == "limits":
		print(c, [(l["name"], l["soft"], l["hard"]) for l in o["limits"]])
	elif c in ("sym", "frame", "list"):
		print(c, o)
	elif c == "disas":
		print(c, [(i["addr"], i["text"]) for i in o["insns"]])
'
}

cd "$TAP_TMP" || tap_bail "cd $TAP_TMP"
pti_run --batch --json="$TAP_TMP/live.json" -ex "save $snap" -x "$cmds" \
	-- env SNAPSHOT_T=marker-42 "$prog" crash
tap_is "$TAP_RC" 139 "the live run crashes as the program does (139)"
facts "$TAP_TMP/live.json" >"$TAP_TMP/live.facts"

pti_run --snapshot="$snap" --batch --json -x "$cmds" "$prog"
tap_is "$TAP_RC" 0 "--snapshot: every command ran (exit 0)"
printf '%s\n' "$TAP_OUT" >"$TAP_TMP/snap.json"
facts "$TAP_TMP/snap.json" >"$TAP_TMP/snap.facts"
for what in bt x maps fds env cwd cmdline exe limits sym disas frame list; do
	live=$(grep "^$what " "$TAP_TMP/live.facts")
	tap_unlike "$live" "^$what error|^$" "live run: $what printed"
	tap_is "$(grep "^$what " "$TAP_TMP/snap.facts")" "$live" \
		"--snapshot: $what as at the live pause"
done
tap_like "$(grep '^bt ' "$TAP_TMP/snap.facts" | head -1)" \
	"gcore_c\(crash=1\) \| gcore_b\(" "--snapshot: bt has functions and arguments"

# Text mode, and what the snapshot alone knows.
pti_run --snapshot="$snap" --batch -ex 'env SNAPSHOT_T' -ex cwd -ex status \
	-ex 'proc' -ex 'proc fdinfo/0' -ex root "$prog"
tap_is "$TAP_RC" 1 "--snapshot: root (not saved) fails, the rest runs"
tap_is "$(printf '%s\n' "$TAP_OUT" | sed -n 1p)" marker-42 \
	"env NAME: the program's environment as saved"
tap_is "$(printf '%s\n' "$TAP_OUT" | sed -n 2p)" "$(pwd -P)" \
	"cwd: where it ran"
tap_like "$TAP_OUT" "snapshot $snap" "status: names the snapshot"
tap_like "$TAP_OUT" "argv: $prog crash" "status: argv from the saved cmdline"
tap_like "$TAP_OUT" "^fds.txt$" "proc: lists the snapshot's files"
tap_like "$TAP_OUT" "^flags:" "proc fdinfo/0: the saved fdinfo"
tap_like "$TAP_ERR" "root: $snap/root: not in this snapshot" \
	"root: not in this snapshot, named"

# gdb on the same core: main is where sym says it is.
if command -v gdb >/dev/null 2>&1; then
	want=$(gdb -nx -batch -ex 'info address main' "$prog" "$snap/core" \
		2>/dev/null | sed -n 's/.* at address \(0x[0-9a-f]*\)\.$/\1/p')
	pti_run --snapshot="$snap" --batch -ex 'x main 1' "$prog"
	tap_is "$(printf '%s\n' "$TAP_OUT" | sed 's/^0*\([0-9a-f]*\) .*/0x\1/')" \
		"$want" "x main: at gdb's address of main in the core"
else
	tap_skip "no gdb" "x main: at gdb's address of main"
fi

# The same pause, live and saved: status (lifetime at the save, between
# the live status before it and after it; CPU times, ids, peak RSS and
# context switches equal: the process is held), threads with their names,
# and each region's RSS (from smaps; the saved one is copied before the
# core is written, which reads memory).
tprog=$PROGS/threads
tsnap=$TAP_TMP/tsnap
pti_run --batch --json="$TAP_TMP/tlive.json" -ex status -ex threads -ex maps \
	-ex signals -ex "save $tsnap" -ex status -- "$tprog"
tap_is "$TAP_RC" 0 "threads: the live run exits 0"
pti_run --snapshot="$tsnap" --batch --json -ex status -ex threads -ex maps \
	-ex signals "$tprog"
printf '%s\n' "$TAP_OUT" >"$TAP_TMP/tsnap.json"
python3 - "$TAP_TMP/tlive.json" "$TAP_TMP/tsnap.json" >"$TAP_TMP/tcmp" <<'PY'
import json, sys
def objs(path):
	return [json.loads(l) for l in open(path) if l.startswith("{")]
live, snap = objs(sys.argv[1]), objs(sys.argv[2])
ls = [o for o in live if o["cmd"] == "status"]
ss = [o for o in snap if o["cmd"] == "status"][0]
keys = ("ppid", "comm", "argv", "exe", "uid", "gid", "cpu_user_ms",
    "cpu_system_ms", "peak_rss_kb", "voluntary_ctxt_switches",
    "involuntary_ctxt_switches")
print("status", [(k, ss.get(k)) for k in keys] ==
    [(k, ls[0][k]) for k in keys] or [(k, ss.get(k), ls[0][k])
    for k in keys if ss.get(k) != ls[0][k]])
print("lifetime", ls[0]["lifetime_ms"] <= ss.get("lifetime_ms", -1) <=
    ls[1]["lifetime_ms"], ls[0]["lifetime_ms"], ss.get("lifetime_ms"),
    ls[1]["lifetime_ms"])
lt = [o for o in live if o["cmd"] == "threads"][0]["threads"]
st = [o for o in snap if o["cmd"] == "threads"][0]["threads"]
print("threads", st == lt or (lt, st))
print("names", " ".join(sorted(t["name"] for t in st)))
lsig = [o for o in live if o["cmd"] == "signals"][0]["threads"]
ssig = [o for o in snap if o["cmd"] == "signals"][0]["threads"]
print("signals", len(ssig), ssig == lsig or (lsig, ssig))
lm = {(r["start"], r["end"]): r["rss_kb"]
    for r in [o for o in live if o["cmd"] == "maps"][0]["regions"]}
sm = [(r["start"], r["end"], r["rss_kb"])
    for r in [o for o in snap if o["cmd"] == "maps"][0]["regions"]]
bad = [r for r in sm if r[2] is None or lm.get(r[:2]) != r[2]]
print("rss", len(sm), sum(r[2] or 0 for r in sm), bad)
PY
tap_is "$(sed -n 's/^status //p' "$TAP_TMP/tcmp")" True \
	"threads: --snapshot's status has the live pause's ids, CPU times, peak RSS, switches"
tap_like "$(sed -n 's/^lifetime //p' "$TAP_TMP/tcmp")" "^True [0-9]+ [0-9]+ [0-9]+$" \
	"... and its lifetime at the save, between the live status before and after"
tap_is "$(sed -n 's/^threads //p' "$TAP_TMP/tcmp")" True \
	"threads: --snapshot's threads are the live ones (tid, name, state, pc)"
tap_is "$(sed -n 's/^names //p' "$TAP_TMP/tcmp")" \
	"threads worker-0 worker-1 worker-2 worker-3 worker-4 worker-5 worker-6 worker-7" \
	"... each with the name it gave itself"
tap_is "$(sed -n 's/^signals //p' "$TAP_TMP/tcmp")" "9 True" \
	"signals: --snapshot has each of the 9 threads' masks, the live ones"
tap_like "$(sed -n 's/^rss //p' "$TAP_TMP/tcmp")" "^[1-9][0-9]* [1-9][0-9]* \[\]$" \
	"maps: every region's RSS on --snapshot is the live pause's"
pti_run --snapshot="$tsnap" --batch -ex status "$tprog"
set -- $(sed -n 's/^lifetime True \([0-9]*\) \([0-9]*\) .*/\1 \2/p' "$TAP_TMP/tcmp")
tap_like "$TAP_OUT" "^  lifetime $2 ms; cpu user [0-9]+ ms, system [0-9]+ ms; peak RSS [0-9]+ kB; context switches" \
	"status text: the lifetime and CPU line as a live process's"

# A plain core has no saved /proc files: it says so.
pti_run --core="$snap/core" --batch -ex fds -ex 'env HOME' -ex 'sym main' \
	"$prog"
tap_is "$TAP_RC" 1 "--core: fds and env fail, sym works"
tap_like "$TAP_ERR" "fds: not available for a core file \(it needs the live process, or a snapshot: --snapshot\)" \
	"--core: fds says a snapshot has it"
tap_like "$TAP_OUT" "is main\+0x0 at .*gcore.c:" "--core: sym main"

# Bad snapshots: exit 2, the wrong file named.
pti_run --snapshot="$TAP_TMP/none" --batch -ex status
tap_is "$TAP_RC" 2 "a missing directory: exit 2"
tap_like "$TAP_ERR" "--snapshot=$TAP_TMP/none: No such file" "... named"
pti_run --snapshot="$snap/core" --batch -ex status
tap_like "$TAP_ERR" "$snap/core: not a directory" "a file: not a directory"
# --save=DIR's DIR holds one snapshot per process: say so, name one.
mkdir "$TAP_TMP/base"
ln -s "$snap" "$TAP_TMP/base/1234-gcore"
pti_run --snapshot="$TAP_TMP/base" --batch -ex status
tap_like "$TAP_ERR" "$TAP_TMP/base: not a snapshot, but it holds some .*: $TAP_TMP/base/1234-gcore\$" \
	"--save's directory: points at the snapshot inside"
bad=$TAP_TMP/bad
mkdir "$bad"
pti_run --snapshot="$bad" --batch -ex status
tap_like "$TAP_ERR" "$bad/summary.json: No such file.*not a snapshot" \
	"an empty directory: no summary.json"
head -c 100 "$snap/summary.json" >"$bad/summary.json"
pti_run --snapshot="$bad" --batch -ex status
tap_like "$TAP_ERR" "$bad/summary.json: truncated" "a truncated summary.json"
cp "$snap/summary.json" "$bad/summary.json"
pti_run --snapshot="$bad" --batch -ex status
tap_like "$TAP_ERR" "$bad/core: No such file.*no core" "no core"
cp -R "$snap/." "$bad/"
pti_run --snapshot="$bad" --batch -ex status
tap_is "$TAP_RC" 0 "a whole copy opens"
# Cut short in the second line's address range.
{ head -n 1 "$snap/maps"; head -n 2 "$snap/maps" | tail -n 1 | cut -c1-5; } |
	head -c -1 >"$bad/maps"
pti_run --snapshot="$bad" --batch -ex status
tap_is "$TAP_RC" 2 "a truncated maps file: exit 2"
tap_like "$TAP_ERR" "$bad/maps: cut short \([0-9]+ of $(wc -c <"$snap/maps") bytes\)" \
	"... named, with the size it was saved with"
# A snapshot without sizes (summary.json "file_bytes") still has its
# maps parsed.
sed 's/,"file_bytes":{[^}]*}//' "$snap/summary.json" >"$bad/summary.json"
pti_run --snapshot="$bad" --batch -ex status
tap_like "$TAP_ERR" "$bad/maps: line [0-9]+: malformed" \
	"... without recorded sizes: the maps line that does not parse"
cp "$snap/maps" "$bad/maps"
cp "$snap/summary.json" "$bad/summary.json"
for f in environ limits; do
	head -c 100 "$snap/$f" >"$bad/$f"
	pti_run --snapshot="$bad" --batch -ex status
	tap_is "$TAP_RC" 2 "a cut $f: exit 2"
	tap_like "$TAP_ERR" "$bad/$f: cut short \(100 of $(wc -c <"$snap/$f") bytes\)$" \
		"... $f named, cut short"
	cp "$snap/$f" "$bad/$f"
done
echo more >>"$bad/limits"
pti_run --snapshot="$bad" --batch -ex status
tap_like "$TAP_ERR" "$bad/limits: [0-9]+ bytes, [0-9]+ when saved \(changed since\)" \
	"a grown file: named, changed"
cp "$snap/limits" "$bad/limits"
rm "$bad/fdinfo/0"
pti_run --snapshot="$bad" --batch -ex status
tap_like "$TAP_ERR" "$bad/fdinfo/0: No such file .*\(saved with [0-9]+ bytes\)" \
	"a missing file: named"
cp "$snap/fdinfo/0" "$bad/fdinfo/0"
# summary.json may come from elsewhere: a size for a name outside the
# directory is refused, not looked at.
sed 's|"file_bytes":{|&"../x":1,|' "$snap/summary.json" >"$bad/summary.json"
pti_run --snapshot="$bad" --batch -ex status
tap_like "$TAP_ERR" "$bad/summary.json: \"file_bytes\" names \.\./x, not a file inside" \
	"file_bytes naming ../x: refused"
cp "$snap/summary.json" "$bad/summary.json"
head -c 3000 "$snap/core" >"$bad/core"
pti_run --snapshot="$bad" --batch -ex status
tap_is "$TAP_RC" 2 "a truncated core: exit 2"
tap_like "$TAP_ERR" "$bad/core: .*truncated" "... the core named, truncated"
pti_run --snapshot="$snap" --core="$snap/core" --batch -ex status
tap_is "$TAP_RC" 2 "--snapshot with --core: usage error"

pti_done
