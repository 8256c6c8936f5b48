-- Walking areas (geo/walking_areas.py): for each facility of a kind, the part of the network
-- within :threshold metres, partial edges included, buffered by :buffer_m metres.

-- step: the run's facilities, anew
DROP TABLE IF EXISTS cov_sources;
-- step:
CREATE TEMP TABLE cov_sources (pid bigint, ref text, geom geometry(Point, 4326));
-- name: facilities
-- the kind's facilities, numbered from :first (below are the compounds of coverage_targets)
INSERT INTO cov_sources (pid, ref, geom)
SELECT :first - 1 + row_number() OVER (ORDER BY code), code, geom
FROM facilities WHERE kind = :kind;

-- name: areas
-- areas, on temp view cov_edges (coverage_graph_view.sql, coverage_attach.sql)
WITH dd AS (
    SELECT from_v, node, agg_cost AS d
    FROM pgr_drivingDistance('SELECT id, source, target, cost, reverse_cost FROM cov_edges',
                             ARRAY(SELECT -pid - 1000000000 FROM cov_sources), :threshold,
                             directed := true, equicost := false)
    WHERE EXISTS (SELECT 1 FROM cov_sources)  -- pgRouting refuses an empty array of sources
), ends AS (  -- every piece with the distance of each end from this source (NULL: not reached)
    SELECT d.from_v, e.edge_id, e.f0, e.f1, e.cost, d.d AS du,
           (SELECT d2.d FROM dd d2 WHERE d2.from_v = d.from_v AND d2.node = e.target) AS dv
    FROM dd d JOIN cov_edges e ON e.source = d.node WHERE e.edge_id IS NOT NULL
    UNION ALL
    SELECT d.from_v, e.edge_id, e.f0, e.f1, e.cost, NULL, d.d
    FROM dd d JOIN cov_edges e ON e.target = d.node
    WHERE e.edge_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM dd d2 WHERE d2.from_v = d.from_v AND d2.node = e.source)
), spans AS (  -- reached fractions of each piece, from either end
    SELECT from_v, edge_id, f0, f1,
           CASE WHEN du IS NULL THEN 0 ELSE least(1, (:threshold - du) / greatest(cost, 0.01)) END AS a,
           CASE WHEN dv IS NULL THEN 0 ELSE least(1, (:threshold - dv) / greatest(cost, 0.01)) END AS b
    FROM ends
), lines AS (
    SELECT s.from_v, ST_LineSubstring(r.geom, s.f0, s.f1) AS geom
    FROM spans s JOIN road_edges r ON r.id = s.edge_id WHERE s.a + s.b >= 1 AND s.f1 > s.f0
    UNION ALL
    SELECT s.from_v, ST_LineSubstring(r.geom, s.f0, s.f0 + (s.f1 - s.f0) * s.a)
    FROM spans s JOIN road_edges r ON r.id = s.edge_id WHERE s.a + s.b < 1 AND s.a > 0
    UNION ALL
    SELECT s.from_v, ST_LineSubstring(r.geom, s.f1 - (s.f1 - s.f0) * s.b, s.f1)
    FROM spans s JOIN road_edges r ON r.id = s.edge_id WHERE s.a + s.b < 1 AND s.b > 0
)
SELECT src.ref, ST_AsGeoJSON(ST_Buffer(ST_Collect(l.geom)::geography, :buffer_m)::geometry, 6) AS geojson,
       sum(ST_Length(l.geom::geography)) AS reached_m
FROM lines l JOIN cov_sources src ON -src.pid - 1000000000 = l.from_v
GROUP BY src.ref
