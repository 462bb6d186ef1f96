#!/bin/sh
# sqlite.t: sqlite3 inserting 100,000 rows with a recursive CTE into a file
# database, indexing and aggregating them, natively and under ptinspect.
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/real/real.sh"

real_require sqlite3

real_setup()
{
	cp "$TOP_SRCDIR/bench/sqlite-work.sql" work.sql
}

TAP_TIMEOUT=300
real_compare "sqlite3 100k rows" -- sqlite3 -bail test.db ".read work.sql"
real_check_stats "sqlite3 100k rows" sqlite3 -bail test.db ".read work.sql"
tap_done
