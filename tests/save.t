#!/bin/sh
# save.t: `save [DIR]` and --save=DIR on tests/progs/gcore: every file a
# snapshot promises is there; what was copied is what /proc and the
# commands said at the same pause (bt.txt is `bt all`'s text, environ
# holds the test's tag, cwd is where it ran); summary.json says why it
# paused; the core loads in gdb; --save saves every paused process of a
# tree as DIR/PID-COMM before the -ex commands run; with --pause-on=failure
# only the failing process of a pipeline is saved; with --timeout the hung
# one is saved where it hangs.

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"
tap_require_cmd python3

files="core maps smaps status environ cmdline limits cgroup mountinfo stat
auxv cwd exe fds.txt fdinfo/0 bt.txt summary.json"

# summary DIR EXPR: EXPR evaluated with s bound to DIR/summary.json.
summary()
{
	python3 -c 'import json, sys
s = json.load(open(sys.argv[1] + "/summary.json"))
print(eval(sys.argv[2]))' "$1" "$2"
}

cd "$TAP_TMP" || tap_bail "cd $TAP_TMP"
snap=$TAP_TMP/snap
pti_run --batch -ex "save $snap" -ex 'bt all' "$PROGS/gcore" crash
tap_is "$TAP_RC" 139 "save: the program still dies of SIGSEGV"
tap_like "$TAP_OUT" "^$snap: [0-9]+ files \\(core [0-9.]+ MiB\\), 0 errors\$" \
	"save: says how many files, no error"
missing=
for f in $files; do
	[ -s "$snap/$f" ] || missing="$missing $f"
done
tap_is "$missing" "" "save: every file is there and not empty"
# The bt all text printed after save, at the same pause.
printf '%s\n' "$TAP_OUT" | sed -n '/^thread [0-9]*:$/,$p' >"$TAP_TMP/bt.want"
tap_same_file "$snap/bt.txt" "$TAP_TMP/bt.want" "save: bt.txt is bt all's text"
tap_like "$(head -1 "$snap/bt.txt")" '^thread [0-9]+:$' "save: bt.txt not empty"
tap_like "$(tr '\0' '\n' <"$snap/environ")" "^PTI_TEST_TAG=" \
	"save: environ is the program's"
tap_is "$(cat "$snap/cwd")" "$TAP_TMP" "save: cwd is where it ran"
tap_is "$(cat "$snap/exe")" "$(cd "$PROGS" && pwd -P)/gcore" \
	"save: exe is the program"
tap_like "$(cat "$snap/fds.txt")" '^ +0 ' "save: fds.txt lists fd 0"
pid=$(summary "$snap" 's["pid"]')
tap_like "$(head -1 "$snap/bt.txt")" "^thread $pid:" \
	"save: bt.txt starts with the crashing thread"
tap_is "$(summary "$snap" 's["paused_by"], s["signal"], s["status"]["argv"][1:], s["errors"]')" \
	"('signal', 'SIGSEGV', ['crash'], [])" \
	"save: summary.json: paused by SIGSEGV, argv, no errors"
tap_is "$(summary "$snap" 's["ptinspect_version"] == "'"$("$PTINSPECT" --version | cut -d' ' -f2)"'" and s["core"]["threads"]')" \
	"3" "save: summary.json: ptinspect's version and the core's threads"
tap_is "$(summary "$snap" '[f for f in "'"$(echo $files)"'".split() if f not in s["files"]]')" \
	"[]" "save: summary.json lists the files"
if command -v gdb >/dev/null 2>&1; then
	tap_run gdb -nx -batch -ex bt "$PROGS/gcore" "$snap/core"
	tap_like "$TAP_OUT" '^#0 .*gcore_c .*gcore\.c:[0-9]+' \
		"save: gdb reads its core"
else
	tap_skip "no gdb"
fi

# The default directory name.
pti_run --batch --json -ex save "$PROGS/gcore" exit
dir=$(tap_json "$TAP_OUT" save dir)
tap_like "$dir" '^ptinspect\.[0-9]+\.gcore$' "save: default DIR ptinspect.PID.COMM"
tap_is "$(summary "$dir" 's["paused_by"], s["exit_code"]')" "('exit', 3)" \
	"save: summary.json of an exit: exit code 3"

# --save: every paused process of a tree, before the -ex commands.
pti_run --batch -f --save=failures -ex 'shell ls failures' -- \
	sh -c "\"$PROGS/exit-code\" 5; exec \"$PROGS/gcore\" crash"
tap_is "$TAP_RC" 139 "--save: the tree's status is sh's (SIGSEGV via exec)"
dirs=$(ls failures | sed 's/^[0-9]*-//' | sort | tr '\n' ' ')
tap_is "$dirs" "exit-code gcore " \
	"--save: one DIR/PID-COMM per paused process"
gdir=$(ls -d failures/*-gcore)
tap_is "$(summary "$gdir" 's["signal"], len(s["errors"])')" "('SIGSEGV', 0)" \
	"--save: the crashed one's summary says SIGSEGV"
tap_like "$TAP_OUT" "^[0-9]+-gcore\$" \
	"--save: its directory existed when the -ex commands ran"
tap_ok "--save: its core is there" test -s "$gdir/core"
tap_like "$TAP_ERR" "^ptinspect: pid [0-9]+ saved in $gdir\$" \
	"--save: stderr names each directory"

# The CI use: a three-process pipeline where only one process fails;
# with --pause-on=failure only that one pauses, and only its directory
# appears, complete. ptinspect exits with the pipeline's status (cat's).
rm -rf failures
pti_run --batch -f --pause-on=failure --save=failures -- \
	sh -c "\"$PROGS/exit-code\" 0 | \"$PROGS/gcore\" crash | cat"
tap_is "$TAP_RC" 0 "pipeline: exit status is the pipeline's (0)"
tap_is "$(ls failures | sed 's/^[0-9]*-//' | tr '\n' ' ')" "gcore " \
	"pipeline: only the failing process has a directory"
gdir=$(ls -d failures/*-gcore)
missing=
for f in $files; do
	[ -s "$gdir/$f" ] || missing="$missing $f"
done
tap_is "$missing" "" "pipeline: its directory is complete"
tap_is "$(summary "$gdir" 's["paused_by"], s["signal"], s["errors"]')" \
	"('signal', 'SIGSEGV', [])" "pipeline: summary.json says SIGSEGV"

# --timeout: the hung program is saved where it hangs, then ended (124).
rm -rf hung
pti_run --batch --timeout=0.5 --save=hung -- "$PROGS/hang"
tap_is "$TAP_RC" 124 "--timeout: exit status 124"
hdir=$(ls -d hung/*-hang 2>/dev/null)
tap_is "$(summary "$hdir" 's["paused_by"]')" timeout \
	"--timeout: summary.json says paused by timeout"
tap_like "$(cat "$hdir/bt.txt")" "hang_inner.*" \
	"--timeout: bt.txt shows where it hangs"
if command -v gdb >/dev/null 2>&1; then
	tap_run gdb -nx -batch -ex bt "$PROGS/hang" "$hdir/core"
	tap_like "$TAP_OUT" "hang_middle" "--timeout: gdb reads the hung core"
else
	tap_skip "no gdb"
fi
cd - >/dev/null || true

pti_done
