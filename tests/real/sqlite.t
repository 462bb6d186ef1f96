#!/bin/sh
# sqlite.t: sqlite3 inserting 100,000 rows with a recursive CTE into a file
# database, indexing and aggregating them, natively and under ptinspect.
. "$TOP_SRCDIR/tests/tap.sh"
. "$TOP_SRCDIR/tests/real/real.sh"

real_require sqlite3

real_setup()
{
	cat >work.sql <<'EOS'
CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER, v TEXT, f REAL);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000)
INSERT INTO t SELECT x, x % 97, printf('%08x', (x * 2654435761) % 4294967296),
	x / 7.0 FROM c;
CREATE INDEX t_k ON t(k, v);
SELECT count(*), sum(id), sum(length(v)), round(total(f), 3) FROM t;
SELECT k, count(*), min(v), max(v), sum(id) FROM t GROUP BY k ORDER BY k LIMIT 5;
SELECT substr(v, 1, 2) AS p, count(*) AS n FROM t GROUP BY p
	ORDER BY n DESC, p LIMIT 5;
SELECT count(*) FROM t a JOIN t b ON a.k = b.k AND b.id = a.id + 97
	WHERE a.id <= 50000;
UPDATE t SET v = upper(v) WHERE k = 3;
DELETE FROM t WHERE id % 10 = 0;
VACUUM;
PRAGMA integrity_check;
SELECT count(*), group_concat(v, '') IS NOT NULL FROM t WHERE v GLOB '*A*';
EOS
}

TAP_TIMEOUT=300
real_compare "sqlite3 100k rows" -- sqlite3 -bail test.db ".read work.sql"
real_check_stats "sqlite3 100k rows" sqlite3 -bail test.db ".read work.sql"
tap_done
