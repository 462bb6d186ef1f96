-- bench/sqlite-work.sql: the sqlite3 workload of bench/run (in memory) and
-- of tests/real/sqlite.t (in a file): 100,000 rows inserted with a
-- recursive CTE, indexed, aggregated, joined, updated, deleted, vacuumed
-- and checked.
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
