#!/bin/sh
# setid.t: a set-user-ID program that ptinspect traces without privilege
# runs with the user's own IDs (ptrace and no_new_privs suppress the
# change), so ptinspect says so, once per run; as root (CAP_SYS_PTRACE)
# the program gets its privileges and nothing is said. Needs root (to
# become nobody with setpriv) and a set-user-ID program (/bin/mount).

. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/pti.sh"

setuid_prog=
for p in /bin/mount /usr/bin/mount /usr/bin/passwd /usr/bin/su; do
	if [ -u "$p" ]; then
		setuid_prog=$p
		break
	fi
done
nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
if [ "$(id -u)" -ne 0 ]; then
	tap_skip_all "not root: cannot become another user"
elif ! command -v setpriv >/dev/null 2>&1; then
	tap_skip_all "no setpriv"
elif [ -z "$setuid_prog" ]; then
	tap_skip_all "no set-user-ID program found"
elif ! $nobody test -x "$PTINSPECT"; then
	tap_skip_all "nobody cannot run $PTINSPECT"
fi

tap_run $nobody env PTI_TEST_TAG="$pti_tag" "$PTINSPECT" --batch -f -- \
	sh -c "$setuid_prog --version >/dev/null; $setuid_prog --version"
pti_collect_leftovers "as nobody: $setuid_prog --version twice"
tap_is "$TAP_RC" 0 "as nobody: the program's own status"
tap_like "$TAP_ERR" "^ptinspect: ${setuid_prog##*/} is set-user-ID: under ptrace it runs with your privileges" \
	"as nobody: ptinspect says the program runs unprivileged"
tap_is "$(printf '%s\n' "$TAP_ERR" | grep -c 'set-user-ID')" 1 \
	"as nobody: said once for two runs of it"

pti_run --batch -- "$setuid_prog" --version
tap_is "$TAP_RC" 0 "as root: the program's own status"
tap_unlike "$TAP_ERR" 'set-user-ID' "as root: nothing said"

pti_done
