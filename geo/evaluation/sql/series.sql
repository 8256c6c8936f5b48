-- Trends (geo/evaluation/series.py): per bucket of :step (hour, day, week; district time) from
-- :since to :until, and per key of /*by*/ (a column chosen from a fixed list, 'total' for
-- none; a case with no value under it: 'none'):
-- cases reported (created in the bucket), closed (结案 in the bucket) and overdue (their due
-- time fell in the bucket and they were not dealt with by it: still open and not parked, or
-- closed after it; a resolved case waiting for 核查 is dealt with, as its warning says), in the
-- caller's areas.

-- name: series
WITH b AS (
    SELECT g AS bucket
    FROM generate_series(date_trunc(:step, :since AT TIME ZONE 'Asia/Shanghai'),
                         (:until AT TIME ZONE 'Asia/Shanghai') - interval '1 microsecond',
                         CAST('1 ' || :step AS interval)) g
), c AS (
    SELECT COALESCE(/*by*/, 'none') AS key, c.created_at, c.closed_at, c.due_at, c.status
    FROM cases c
    WHERE (in_area(c.grid_code, c.zone_code, CAST(:areas AS text[]))
           OR c.unit_code LIKE ANY (CAST(:areas AS text[])))
      AND (c.created_at >= :since AND c.created_at < :until
           OR c.closed_at >= :since AND c.closed_at < :until
           OR c.due_at >= :since AND c.due_at < :until)
), e AS (
    SELECT key, date_trunc(:step, created_at AT TIME ZONE 'Asia/Shanghai') AS bucket,
           1 AS reported, 0 AS closed, 0 AS overdue
    FROM c WHERE created_at >= :since AND created_at < :until
    UNION ALL
    SELECT key, date_trunc(:step, closed_at AT TIME ZONE 'Asia/Shanghai'), 0, 1, 0
    FROM c WHERE status = 'closed' AND closed_at >= :since AND closed_at < :until
    UNION ALL
    SELECT key, date_trunc(:step, due_at AT TIME ZONE 'Asia/Shanghai'), 0, 0, 1
    FROM c
    WHERE due_at >= :since AND due_at < :until AND due_at < now()
      AND (case_is_open(status) AND status <> 'parked' OR status = 'closed' AND closed_at > due_at)
)
SELECT b.bucket, e.key, COALESCE(sum(e.reported), 0) AS reported,
       COALESCE(sum(e.closed), 0) AS closed, COALESCE(sum(e.overdue), 0) AS overdue
FROM b LEFT JOIN e ON e.bucket = b.bucket
GROUP BY b.bucket, e.key
ORDER BY b.bucket, key;
