#!/bin/sh
# git.t: git init, add, commit, log and diff in a temporary directory, with
# fixed identities and dates so the hashes are reproducible, natively and
# under ptinspect (root process only, then every process with -f).
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/real/real.sh"

real_require git

# Nothing from the machine's or the user's configuration.
HOME=$REAL_TMP
GIT_CONFIG_NOSYSTEM=1
GIT_CONFIG_GLOBAL=/dev/null
GIT_AUTHOR_NAME='Real Test'
GIT_AUTHOR_EMAIL=real@example.invalid
GIT_AUTHOR_DATE='2026-01-02T03:04:05+0000'
GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME
GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL
GIT_COMMITTER_DATE=$GIT_AUTHOR_DATE
export HOME GIT_CONFIG_NOSYSTEM GIT_CONFIG_GLOBAL GIT_AUTHOR_NAME \
	GIT_AUTHOR_EMAIL GIT_AUTHOR_DATE GIT_COMMITTER_NAME \
	GIT_COMMITTER_EMAIL GIT_COMMITTER_DATE
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE

real_setup()
{
	mkdir -p src doc
	seq 1 5000 >src/numbers.txt
	printf 'int main(void) { return 0; }\n' >src/main.c
	printf '# readme\n\nline\n' >doc/README.md
}

script='
git init -q -b main .
git add .
git commit -q -m "first commit"
sed -i "s/^4999$/changed/" src/numbers.txt
echo more >>doc/README.md
git rm -q src/main.c
git commit -q -a -m "second commit"
git log --format="%H %an <%ae> %ad %s" --date=iso-strict
git log --stat --format=%s -1
git diff --stat HEAD~1 HEAD
git rev-parse HEAD^{tree}
git ls-files -s
git fsck --no-progress --strict && echo fsck ok
'
TAP_TIMEOUT=300
REAL_MIN_PAUSES=10	# sh and a dozen git processes
real_compare "git init/add/commit" -- sh -ec "$script"
real_compare "git init/add/commit (-f)" -f -- sh -ec "$script"
tap_done
