-- Patrols (geo/patrols/patrols.py). Bound parameters only.

-- name: purge
-- patrols older than the setting, with their points
DELETE FROM patrols WHERE started_at < now() - make_interval(days => :days);

-- name: start
-- the worker's grid (its first grid area) is what the patrol is measured against
INSERT INTO patrols (account_id, username, grid_code, idempotency_key, started_at)
SELECT a.id, a.username,
       (SELECT min(code) FROM account_areas WHERE account_id = a.id AND kind = 'grid'),
       :key, COALESCE(CAST(:at AS timestamptz), now())
FROM accounts a WHERE a.id = :account
ON CONFLICT (account_id, idempotency_key) DO NOTHING
RETURNING id;

-- name: by_key
SELECT id FROM patrols WHERE account_id = :account AND idempotency_key = :key;

-- name: owner
SELECT account_id, grid_code, ended_at FROM patrols WHERE id = :id;

-- name: add_points
-- a point sent again (the same number) is kept once
INSERT INTO patrol_points (patrol_id, seq, at, geom, accuracy_m)
SELECT :id, p.seq, p.at, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326), p.accuracy
FROM jsonb_to_recordset(CAST(:points AS jsonb))
     AS p(seq integer, at timestamptz, lon double precision, lat double precision,
          accuracy double precision)
ON CONFLICT (patrol_id, seq) DO NOTHING;

-- name: end
UPDATE patrols SET ended_at = COALESCE(ended_at, CAST(:at AS timestamptz), now()) WHERE id = :id;

-- name: list
-- a day's patrols (district time) of the workers in scope, each with its track (the points
-- fixed within :accuracy metres, in order; none under two points), its last position, its
-- length and the share of its grid's roads within :reach metres of the track, both measured
-- in EPSG:4549
WITH p AS (
    SELECT t.id, t.username, t.grid_code, t.started_at, t.ended_at,
           ST_MakeLine(pp.geom ORDER BY pp.seq) FILTER (WHERE pp.accuracy_m IS NULL
                                                     OR pp.accuracy_m <= :accuracy) AS line,
           (array_agg(pp.geom ORDER BY pp.seq DESC))[1] AS last_geom,
           count(pp.seq) AS points, max(pp.at) AS last_at
    FROM patrols t LEFT JOIN patrol_points pp ON pp.patrol_id = t.id
    WHERE (t.started_at AT TIME ZONE 'Asia/Shanghai')::date = :day
      AND (CAST(:worker AS text) IS NULL OR t.username = CAST(:worker AS text))
      AND (CAST(:account AS integer) IS NULL OR t.account_id = CAST(:account AS integer))
      AND (CAST(:scope AS text[]) IS NULL OR t.grid_code LIKE ANY (CAST(:scope AS text[])))
    GROUP BY t.id
), q AS (
    SELECT p.*, CASE WHEN ST_NPoints(p.line) >= 2 THEN ST_Transform(p.line, 4549) END AS track_m
    FROM p
)
SELECT q.id, q.username, q.grid_code, g.name AS grid_name, q.started_at, q.ended_at,
       q.points, q.last_at,
       CASE WHEN q.track_m IS NOT NULL THEN ST_AsGeoJSON(q.line, 6) END AS track_json,
       ST_AsGeoJSON(q.last_geom, 6) AS last_json,
       COALESCE(ST_Length(q.track_m), 0) AS length_m,
       r.road_m, r.covered_m
FROM q
LEFT JOIN grids g ON g.code = q.grid_code
LEFT JOIN LATERAL (SELECT ST_Buffer(q.track_m, :reach) AS reach) b ON true
LEFT JOIN LATERAL (
    SELECT COALESCE(sum(ST_Length(s.seg)), 0) AS road_m,
           COALESCE(sum(ST_Length(ST_Intersection(s.seg, b.reach))), 0) AS covered_m
    FROM (SELECT ST_Intersection(ST_Transform(e.geom, 4549), ST_Transform(g.geom, 4549)) AS seg
          FROM road_edges e WHERE e.geom && g.geom AND ST_Intersects(e.geom, g.geom)) s
) r ON g.code IS NOT NULL
ORDER BY q.started_at, q.id;
