-- Walking coverage over the main road network (pgRouting). Input temp tables, made by
-- geo/coverage.py: cov_sources(pid, ref, geom) and cov_targets(pid, ref, geom), WGS84 points,
-- pids unique across both. Each point snaps to the nearest point of the main network; the edge
-- there is split at a virtual node (-pid) and the point itself is a node (-pid - 1e9) joined to
-- it by an edge as long as the snap distance, so the walk to and from the road is counted.

-- step: snapped points
DROP TABLE IF EXISTS cov_snap;
-- step:
CREATE TEMP TABLE cov_snap AS
SELECT p.pid, e.id AS edge_id, ST_LineLocatePoint(e.geom, p.geom) AS frac,
       ST_Distance(p.geom::geography, ST_ClosestPoint(e.geom, p.geom)::geography) AS snap_m
FROM (SELECT pid, geom FROM cov_sources UNION ALL SELECT pid, geom FROM cov_targets) p
CROSS JOIN LATERAL (
    SELECT id, geom FROM road_edges WHERE main ORDER BY geom <-> p.geom LIMIT 1
) e;

-- step: the graph: unsplit edges, pieces of split edges, and one snap edge per point
DROP TABLE IF EXISTS cov_edges;
-- step:
CREATE TEMP TABLE cov_edges AS
WITH split AS (SELECT DISTINCT edge_id FROM cov_snap),
stops AS (
    SELECT e.id AS edge_id, e.source AS node, 0.0::float8 AS frac, 0::bigint AS rn, e.length_m
    FROM road_edges e JOIN split s ON s.edge_id = e.id
    UNION ALL
    SELECT c.edge_id, -c.pid, c.frac, row_number() OVER (PARTITION BY c.edge_id ORDER BY c.frac, c.pid),
           e.length_m
    FROM cov_snap c JOIN road_edges e ON e.id = c.edge_id
    UNION ALL
    SELECT e.id, e.target, 1.0, 9223372036854775807, e.length_m
    FROM road_edges e JOIN split s ON s.edge_id = e.id
),
pieces AS (
    SELECT edge_id, node AS source, lead(node) OVER w AS target, frac AS f0, lead(frac) OVER w AS f1,
           length_m
    FROM stops WINDOW w AS (PARTITION BY edge_id ORDER BY rn)
)
SELECT row_number() OVER () AS id, source, target, cost, edge_id, f0, f1 FROM (
    SELECT e.source, e.target, e.length_m AS cost, e.id AS edge_id, 0.0::float8 AS f0, 1.0::float8 AS f1
    FROM road_edges e WHERE e.main AND e.id NOT IN (SELECT edge_id FROM split)
    UNION ALL
    SELECT source, target, greatest(f1 - f0, 0) * length_m, edge_id, f0, f1 FROM pieces
    WHERE target IS NOT NULL
    UNION ALL
    SELECT -pid - 1000000000, -pid, snap_m, NULL, NULL, NULL FROM cov_snap
) g;

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
