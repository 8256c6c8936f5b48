-- 综合评价 (geo/evaluation/evaluation.py): one row per entity of a level (/*entity*/, a column
-- of cases chosen from a fixed list, never from the request) with the counts its indicators
-- are made of (geo/evaluation/words.py says each in Chinese). The cases counted: reported in
-- the period (:start ≤ created_at < :end, so only the period's month partitions are read),
-- inside the caller's areas. 立案: not 不予立案, not a duplicate, not still waiting for 立案;
-- a case dispatched at intake was registered by it. 挂账 cases stay registered but leave the
-- 结案率's denominator. A resolution's time is its first 办结 on the trail (a batch-imported
-- case has no trail: its closing time).

-- name: counts
WITH c AS (  -- the columns counted, not the case's whole row (its text and shape)
    SELECT /*entity*/ AS entity, c.id, c.source, c.status, c.dispatched_at, c.dispatch_due_at,
           c.due_at, c.closed_at, c.rework_count, c.supervision_level,
           c.status NOT IN ('reported', 'refused', 'duplicate') AS registered
    FROM cases c
    WHERE c.created_at >= :start AND c.created_at < :end
      AND (in_area(c.grid_code, c.zone_code, CAST(:areas AS text[]))
           OR c.unit_code LIKE ANY (CAST(:areas AS text[])))
), t AS (
    -- each case's first 办结 and whether an extension was granted, from the trail of the
    -- period's cases (the event partitions of the period's months, read once)
    SELECT x.case_id,
           min(x.at) FILTER (WHERE x.kind = 'transition' AND x.to_status = 'resolved')
               AS resolved_at,
           bool_or(x.kind = 'extension_decision' AND (x.data ->> 'approved')::boolean)
               AS extended
    FROM case_events x
    WHERE x.case_created_at >= :start AND x.case_created_at < :end
      AND x.kind IN ('transition', 'extension_decision')
    GROUP BY x.case_id
), r AS (
    SELECT c.*, COALESCE(t.resolved_at, c.closed_at) AS resolved_at,
           COALESCE(t.extended, false) AS extended,
           c.dispatched_at AT TIME ZONE 'Asia/Shanghai' AS la
    FROM c LEFT JOIN t ON t.case_id = c.id
    WHERE c.entity IS NOT NULL
), clock AS MATERIALIZED (
    -- the district's working seconds of a day (work_clock_seconds) as two arrays, second g at
    -- g + 1: read once, then indexed per case (a join per case on 86,400 rows cost a third of
    -- the query at 10⁷ cases)
    SELECT array_agg(s.before_s ORDER BY s.second) AS before_s,
           array_agg(s.working ORDER BY s.second) AS working
    FROM work_clock_seconds s WHERE /*hours*/
), w AS (
    -- working hours from dispatch to resolution on the district's clock (work_clock_days and
    -- work_clock_seconds: geo/cases/sql/definitions/68_working_hours.sql says how); with
    -- /*hours*/ false (a period read for its score alone) the clock is not read: hours NULL
    SELECT r.*,
           CASE WHEN r.resolved_at > r.dispatched_at THEN
               ((db.before_s + CASE WHEN db.working THEN k.before_s[r.sb] + CASE WHEN k.working[r.sb]
                     THEN r.fb ELSE 0 END
                 ELSE 0 END)
              - (da.before_s + CASE WHEN da.working THEN k.before_s[r.sa] + CASE WHEN k.working[r.sa]
                     THEN r.fa ELSE 0 END
                 ELSE 0 END)) / 3600
           ELSE 0 END AS hours
    FROM (
        SELECT r.*, floor(extract(epoch FROM r.la::time))::int + 1 AS sa,
               extract(epoch FROM r.la) - floor(extract(epoch FROM r.la)) AS fa,
               floor(extract(epoch FROM r.lb::time))::int + 1 AS sb,
               extract(epoch FROM r.lb) - floor(extract(epoch FROM r.lb)) AS fb
        FROM (SELECT r.*, r.resolved_at AT TIME ZONE 'Asia/Shanghai' AS lb FROM r) r
    ) r
    CROSS JOIN clock k
    LEFT JOIN work_clock_days da ON /*hours*/ AND da.day = r.la::date
    LEFT JOIN work_clock_days db ON /*hours*/ AND db.day = r.lb::date
)
SELECT entity,
       count(*) AS reported,
       count(*) FILTER (WHERE source = :found_source) AS found,
       count(*) FILTER (WHERE registered) AS registered,
       count(*) FILTER (WHERE registered AND dispatched_at IS NOT NULL) AS dispatched,
       count(*) FILTER (WHERE registered AND dispatched_at <= dispatch_due_at)
           AS dispatched_on_time,
       count(*) FILTER (WHERE registered AND status IN ('resolved', 'closed')) AS handled,
       count(*) FILTER (WHERE registered AND status IN ('resolved', 'closed')
                          AND resolved_at <= due_at) AS handled_on_time,
       count(*) FILTER (WHERE registered AND status = 'closed') AS closed,
       count(*) FILTER (WHERE registered AND status = 'closed' AND closed_at <= due_at)
           AS closed_on_time,
       count(*) FILTER (WHERE registered AND status = 'closed' AND rework_count > 0) AS reworked,
       count(*) FILTER (WHERE registered AND supervision_level IS NOT NULL) AS supervised,
       count(*) FILTER (WHERE registered AND extended) AS extended,
       count(*) FILTER (WHERE registered AND status = 'parked') AS parked,
       avg(hours) FILTER (WHERE registered AND status IN ('resolved', 'closed')
                            AND dispatched_at IS NOT NULL) AS mean_hours
FROM w
GROUP BY entity;

-- name: patrols
-- each worker's patrols started in the period: their length, and the share of the worker's
-- grid's road length within :reach metres of any of them, in EPSG:4549 (points fixed within
-- :accuracy metres, as geo/patrols/ draws a track)
WITH t AS (
    SELECT p.account_id, p.grid_code,
           ST_MakeLine(pp.geom ORDER BY pp.seq) FILTER (WHERE pp.accuracy_m IS NULL
                                                     OR pp.accuracy_m <= :accuracy) AS line
    FROM patrols p JOIN patrol_points pp ON pp.patrol_id = p.id
    WHERE p.started_at >= :start AND p.started_at < :end
      AND in_area(p.grid_code, NULL, CAST(:areas AS text[]))
    GROUP BY p.id
), w AS (
    SELECT a.worker_id, sum(ST_Length(ST_Transform(t.line, 4549))) AS metres,
           ST_Union(ST_Buffer(ST_Transform(t.line, 4549), :reach)) AS reach
    FROM t JOIN accounts a ON a.id = t.account_id
    WHERE a.worker_id IS NOT NULL AND ST_NPoints(t.line) >= 2
    GROUP BY a.worker_id
)
SELECT w.worker_id AS entity, w.metres / 1000.0 AS km,
       r.covered / NULLIF(r.road, 0) AS coverage
FROM w
JOIN workers k ON k.id = w.worker_id
JOIN grids g ON g.code = k.grid_code
CROSS JOIN LATERAL (
    SELECT sum(ST_Length(s.seg)) AS road, sum(ST_Length(ST_Intersection(s.seg, w.reach))) AS covered
    FROM (SELECT ST_Intersection(ST_Transform(e.geom, 4549), ST_Transform(g.geom, 4549)) AS seg
          FROM road_edges e WHERE e.geom && g.geom AND ST_Intersects(e.geom, g.geom)) s
) r;
