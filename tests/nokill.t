#!/bin/bash
# nokill.t: ptinspect never kills a program's process to save itself.
# Forked children that cannot get their own memfd keep private memory instead of being
# SIGKILLed: hundreds of live processes, a fork after setuid or chroot (as
# root), after PR_SET_DUMPABLE 0 or a lowered hard RLIMIT_NOFILE (as a
# non-root user with soft < hard RLIMIT_NOFILE, the case CI sets up); the
# reserved descriptor is unreachable; under `ulimit -v` any warning comes
# once. With no memfd for a child (forced through the test-only
# PTI_TEST_FORK_FAIL, src/redirect-fork.c) it gets private memory, made
# in place where RLIMIT_AS leaves no room for a copy aside, holding what
# it wrote while it borrowed its parent's memory where it did; with no
# private memory either it runs on, said once. Each program checks itself natively
# and under ptinspect.

n=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; }
skip() { n=$((n + 1)); echo "ok $n - $2 # SKIP $1"; }
diag() { cut -c 1-200 "$1" | sed -n '1,30s/^/#   /p'; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nokill.XXXXXX") || exit 1
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT
progs="sem-fork-many sem-fork-setuid sem-fork-nodump sem-fork-nofile
	sem-fork-nofds sem-fork-degrade sem-reserved-fd"

# check NAME LOG RC NATIVE_RC: a run passes with status 0 and no kill.
check() {
	local name=$1 log=$2 rc=$3 nrc=$4
	if [ "$rc" -eq 77 ] && [ "$nrc" -eq 77 ]; then
		skip "$(sed -n 's/^SKIP: //p' "$log" | head -1)" "$name"
	elif [ "$rc" -eq 0 ] && ! grep -q "killing it" "$log"; then
		ok "$name"
	else
		not_ok "$name: exit status $rc"
		diag "$log"
	fi
}

# as WHO CMD...: runs CMD as root or as a non-root user whose soft
# RLIMIT_NOFILE (1024) is below its hard one (4096).
as() {
	local who=$1
	shift
	if [ "$who" = root ]; then
		timeout -k 10 300 "$@"
	else
		timeout -k 10 300 setpriv --reuid=65534 --regid=65534 \
		    --clear-groups -- sh -c 'ulimit -Sn 1024 && ulimit -Hn 4096 &&
		    exec "$@"' sh "$@"
	fi
}

users=root
if [ "$(id -u)" -ne 0 ]; then
	users=self
elif command -v setpriv >/dev/null &&
    setpriv --reuid=65534 --regid=65534 --clear-groups -- \
    test -x "$PTINSPECT" 2>/dev/null; then
	users="root nobody"
else
	echo "# cannot run as uid 65534 (setpriv, or the build not readable)"
fi

for who in $users; do
	for p in $progs; do
		as "$who" "$PROGS/$p" >"$tmp/native" 2>&1 </dev/null
		nrc=$?
		as "$who" "$PTINSPECT" --batch -ex status -- "$PROGS/$p" \
		    >"$tmp/log" 2>&1 </dev/null
		check "$p as $who" "$tmp/log" $? $nrc
	done
	# Children that cannot have a memfd of their own (forced: see
	# sem-fork-degrade.c): private memory, built aside or in place; and
	# where not even that can be had, they run on sharing, said once.
	PTI_TEST_FORK_FAIL=own as "$who" "$PTINSPECT" --batch -ex status -- \
	    "$PROGS/sem-fork-degrade" >"$tmp/log" 2>&1 </dev/null
	rc=$?
	[ "$(grep -c 'memory stays private' "$tmp/log")" -eq 1 ] || rc=1
	check "sem-fork-degrade, no memfd for the children, as $who" \
	    "$tmp/log" $rc 0
	# The same where the children borrowed their parent's memory first
	# and wrote some of it: the private memory holds their writes.
	PTI_TEST_FORK_FAIL=own,borrow as "$who" "$PTINSPECT" --batch \
	    -ex status -- "$PROGS/sem-fork-degrade" >"$tmp/log" 2>&1 </dev/null
	rc=$?
	[ "$(grep -c 'memory stays private' "$tmp/log")" -eq 1 ] || rc=1
	check "sem-fork-degrade, borrowed, then no memfd, as $who" \
	    "$tmp/log" $rc 0
	PTI_TEST_FORK_FAIL=own,private as "$who" "$PTINSPECT" --batch \
	    -ex status -- "$PROGS/sem-fork-degrade" survive >"$tmp/log" 2>&1 \
	    </dev/null
	rc=$?
	[ "$(grep -c 'runs on, sharing' "$tmp/log")" -eq 1 ] || rc=1
	check "sem-fork-degrade, no private memory either, as $who" \
	    "$tmp/log" $rc 0
	# Hundreds of live processes, none killed (xargs waits for all).
	seq 300 | as "$who" "$PTINSPECT" --batch -ex status -- \
	    xargs -P 300 -n 1 sh -c 'sleep 1' >"$tmp/log" 2>&1
	check "300 live processes as $who" "$tmp/log" $? 0
	# bash lowering its hard limit, then running a child.
	as "$who" "$PTINSPECT" --batch -ex status -- \
	    bash -c 'ulimit -n 256; /bin/echo child-ran' >"$tmp/log" 2>&1
	rc=$?
	grep -q '^child-ran' "$tmp/log" || rc=1
	check "ulimit -n 256 then a child as $who" "$tmp/log" $rc 0
done

if [ "$users" = "root nobody" ]; then
	# The issue's reproduction: a fork after dropping to another user.
	"$PTINSPECT" --batch -ex status -- python3 -c '
import os, sys
os.setgid(65534); os.setuid(65534)
b = bytearray(b"p" * 1000000)
pid = os.fork()
if pid == 0:
    b[:] = b"c" * 1000000
    os._exit(3)
_, st = os.waitpid(pid, 0)
sys.exit(0 if st == 768 and b[0] == ord("p") else 1)' >"$tmp/log" 2>&1
	check "python setuid then fork: status 768" "$tmp/log" $? 0
fi

# Under `ulimit -v`, warnings about memory staying private come once.
# (An AddressSanitizer build of ptinspect cannot start under it: its
# shadow memory alone is terabytes of address space.)
if ldd "$PTINSPECT" 2>/dev/null | grep -q libasan; then
	skip "ptinspect is built with AddressSanitizer" "ulimit -v"
else
	(ulimit -v 4000000 && "$PTINSPECT" --batch -ex status -- sh -c \
	    '/bin/true; /bin/true; /bin/echo x | /bin/cat; /bin/true; /bin/true') \
	    >"$tmp/log" 2>&1
	rc=$?
	w=$(grep -c "memory stays private" "$tmp/log")
	if [ "$rc" -eq 0 ] && [ "$w" -le 1 ]; then
		ok "ulimit -v: exit 0, $w warning(s)"
	else
		not_ok "ulimit -v: exit status $rc, $w warnings"
		diag "$tmp/log"
	fi
fi
echo "1..$n"
