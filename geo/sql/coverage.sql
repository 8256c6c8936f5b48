-- Walking coverage over the main road network (pgRouting). Inputs, made by geo/coverage.py:
-- temp table cov_sources(pid, ref, geom) and temp view cov_edges, the stored coverage_graph
-- (compounds joined in, coverage_graph.sql) with the sources attached (coverage_attach.sql).
-- A point's node is -pid - 1e9; compounds are coverage_targets.

-- step: per compound: network distance to the nearest source within :limit metres (one
-- pgRouting call for all sources; equicost := true would say which source is nearest in the
-- call itself, but pgRouting 3.4 returns some nodes with a longer distance than the shortest,
-- 873 m instead of 789 m on the demo), and straight-line distance: the nearest source found
-- in EPSG:4549 metres (in degrees a source 774 m away ranked below three farther ones), measured
-- geodesically. Inside its own compound a
-- resident walks the compound's paths, which the car-road network lacks: a source within the
-- target's compound is reached by the straight line. (pgRouting refuses an empty array of
-- sources: no sources, nothing reached.)
WITH dist AS MATERIALIZED (
    SELECT DISTINCT ON (node) node, from_v, agg_cost AS d
    FROM pgr_drivingDistance('SELECT id, source, target, cost, cost AS reverse_cost FROM cov_edges',
                             ARRAY(SELECT -pid - 1000000000 FROM cov_sources), :limit,
                             directed := false, equicost := false)
    WHERE EXISTS (SELECT 1 FROM cov_sources) AND node <= -1000000000
    ORDER BY node, agg_cost, from_v
), inside AS (  -- the nearest source inside each compound that holds one
    SELECT DISTINCT ON (c.code) c.code, src.ref,
           ST_Distance(src.geom::geography, ST_PointOnSurface(c.geom)::geography) AS d
    FROM cov_sources src JOIN compounds c ON ST_Covers(c.geom, src.geom)
    ORDER BY c.code, d
)
SELECT t.pid, t.ref,
       CASE WHEN i.d IS NOT NULL AND (d.d IS NULL OR i.d < d.d) THEN i.d ELSE d.d END AS network_m,
       CASE WHEN i.d IS NOT NULL AND (d.d IS NULL OR i.d < d.d) THEN i.ref ELSE s.ref END AS nearest,
       (SELECT ST_Distance(x.geom::geography, t.geom::geography) FROM cov_sources x
        ORDER BY x.m <-> ST_Transform(t.geom, 4549) LIMIT 1) AS straight_m
FROM coverage_targets t
LEFT JOIN dist d ON d.node = -t.pid - 1000000000
LEFT JOIN cov_sources s ON -s.pid - 1000000000 = d.from_v
LEFT JOIN inside i ON i.code = t.ref
