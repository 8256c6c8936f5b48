-- The stored coverage graph (geo/derived.py): the main road network split where each compound
-- joins it, so a coverage run only has to attach its facilities (coverage_attach.sql).
-- Each compound's point (coverage_targets, on its surface) snaps to the nearest point of the
-- main network; the edge there is split at a virtual node (-pid) and the point itself is a node
-- (-pid - 1e9) joined to it by an edge as long as the snap distance, so the walk to and from
-- the road is counted. Pieces keep their road edge and the fractions f0..f1 they span.

-- step: one point per compound
DELETE FROM coverage_targets;
-- step:
INSERT INTO coverage_targets (pid, ref, geom)
SELECT row_number() OVER (ORDER BY code), code, ST_PointOnSurface(geom) FROM compounds;

-- step: snapped points (network_snap(), migration 0007)
DROP TABLE IF EXISTS cov_snap;
-- step:
CREATE TEMP TABLE cov_snap AS
SELECT a.pids[s.i::int] AS pid, s.edge_id, s.frac, s.snap_m
FROM (SELECT array_agg(pid) AS pids, array_agg(geom) AS geoms FROM coverage_targets) a
CROSS JOIN LATERAL network_snap(a.geoms) s;

-- step: the graph: unsplit edges, pieces of split edges, and one snap edge per point
DELETE FROM coverage_graph;
-- step:
INSERT INTO coverage_graph (id, source, target, cost, edge_id, f0, f1)
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

-- step: statistics
ANALYZE coverage_graph;

-- step: every compound's walking distance to each node within :reach_m metres (one pgRouting
-- call for all compounds; their own points, -pid - 1e9, are leaves a walk never passes through,
-- so they are left out). In node order: a lookup reads few pages.
DELETE FROM coverage_reach;
-- step:
INSERT INTO coverage_reach (node, pid, cost)
SELECT node, -from_v - 1000000000, agg_cost
FROM pgr_drivingDistance('SELECT id, source, target, cost, cost AS reverse_cost FROM coverage_graph',
                         ARRAY(SELECT -pid - 1000000000 FROM coverage_targets), :reach_m,
                         directed := false, equicost := false)
WHERE node > -1000000000 AND EXISTS (SELECT 1 FROM coverage_targets)
ORDER BY node, from_v;

-- step: statistics
ANALYZE coverage_reach;

-- step: the facilities' walks were measured on the graph this replaced
UPDATE derived_tables SET stale = true WHERE name = 'facility_walks'
