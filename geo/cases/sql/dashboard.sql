-- Cockpit numbers. "Today" is the calendar day in Asia/Shanghai. Only the cases inside
-- :areas (LIKE patterns, NULL: all; geo/access.py) count.

-- name: figures
-- all, open, done and done in time from the running tallies (66_case_tallies.sql); today's
-- from this month's cases, the overdue from the open cases' index (ix_cases_open_due)
SELECT
    (SELECT count(*) FROM cases c
     WHERE created_at >= date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai')
                         AT TIME ZONE 'Asia/Shanghai'
       AND in_area(c.grid_code, c.zone_code, CAST(:areas AS text[]))) AS today,
    COALESCE(sum(t.open), 0)::bigint AS open,
    (SELECT count(*) FROM cases c
     WHERE case_is_open(status) AND now() > due_at
       AND in_area(c.grid_code, c.zone_code, CAST(:areas AS text[]))) AS overdue,
    COALESCE(sum(t.done), 0)::bigint AS done,
    COALESCE(sum(t.done_in_time), 0)::bigint AS done_in_time,
    COALESCE(sum(t.total), 0)::bigint AS total
FROM case_tallies t WHERE in_area(t.grid_code, t.zone_code, CAST(:areas AS text[]));

-- name: by_street
SELECT s.code, s.name, COALESCE(t.open, 0)::bigint AS open,
       COALESCE(r.n, 0)::bigint AS last_24h, COALESCE(o.n, 0)::bigint AS overdue
FROM streets s
LEFT JOIN (SELECT street_code, sum(open) AS open FROM case_tallies
           WHERE in_area(grid_code, zone_code, CAST(:areas AS text[]))
           GROUP BY street_code) t ON t.street_code = s.code
LEFT JOIN (SELECT street_code, count(*) AS n FROM cases c
           WHERE created_at > now() - interval '24 hours'
             AND in_area(c.grid_code, c.zone_code, CAST(:areas AS text[]))
           GROUP BY street_code) r ON r.street_code = s.code
LEFT JOIN (SELECT street_code, count(*) AS n FROM cases c
           WHERE case_is_open(status) AND now() > due_at
             AND in_area(c.grid_code, c.zone_code, CAST(:areas AS text[]))
           GROUP BY street_code) o ON o.street_code = s.code
ORDER BY open DESC, s.code;

-- name: by_category
SELECT k.code, k.name, COALESCE(t.open, 0)::bigint AS open, COALESCE(r.n, 0)::bigint AS last_24h
FROM categories k
LEFT JOIN (SELECT category_code, sum(open) AS open FROM case_tallies
           WHERE in_area(grid_code, zone_code, CAST(:areas AS text[]))
           GROUP BY category_code) t ON t.category_code = k.code
LEFT JOIN (SELECT category_code, count(*) AS n FROM cases c
           WHERE created_at > now() - interval '24 hours'
             AND in_area(c.grid_code, c.zone_code, CAST(:areas AS text[]))
           GROUP BY category_code) r ON r.category_code = k.code
ORDER BY open DESC, k.code;

-- name: hotspots
-- grids and zones whose last 24 h are well above their usual day (the 30 days
-- before), at least :min_count cases and :ratio times the daily mean plus one
WITH recent AS (
    SELECT 'grid' AS kind, grid_code AS code, count(*) AS n FROM cases c
    WHERE created_at > now() - interval '24 hours' AND grid_code IS NOT NULL AND in_area(c.grid_code, c.zone_code, CAST(:areas AS text[]))
    GROUP BY grid_code
    UNION ALL
    SELECT zone_kind, zone_code, count(*) FROM cases c
    WHERE created_at > now() - interval '24 hours' AND zone_code IS NOT NULL AND in_area(c.grid_code, c.zone_code, CAST(:areas AS text[]))
    GROUP BY zone_kind, zone_code
), usual AS (
    SELECT 'grid' AS kind, grid_code AS code, count(*) / 30.0 AS per_day FROM cases
    WHERE created_at BETWEEN now() - interval '31 days' AND now() - interval '24 hours'
    GROUP BY grid_code
    UNION ALL
    SELECT zone_kind, zone_code, count(*) / 30.0 FROM cases
    WHERE created_at BETWEEN now() - interval '31 days' AND now() - interval '24 hours'
      AND zone_code IS NOT NULL GROUP BY zone_kind, zone_code
), named AS (
    SELECT 'grid' AS kind, code, name FROM grids
    UNION ALL SELECT 'compound', code, name FROM compounds
    UNION ALL SELECT 'business_community', code, name FROM business_communities
    UNION ALL SELECT 'building', code, name FROM buildings
    UNION ALL SELECT 'open_block', code, name FROM open_blocks
)
SELECT r.kind, r.code, n.name, r.n AS last_24h, round(COALESCE(u.per_day, 0)::numeric, 2)::float8 AS per_day
FROM recent r
LEFT JOIN usual u ON u.kind = r.kind AND u.code = r.code
LEFT JOIN named n ON n.kind = r.kind AND n.code = r.code
WHERE r.n >= :min_count AND r.n >= :ratio * (COALESCE(u.per_day, 0) + 1)
ORDER BY r.n / (COALESCE(u.per_day, 0) + 1) DESC, r.code
LIMIT 12
