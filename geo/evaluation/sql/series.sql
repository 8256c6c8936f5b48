-- Trends (geo/evaluation/series.py): per bucket of :step (hour, day, week; district time) from
-- :since to :until, and per key of /*by*/ (a column chosen from a fixed list, 'total' for
-- none; a case with no value under it: 'none'):
-- cases reported (created in the bucket), closed (结案 in the bucket) and overdue (their due
-- time fell in the bucket and they were not dealt with by it: still open and not parked, or
-- closed after it; a resolved case waiting for 核查 is dealt with, as its warning says), in the
-- caller's areas.

-- name: series
-- Each count reads its own cases by an index of its own, never every partition in full:
-- reported by created_at (the month partitions of the window), closed by ix_cases_closed_at,
-- overdue open ones by ix_cases_open_due, overdue closed ones by ix_cases_late_due (migration
-- 0048).
WITH b AS (
    SELECT g AS bucket
    FROM generate_series(date_trunc(:step, :since AT TIME ZONE 'Asia/Shanghai'),
                         (:until AT TIME ZONE 'Asia/Shanghai') - interval '1 microsecond',
                         CAST('1 ' || :step AS interval)) g
), e AS (
    SELECT COALESCE(/*by*/, 'none') AS key,
           date_trunc(:step, c.created_at AT TIME ZONE 'Asia/Shanghai') AS bucket,
           1 AS reported, 0 AS closed, 0 AS overdue
    FROM cases c
    WHERE c.created_at >= :since AND c.created_at < :until
      AND (in_area(c.grid_code, c.zone_code, CAST(:areas AS text[]))
           OR c.unit_code LIKE ANY (CAST(:areas AS text[])))
    UNION ALL
    SELECT COALESCE(/*by*/, 'none'), date_trunc(:step, c.closed_at AT TIME ZONE 'Asia/Shanghai'),
           0, 1, 0
    FROM cases c
    WHERE c.status = 'closed' AND c.closed_at >= :since AND c.closed_at < :until
      AND (in_area(c.grid_code, c.zone_code, CAST(:areas AS text[]))
           OR c.unit_code LIKE ANY (CAST(:areas AS text[])))
    UNION ALL  -- overdue and still open (not 挂账)
    SELECT COALESCE(/*by*/, 'none'), date_trunc(:step, c.due_at AT TIME ZONE 'Asia/Shanghai'),
           0, 0, 1
    FROM cases c
    WHERE c.status NOT IN ('resolved', 'closed', 'duplicate')
      AND c.status NOT IN ('refused', 'parked')
      AND c.due_at >= :since AND c.due_at < :until AND c.due_at < now()
      AND (in_area(c.grid_code, c.zone_code, CAST(:areas AS text[]))
           OR c.unit_code LIKE ANY (CAST(:areas AS text[])))
    UNION ALL  -- overdue and closed after it
    SELECT COALESCE(/*by*/, 'none'), date_trunc(:step, c.due_at AT TIME ZONE 'Asia/Shanghai'),
           0, 0, 1
    FROM cases c
    WHERE c.status = 'closed' AND c.closed_at > c.due_at
      AND c.due_at >= :since AND c.due_at < :until AND c.due_at < now()
      AND (in_area(c.grid_code, c.zone_code, CAST(:areas AS text[]))
           OR c.unit_code LIKE ANY (CAST(:areas AS text[])))
)
SELECT b.bucket, e.key, COALESCE(sum(e.reported), 0) AS reported,
       COALESCE(sum(e.closed), 0) AS closed, COALESCE(sum(e.overdue), 0) AS overdue
FROM b LEFT JOIN e ON e.bucket = b.bucket
GROUP BY b.bucket, e.key
ORDER BY b.bucket, key;
