-- Walking coverage over the main road network (pgRouting). Input temp tables, made by
-- geo/coverage.py: cov_sources(pid, ref, geom) and cov_targets(pid, ref, geom), WGS84 points,
-- and cov_edges: the stored coverage_graph (compounds joined in, coverage_graph.sql) with the
-- sources attached (coverage_attach.sql). A point's node is -pid - 1e9.

-- step: nearest source for every node within :limit metres: one call for all sources
DROP TABLE IF EXISTS cov_dist;
-- step:
CREATE TEMP TABLE cov_dist (node bigint, from_v bigint, d float8);
-- step: (pgRouting refuses an empty array of sources: no sources, nothing reached)
INSERT INTO cov_dist
SELECT node, from_v, agg_cost
FROM pgr_drivingDistance('SELECT id, source, target, cost, cost AS reverse_cost FROM cov_edges',
                         ARRAY(SELECT -pid - 1000000000 FROM cov_sources), :limit,
                         directed := false, equicost := true)
WHERE EXISTS (SELECT 1 FROM cov_sources);

-- step: index the distances for the lookup below
CREATE INDEX ON cov_dist (node);

-- step: per target: network distance to the nearest source, and straight-line distance. Inside
-- its own compound a resident walks the compound's paths, which the car-road network lacks: a
-- source within the target's compound is reached by the straight line.
SELECT t.pid, t.ref,
       CASE WHEN i.d IS NOT NULL AND (d.d IS NULL OR i.d < d.d) THEN i.d ELSE d.d END AS network_m,
       CASE WHEN i.d IS NOT NULL AND (d.d IS NULL OR i.d < d.d) THEN i.ref ELSE s.ref END AS nearest,
       (SELECT min(ST_Distance(x.geom::geography, t.geom::geography)) FROM (
            SELECT geom FROM cov_sources ORDER BY geom <-> t.geom LIMIT 3) x) AS straight_m
FROM cov_targets t
LEFT JOIN cov_dist d ON d.node = -t.pid - 1000000000
LEFT JOIN cov_sources s ON -s.pid - 1000000000 = d.from_v
LEFT JOIN LATERAL (
    SELECT src.ref, ST_Distance(src.geom::geography, t.geom::geography) AS d
    FROM cov_sources src JOIN compounds c ON c.code = t.ref AND ST_Covers(c.geom, src.geom)
    ORDER BY d LIMIT 1
) i ON true
