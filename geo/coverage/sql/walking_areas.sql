-- Walking areas (geo/coverage/walking_areas.py): for each facility of cov_sources, the part of the network
-- within each of :thresholds metres, partial edges included, buffered by :buffer_m metres.
-- One search from all sources to the largest threshold; each smaller one reads the same tree.

-- step: the run's facilities, anew
DROP TABLE IF EXISTS cov_sources;
-- step:
CREATE TEMP TABLE cov_sources (pid bigint, ref text, geom geometry(Point, 4326));
-- step:
DROP TABLE IF EXISTS cov_areas;
-- step:
CREATE TEMP TABLE cov_areas (ref text, threshold_m float8, geom geometry(MultiPolygon, 4326),
                             reached_m float8);
-- name: facilities
-- the facilities of :kind (all of them when it is NULL), numbered from :first (below are the
-- compounds of coverage_targets)
INSERT INTO cov_sources (pid, ref, geom)
SELECT :first - 1 + row_number() OVER (ORDER BY code), code, geom
FROM facilities WHERE kind = :kind OR CAST(:kind AS text) IS NULL;

-- name: areas
-- the areas into cov_areas, on temp view cov_edges (coverage_graph_view.sql,
-- coverage_attach.sql)
INSERT INTO cov_areas (ref, threshold_m, geom, reached_m)
WITH th AS (
    SELECT DISTINCT t FROM unnest(CAST(:thresholds AS float8[])) AS t
), dd AS (
    SELECT from_v, node, agg_cost AS d
    FROM pgr_drivingDistance('SELECT id, source, target, cost, reverse_cost FROM cov_edges',
                             ARRAY(SELECT -pid - 1000000000 FROM cov_sources),
                             (SELECT max(t) FROM th), directed := true, equicost := false)
    WHERE EXISTS (SELECT 1 FROM cov_sources)  -- pgRouting refuses an empty array of sources
), ends AS (  -- every piece with the distance of each end from this source (NULL: not reached)
    SELECT d.from_v, e.edge_id, e.f0, e.f1, e.cost, d.d AS du, d2.d AS dv
    FROM dd d JOIN cov_edges e ON e.source = d.node
    LEFT JOIN dd d2 ON d2.from_v = d.from_v AND d2.node = e.target
    WHERE e.edge_id IS NOT NULL
    UNION ALL
    SELECT d.from_v, e.edge_id, e.f0, e.f1, e.cost, NULL, d.d
    FROM dd d JOIN cov_edges e ON e.target = d.node
    WHERE e.edge_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM dd d2 WHERE d2.from_v = d.from_v AND d2.node = e.source)
), spans AS (  -- reached fractions of each piece from either end, per threshold
    SELECT from_v, th.t, edge_id, f0, f1,
           CASE WHEN du IS NULL OR du > th.t THEN 0
                ELSE least(1, (th.t - du) / greatest(cost, 0.01)) END AS a,
           CASE WHEN dv IS NULL OR dv > th.t THEN 0
                ELSE least(1, (th.t - dv) / greatest(cost, 0.01)) END AS b
    FROM ends CROSS JOIN th
), lines AS (
    SELECT s.from_v, s.t, ST_LineSubstring(r.geom, s.f0, s.f1) AS geom
    FROM spans s JOIN road_edges r ON r.id = s.edge_id WHERE s.a + s.b >= 1 AND s.f1 > s.f0
    UNION ALL
    SELECT s.from_v, s.t, ST_LineSubstring(r.geom, s.f0, s.f0 + (s.f1 - s.f0) * s.a)
    FROM spans s JOIN road_edges r ON r.id = s.edge_id WHERE s.a + s.b < 1 AND s.a > 0
    UNION ALL
    SELECT s.from_v, s.t, ST_LineSubstring(r.geom, s.f1 - (s.f1 - s.f0) * s.b, s.f1)
    FROM spans s JOIN road_edges r ON r.id = s.edge_id WHERE s.a + s.b < 1 AND s.b > 0
)
-- buffered piece by piece in EPSG:4549 and unioned: GEOS's cascaded union is several times
-- faster than buffering the collection (or its geography) at once
SELECT src.ref, l.t AS threshold_m,
       ST_Multi(ST_Transform(ST_Union(ST_Buffer(ST_Transform(l.geom, 4549), :buffer_m,
                                                'quad_segs=4')), 4326)) AS geom,
       sum(ST_Length(l.geom::geography)) AS reached_m
FROM lines l JOIN cov_sources src ON -src.pid - 1000000000 = l.from_v
GROUP BY src.ref, l.t

-- name: searched
-- the areas searched, as GeoJSON
SELECT a.ref, a.threshold_m, a.reached_m, ST_AsGeoJSON(a.geom, 6) AS geojson, f.name
FROM cov_areas a JOIN facilities f ON f.code = a.ref ORDER BY a.ref;

-- name: stored
-- the stored areas of a kind at an offered distance, as GeoJSON
SELECT w.code AS ref, w.threshold_m, w.reached_m, ST_AsGeoJSON(w.geom, 6) AS geojson, f.name
FROM walking_areas w JOIN facilities f ON f.code = w.code
WHERE w.kind = :kind AND w.threshold_m = :threshold ORDER BY w.code;

-- name: store
-- the derived table from the areas searched
INSERT INTO walking_areas (kind, code, threshold_m, geom, reached_m)
SELECT f.kind, a.ref, a.threshold_m, a.geom, a.reached_m
FROM cov_areas a JOIN facilities f ON f.code = a.ref
