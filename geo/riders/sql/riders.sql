-- Riders (geo/riders/riders.py). Bound parameters only.

-- name: ledger
-- each rider (one, or every one registered at :post): their reports, the accepted ones (立案:
-- past 待立案, not 不予立案 nor a duplicate), the points those earn (:per each) and what they
-- redeemed. The riders' reports are counted in one pass over the rider cases, by the account
-- that reported each (its 'created' event), not once per rider.
WITH k AS (
    SELECT e.actor, count(*) AS reports,
           count(*) FILTER (WHERE c.status NOT IN ('reported', 'refused', 'duplicate'))
               AS accepted
    FROM cases c
    JOIN case_events e ON e.case_id = c.id AND e.case_created_at = c.created_at
                      AND e.kind = 'created'
    WHERE c.source = :source
      AND (CAST(:username AS text) IS NULL OR e.actor = CAST(:username AS text))
    GROUP BY e.actor
)
SELECT a.id, a.username, a.display_name, r.post_code, f.name AS post_name, r.phone,
       COALESCE(k.reports, 0) AS reports, COALESCE(k.accepted, 0) AS accepted,
       COALESCE(k.accepted, 0) * :per AS earned,
       COALESCE((SELECT sum(x.points) FROM rider_redemptions x WHERE x.account_id = a.id), 0)
           AS redeemed
FROM riders r
JOIN accounts a ON a.id = r.account_id
JOIN facilities f ON f.code = r.post_code
LEFT JOIN k ON k.actor = a.username
WHERE (CAST(:username AS text) IS NULL OR a.username = CAST(:username AS text))
  AND (CAST(:post AS text) IS NULL OR r.post_code = CAST(:post AS text))
ORDER BY r.post_code, a.username;

-- name: redeem
INSERT INTO rider_redemptions (account_id, post_code, points, item, by)
VALUES (:account, :post, :points, :item, :by)
RETURNING id, at;

-- name: compare
-- where riders reported against where grid workers patrolled, the last :days days, by street:
-- rider reports, those within :near metres of a patrol's track of the same days, grid workers'
-- own finds (主动发现) and their patrols' kilometres
WITH rc AS (
    SELECT c.street_code, c.geom FROM cases c
    WHERE c.source = :source AND c.created_at > now() - make_interval(days => :days)
      AND in_area(c.grid_code, c.zone_code, CAST(:areas AS text[]))
), tracks AS (
    SELECT ST_MakeLine(pp.geom ORDER BY pp.seq) AS line, p.grid_code
    FROM patrols p JOIN patrol_points pp ON pp.patrol_id = p.id
    WHERE p.started_at > now() - make_interval(days => :days)
      AND in_area(p.grid_code, NULL, CAST(:areas AS text[]))
    GROUP BY p.id
), found AS (
    SELECT c.street_code, count(*) AS n FROM cases c
    WHERE c.source = :found AND c.created_at > now() - make_interval(days => :days)
      AND in_area(c.grid_code, c.zone_code, CAST(:areas AS text[]))
    GROUP BY c.street_code
), km AS (
    SELECT substr(t.grid_code, 1, 9) AS street_code,
           sum(ST_Length(t.line::geography)) / 1000.0 AS km
    FROM tracks t WHERE ST_NPoints(t.line) >= 2 GROUP BY 1
), r AS (
    SELECT rc.street_code, count(*) AS reports,
           count(*) FILTER (WHERE EXISTS (
               SELECT 1 FROM tracks t
               WHERE ST_DWithin(rc.geom::geography, t.line::geography, :near))) AS near_patrols
    FROM rc GROUP BY rc.street_code
)
SELECT s.code, s.name, COALESCE(r.reports, 0) AS rider_reports,
       COALESCE(r.near_patrols, 0) AS near_patrols, COALESCE(found.n, 0) AS worker_found,
       COALESCE(km.km, 0) AS patrol_km
FROM streets s
LEFT JOIN r ON r.street_code = s.code
LEFT JOIN found ON found.street_code = s.code
LEFT JOIN km ON km.street_code = s.code
WHERE COALESCE(r.reports, 0) + COALESCE(found.n, 0) + COALESCE(km.km, 0) > 0
ORDER BY s.code;
