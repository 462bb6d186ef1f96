#!/bin/sh
# procinfo.t: the process at its exit as /proc has it. tests/progs/procinfo
# opens one descriptor of each kind, sets an environment variable, a
# directory, limits and signal dispositions, and prints what it did; at
# its exit `fds`, `env`, `cwd`, `limits`, `signals` and `status` must show
# exactly that (text and JSON), and agree with /proc read by a python
# script that `shell` runs while ptinspect holds the process. Then `shell`
# (exit status, PTINSPECT_* variables, captured output), `hold` (with
# SECONDS while the test reads /proc itself, without a terminal, and with
# Enter on a pty) and `proc` (files, listings, and names that would leave
# /proc/PID).

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"
tap_require_cmd python3 setsid

prog="$PROGS/procinfo"

# field KEY N: the Nth word after KEY on the program's "KEY ..." line.
field()
{
	printf '%s\n' "$TAP_OUT" | awk -v k="$1" -v n="$2" \
		'$1 == k { print $(n + 1); exit }'
}

# The independent view: /proc/$PTINSPECT_PID read by python, as JSON.
cat >"$TAP_TMP/oracle.py" <<'EOF'
import json, os
pid = os.environ["PTINSPECT_PID"]
d = "/proc/%s/" % pid
fds = {}
for n in os.listdir(d + "fd"):
	info = {}
	for line in open(d + "fdinfo/" + n).read().splitlines():
		k, _, v = line.partition(":")
		info[k] = v.strip()
	fds[n] = {"target": os.readlink(d + "fd/" + n),
		"pos": int(info["pos"]), "flags": int(info["flags"], 8)}
status = {}
for line in open(d + "status").read().splitlines():
	k, _, v = line.partition(":")
	status[k] = v.strip()
limits = {}
for line in open(d + "limits").read().splitlines()[1:]:
	w = line[26:].split()
	limits[line[:25].strip()] = w[:2]
print(json.dumps({"fds": fds, "status": status, "limits": limits,
	"cwd": os.readlink(d + "cwd"), "exe": os.readlink(d + "exe"),
	"environ": open(d + "environ").read().split("\0")[:-1]}))
EOF

# ---------------------------------------------------------------------
# JSON: every fact against the program's word and the oracle's.
pti_run -f -p --batch --json -ex fds -ex env -ex 'env PROCINFO_TEST' \
	-ex cwd -ex limits -ex signals -ex status \
	-ex "shell python3 $TAP_TMP/oracle.py" "$prog"
tap_is "$TAP_RC" 0 "procinfo -f: exit status 0"
tap_diag "$TAP_ERR"
printf '%s\n' "$TAP_OUT" >"$TAP_TMP/json-out"
python3 - "$TAP_TMP/json-out" "$(cd "$PROGS" && pwd -P)/procinfo" \
	"$(id -u)" >"$TAP_TMP/checks" <<'EOF'
import json, sys
said, objs = {}, {}
for line in open(sys.argv[1]):
	if line.startswith("{"):
		o = json.loads(line)
		objs.setdefault(o["cmd"], []).append(o)
	elif line.strip():
		w = line.split()
		said.setdefault(w[0], w[1:])
exe, uid = sys.argv[2], int(sys.argv[3])
# The parent pauses first (its child waits for EOF on the pipe).
fds = {f["fd"]: f for f in objs["fds"][0]["fds"]}
oracle = json.loads(objs["shell"][0]["output"])
def check(desc, cond, detail=""):
	print("%s\t%s" % ("ok" if cond else "FAIL " + str(detail), desc))
def fd(key, i=0):
	return fds.get(int(said[key][i]), {})

check("fds: the same numbers as /proc/PID/fd",
	sorted(fds) == sorted(int(n) for n in oracle["fds"]),
	(sorted(fds), sorted(oracle["fds"])))
for n, o in oracle["fds"].items():
	f = fds.get(int(n), {})
	target = f.get("target", "") + (" (deleted)" if f.get("deleted") else "")
	# 0-2 are ptinspect's output too: their position moves on.
	check("fd %s: target, pos, flags as /proc has them" % n,
		target == o["target"] and (int(n) <= 2 or f.get("pos") ==
		o["pos"]) and f.get("flags_value") == o["flags"], (f, o))
f = fd("file")
check("file: type, path, offset 42, O_RDWR|...|O_CLOEXEC",
	f.get("type") == "file" and f.get("target") == said["file"][1] and
	f.get("pos") == int(said["file"][2]) and not f.get("deleted") and
	f.get("flags", "").startswith("O_RDWR|") and
	"O_CLOEXEC" in f.get("flags", ""), f)
f = fd("deleted")
check("deleted file: marked deleted, O_APPEND",
	f.get("type") == "file" and f.get("deleted") is True and
	f.get("target") == said["deleted"][1] and
	"O_APPEND" in f.get("flags", ""), f)
f = fd("pipe")
check("pipe: the traced child holds its other end at fd 0",
	f.get("type") == "pipe" and f.get("peer") == {"pid":
	int(said["pipe"][1]), "fd": int(said["pipe"][2]), "comm": "procinfo"},
	f)
f = fd("listen")
check("listening TCP socket", f.get("type") == "socket" and
	f.get("socket", {}).get("family") == "inet" and
	f["socket"].get("type") == "stream" and
	f["socket"].get("local") == said["listen"][1] and
	f["socket"].get("peer") is None and
	f["socket"].get("state") == "LISTEN", f)
f = fd("connect")
check("connected TCP socket", f.get("type") == "socket" and
	f.get("socket", {}).get("peer") == said["connect"][1] and
	f["socket"].get("state") == "ESTABLISHED" and
	f["socket"]["local"].startswith("127.0.0.1:"), f)
a, b = fd("socketpair", 0), fd("socketpair", 1)
check("socketpair: unix stream, each the other's peer",
	a.get("socket", {}).get("family") == "unix" and
	a["socket"].get("type") == "stream" and
	a["socket"].get("peer_inode") == b.get("inode") and
	b.get("socket", {}).get("peer_inode") == a.get("inode"), (a, b))
f = fd("eventfd")
check("eventfd: anon inode, O_NONBLOCK", f.get("type") == "anon" and
	f.get("target") == "anon_inode:[eventfd]" and
	"O_NONBLOCK" in f.get("flags", ""), f)
f = fd("epoll")
check("epoll: anon inode", f.get("type") == "anon" and
	f.get("target") == "anon_inode:[eventpoll]", f)
mine = [f for f in fds.values() if f["target"].startswith("/memfd:ptinspect")]
check("ptinspect's arena memfd, if installed, is marked as ptinspect's",
	all(f["ptinspect"] for f in mine) and
	not any(f["ptinspect"] for f in fds.values() if f not in mine), mine)
print("#\tarena memfd installed: %s" % bool(mine))

env = objs["env"][0]["env"]
check("env: the variable the program set", said["env"][0] + " " +
	" ".join(said["env"][1:]) in env, said["env"])
check("env: as /proc/PID/environ", env == oracle["environ"])
check("env NAME: its value", objs["env"][1].get("value") == "hello world",
	objs["env"][1])
check("cwd: the program's directory", objs["cwd"][0]["path"] ==
	said["cwd"][0] == oracle["cwd"], (objs["cwd"][0], oracle["cwd"]))
lim = {l["name"]: l for l in objs["limits"][0]["limits"]}
check("limits: NOFILE lowered", [lim["NOFILE"]["soft"], lim["NOFILE"]["hard"]]
	== [int(x) for x in said["nofile"]], lim["NOFILE"])
check("limits: CORE lowered", [lim["CORE"]["soft"], lim["CORE"]["hard"]]
	== [int(x) for x in said["core"]], lim["CORE"])
check("limits: as /proc/PID/limits", all([str(l["soft"]), str(l["hard"])] ==
	oracle["limits"][l["description"]] for l in lim.values()))
th = objs["signals"][0]["threads"]
# Ignored dispositions are inherited: the harness may ignore others.
check("signals: one thread, SIGUSR1 blocked, SIGPIPE ignored",
	len(th) == 1 and th[0]["blocked"] == ["SIGUSR1"] and
	"SIGPIPE" in th[0]["ignored"] and th[0]["pending"] == [], th)
check("signals: masks as /proc/PID/status", all(th[0]["masks"][k] ==
	oracle["status"][k] for k in ("SigPnd", "ShdPnd", "SigBlk", "SigIgn",
	"SigCgt")), (th[0]["masks"], oracle["status"]))
st = objs["status"][0]
check("status: old keys unchanged", st["state"] == "exit" and
	st["exit_code"] == 0 and st["threads"] == 1, st)
check("status: pid, ppid, comm, argv, exe, uid, gid",
	st["pid"] == int(said["pid"][0]) and st["ppid"] == int(said["ppid"][0])
	and st["comm"] == "procinfo" and st["argv"][0].endswith("procinfo")
	and st["exe"] == exe == oracle["exe"] and st["uid"] == uid and
	st["gid"] == int(oracle["status"]["Gid"].split()[0]), st)
check("status: peak RSS and context switches as /proc/PID/status",
	st["peak_rss_kb"] == int(oracle["status"]["VmHWM"].split()[0]) and
	st["voluntary_ctxt_switches"] <=
	int(oracle["status"]["voluntary_ctxt_switches"]), st)
check("status: lifetime and CPU times are counts",
	all(isinstance(st[k], int) and st[k] >= 0 for k in ("lifetime_ms",
	"cpu_user_ms", "cpu_system_ms")), st)
check("-f: the child pauses too, its status naming its parent",
	len(objs["status"]) == 2 and objs["status"][1]["pid"] ==
	int(said["pipe"][1]), objs["status"])
EOF
while IFS="$(printf '\t')" read -r res desc; do
	case $res in
	ok) tap_pass "json: $desc" ;;
	"#") tap_diag "$desc" ;;
	*) tap_fail "json: $desc"; tap_diag "$res" ;;
	esac
done <"$TAP_TMP/checks"
[ -s "$TAP_TMP/checks" ] || tap_fail "json: the checks ran"
rm -rf "$(field cwd 1)"

# ---------------------------------------------------------------------
# Text: the same facts, one line each.
pti_run -f -p --batch -ex fds -ex 'env PROCINFO_TEST' -ex cwd -ex limits \
	-ex signals -ex status "$prog"
tap_is "$TAP_RC" 0 "text: exit status 0"
tap_like "$TAP_OUT" "^ +$(field file 1) file +O_RDWR\|.*O_CLOEXEC +42 $(field file 2)\$" \
	"text: the file at offset 42"
tap_like "$TAP_OUT" "^ +$(field deleted 1) file +O_WRONLY\|O_APPEND.* $(field deleted 2) \(deleted\)\$" \
	"text: the deleted file"
tap_like "$TAP_OUT" "^ +$(field pipe 1) pipe +O_WRONLY +0 pipe:\[[0-9]+\] -> pid $(field pipe 2) fd 0 \(procinfo\)\$" \
	"text: the pipe names the child holding its other end"
tap_like "$TAP_OUT" "^ +$(field listen 1) socket .* socket:\[[0-9]+\] tcp $(field listen 2) LISTEN\$" \
	"text: the listening socket"
tap_like "$TAP_OUT" "^ +$(field connect 1) socket .* tcp 127\.0\.0\.1:[0-9]+ -> $(field connect 2) ESTABLISHED\$" \
	"text: the connected socket"
tap_like "$TAP_OUT" "^ +$(field socketpair 1) socket .* unix stream peer socket:\[[0-9]+\]" \
	"text: the socketpair"
tap_like "$TAP_OUT" "^ +$(field eventfd 1) anon .* anon_inode:\[eventfd\]\$" \
	"text: the eventfd"
tap_like "$TAP_OUT" "^ +$(field epoll 1) anon .* anon_inode:\[eventpoll\]\$" \
	"text: the epoll fd"
tap_like "$TAP_OUT" '^hello world$' "text: env PROCINFO_TEST"
tap_like "$TAP_OUT" "^$(field cwd 1)\$" "text: cwd"
tap_like "$TAP_OUT" '^NOFILE +64 +128 +files$' "text: NOFILE 64 128"
tap_like "$TAP_OUT" '^CORE +0 +0 +bytes$' "text: CORE 0 0"
tap_like "$TAP_OUT" '^  SigBlk 0000000000000200  SIGUSR1$' "text: SigBlk"
tap_like "$TAP_OUT" '^  SigIgn [0-9a-f]{16} .*SIGPIPE' "text: SigIgn"
tap_like "$TAP_OUT" "^  ppid $(field ppid 1), comm procinfo, uid $(id -u), gid [0-9]+\$" \
	"text: status names ppid, comm, uid"
tap_like "$TAP_OUT" '^  lifetime [0-9]+ ms; cpu user [0-9]+ ms, system [0-9]+ ms; peak RSS [0-9]+ kB; context switches [0-9]+ voluntary, [0-9]+ involuntary$' \
	"text: status figures"
rm -rf "$(field cwd 1)"

# ---------------------------------------------------------------------
# shell
pti_run --batch -ex 'shell echo "$PTINSPECT_PID $PTINSPECT_TID $PTINSPECT_EXE"; grep "^State:" /proc/$PTINSPECT_PID/status' \
	-ex 'shell exit 3' -ex status "$PROGS/exit-code" 7
pid=$(printf '%s\n' "$TAP_OUT" | sed -n 's/^pid \([0-9]*\): paused.*/\1/p')
tap_is "$TAP_RC" 7 "shell: the program's exit status is kept"
tap_like "$TAP_OUT" "^$pid $pid $(cd "$PROGS" && pwd -P)/exit-code\$" \
	"shell: PTINSPECT_PID, _TID and _EXE"
tap_like "$TAP_OUT" '^State:	t \(tracing stop\)$' \
	"shell: the process is held while the command runs"
tap_like "$TAP_ERR" '^shell: exit status 3$' "shell: exit status reported"
pti_run --batch --json -ex 'shell printf "a\nb"; exit 4' -ex 'shell kill $$' \
	"$PROGS/exit-code" 7
tap_is "$(tap_json "$TAP_OUT" shell output)" "$(printf 'a\nb')" \
	"shell --json: output captured"
tap_is "$(tap_json "$TAP_OUT" shell exit_code)" 4 "shell --json: exit_code"
tap_is "$(tap_json "$TAP_OUT" 'shell#2' signal)" SIGTERM \
	"shell --json: killed by a signal"
pti_run --batch -ex shell "$PROGS/exit-code" 7
tap_like "$TAP_ERR" '^shell: usage: shell CMD$' "shell without CMD: usage"

# ---------------------------------------------------------------------
# hold, without a terminal (setsid: no controlling tty).
tap_run setsid -w env PTI_TEST_TAG="$pti_tag" "$PTINSPECT" --batch \
	-ex hold -ex 'hold 1' -ex status "$PROGS/exit-code" 5
pti_collect_leftovers "hold without a terminal"
tap_is "$TAP_RC" 5 "hold, no terminal: exit status"
tap_like "$TAP_ERR" '^hold: no terminal to wait on \(/dev/tty: .*\); give hold SECONDS$' \
	"hold, no terminal, no SECONDS: refused, saying why"
tap_like "$TAP_ERR" '^pid [0-9]+ held: inspect /proc/[0-9]+; continuing in 1 s$' \
	"hold 1, no terminal: says so on stderr"
tap_like "$TAP_OUT" '^pid [0-9]+: paused at exit_group\(5\)' \
	"hold 1: later commands run"

# hold SECONDS while this test reads /proc/PID itself.
setsid -w env PTI_TEST_TAG="$pti_tag" "$PTINSPECT" --batch --json \
	-ex 'hold 8' -ex fds "$prog" >"$TAP_TMP/hold-out" 2>"$TAP_TMP/hold-err" &
bg=$!
held=
i=0
while [ $i -lt 200 ] && [ -z "$held" ]; do
	held=$(sed -n 's/^pid \([0-9]*\) held: .*/\1/p' "$TAP_TMP/hold-err")
	[ -n "$held" ] || sleep 0.1
	i=$((i + 1))
done
if [ -n "$held" ]; then
	tap_like "$(cat "/proc/$held/status")" '^State:	t \(tracing stop\)$' \
		"hold: /proc/PID/status read by the test: held"
	file_fd=$(awk '$1 == "file" { print $2 }' "$TAP_TMP/hold-out")
	tap_like "$(cat "/proc/$held/fdinfo/$file_fd")" '^pos:	42$' \
		"hold: /proc/PID/fdinfo read by the test: offset 42"
	dir=$(awk '$1 == "cwd" { print $2 }' "$TAP_TMP/hold-out")
else
	tap_fail "hold: the held message came"
	tap_diag "$(cat "$TAP_TMP/hold-err")"
fi
wait $bg
tap_is "$?" 0 "hold 8: ptinspect went on and the program exited 0"
tap_like "$(cat "$TAP_TMP/hold-out")" '^\{"cmd":"hold","pid":[0-9]+,"ended_by":"timeout"\}$' \
	"hold 8 --json: ended by the timeout"
pti_collect_leftovers "hold 8"
[ -n "$dir" ] && rm -rf "$dir"

# hold with a terminal: Enter on a pty ends it.
cat >"$TAP_TMP/hold-pty.py" <<'EOF'
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
	os.execvp(sys.argv[1], sys.argv[1:])
out, sent, deadline = b"", False, time.time() + 30
while time.time() < deadline:
	if not sent and b"press Enter to continue" in out:
		os.write(fd, b"\n")
		sent = True
	r, _, _ = select.select([fd], [], [], 0.5)
	if not r:
		continue
	try:
		data = os.read(fd, 4096)
	except OSError:
		break
	if not data:
		break
	out += data
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
print("exit %d" % os.waitstatus_to_exitcode(status))
EOF
tap_run python3 "$TAP_TMP/hold-pty.py" env PTI_TEST_TAG="$pti_tag" "$PTINSPECT" \
	--batch --json -ex hold -ex 'shell echo after' "$PROGS/exit-code" 6
pti_collect_leftovers "hold on a pty"
tap_like "$TAP_OUT" '^pid [0-9]+ held: inspect /proc/[0-9]+; press Enter to continue$' \
	"hold on a pty: the message on the terminal"
tap_like "$TAP_OUT" '^\{"cmd":"hold","pid":[0-9]+,"ended_by":"enter"\}$' \
	"hold on a pty: Enter ended it"
tap_like "$TAP_OUT" '"output":"after\\n"' "hold on a pty: later commands ran"
tap_like "$TAP_OUT" '^exit 6$' "hold on a pty: the program's exit status"

# ---------------------------------------------------------------------
# proc: files and listings under /proc/PID, and nothing outside it.
pti_run --batch -ex 'proc ..' -ex 'proc ../1/status' -ex 'proc /etc/passwd' \
	-ex 'proc cwd/x' -ex 'proc root/etc/passwd' -ex 'proc fd/1' \
	-ex 'proc task/../../self/environ' -ex 'proc status' -ex 'proc' \
	-ex 'proc fd' -ex 'proc auxv' "$PROGS/exit-code" 3
tap_is "$TAP_RC" 3 "proc: exit status"
tap_like "$TAP_ERR" '^proc: \.\.: "\.\." would leave /proc/[0-9]+$' "proc ..: refused"
tap_like "$TAP_ERR" '^proc: \.\./1/status: "\.\." would leave' "proc ../1/status: refused"
tap_like "$TAP_ERR" '^proc: /etc/passwd: an absolute name' "proc /etc/passwd: refused"
tap_like "$TAP_ERR" '^proc: cwd/x: cwd is a symbolic link \(to .*\); links are not followed' \
	"proc cwd/x: refused"
tap_like "$TAP_ERR" '^proc: root/etc/passwd: root is a symbolic link \(to /\)' \
	"proc root/etc/passwd: refused"
tap_like "$TAP_ERR" '^proc: fd/1: 1 is a symbolic link' "proc fd/1: refused"
tap_like "$TAP_ERR" '^proc: task/\.\./\.\./self/environ: "\.\." would leave' \
	"proc task/../..: refused"
tap_unlike "$TAP_OUT" '^root:' "proc: /etc/passwd never shown"
tap_like "$TAP_OUT" '^State:	t \(tracing stop\)$' "proc status: the file as text"
tap_like "$TAP_OUT" '^cwd -> /' "proc: the listing shows links without following"
tap_like "$TAP_OUT" '^task/$' "proc: the listing marks directories"
tap_like "$TAP_OUT" '^0 -> ' "proc fd: a directory listed"
tap_like "$TAP_OUT" '^00000000  [0-9a-f]{2} ' "proc auxv: binary as hex"
pti_run --batch --json -ex "proc task" -ex status "$PROGS/exit-code" 3
tap_is "$(tap_json "$TAP_OUT" proc entries.0.name)" \
	"$(tap_json "$TAP_OUT" status pid)" "proc task --json: the one thread"
pti_run --batch --json -ex "proc comm" "$PROGS/exit-code" 3
tap_is "$(tap_json "$TAP_OUT" proc text)" "exit-code" "proc comm --json: text"

# ---------------------------------------------------------------------
# The leader thread gone (last-thread): files, environment and status are
# read through the thread still alive.
pti_run --batch --json -ex fds -ex 'env PTI_TEST_TAG' -ex status -ex signals \
	"$PROGS/last-thread"
tap_is "$TAP_RC" 7 "last-thread: exit status"
tap_is "$(pti_json_eval fds '[f["fd"] for f in o["fds"]][:3]')" "[0, 1, 2]" \
	"last-thread: fds still lists 0, 1, 2"
tap_is "$(tap_json "$TAP_OUT" env value)" "$pti_tag" \
	"last-thread: env NAME still reads the environment"
tap_is "$(tap_json "$TAP_OUT" status exe)" \
	"$(cd "$PROGS" && pwd -P)/last-thread" "last-thread: status exe"
# (signals TID on a live thread: unit-procinfo; its tid differs per run.)
pti_run --batch --json -ex 'signals 1' "$PROGS/last-thread"
tap_is "$(tap_json "$TAP_OUT" signals error)" "1: no such thread" \
	"signals 1: no such thread"

pti_done
