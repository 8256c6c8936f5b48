-- The stored coverage graph (geo/coverage/derived.py): the main road network split where each compound
-- joins it, so a coverage run only has to attach its facilities (coverage_attach.sql).
-- Each compound's point (coverage_targets, on its surface) is a node (-pid - 1e9). It reaches
-- the road through its access points: its gates (compound_entrances) where it has any, else the
-- point itself. Each access point (aid) snaps to the nearest point of the main network, where
-- the edge is split at a virtual node (-aid), joined to the compound's node by an edge as long
-- as the walk from the point to the gate (straight, along the compound's own paths) and on to
-- the road. That edge leads into the compound only (reverse_cost -1): a walk from a facility
-- ends in a compound and never crosses one from gate to gate; searches from the compounds run
-- on the reversed graph. Roads are walked both ways (reverse_cost = cost). Pieces keep their
-- road edge and the fractions f0..f1 they span.

-- step: one point per compound
DELETE FROM coverage_targets;
-- step:
INSERT INTO coverage_targets (pid, ref, geom)
SELECT row_number() OVER (ORDER BY code), code, ST_PointOnSurface(geom) FROM compounds;

-- step: access points: a compound's gates, else its point; inner_m from the point to the gate
DROP TABLE IF EXISTS cov_access;
-- step:
CREATE TEMP TABLE cov_access AS
SELECT row_number() OVER (ORDER BY pid, ref) AS aid, pid, geom, inner_m FROM (
    SELECT t.pid, e.code AS ref, e.geom, ST_Distance(t.geom::geography, e.geom::geography) AS inner_m
    FROM coverage_targets t JOIN compound_entrances e ON e.compound_code = t.ref
    UNION ALL
    SELECT t.pid, '', t.geom, 0.0 FROM coverage_targets t
    WHERE NOT EXISTS (SELECT 1 FROM compound_entrances e WHERE e.compound_code = t.ref)
) a;

-- step: snapped access points (network_snap(), migration 0007)
DROP TABLE IF EXISTS cov_snap;
-- step:
CREATE TEMP TABLE cov_snap AS  -- aid numbers the access points from 1, as s.i does
SELECT a.aid, a.pid, a.inner_m, s.edge_id, s.frac, s.snap_m
FROM network_snap(ARRAY(SELECT geom FROM cov_access ORDER BY aid)) s
JOIN cov_access a ON a.aid = s.i;

-- step: the graph: unsplit edges, pieces of split edges, and an access edge per access point
DELETE FROM coverage_graph;
-- step:
INSERT INTO coverage_graph (id, source, target, cost, reverse_cost, edge_id, f0, f1)
WITH split AS (SELECT DISTINCT edge_id FROM cov_snap),
stops AS (
    SELECT e.id AS edge_id, e.source AS node, 0.0::float8 AS frac, 0::bigint AS rn, e.length_m
    FROM road_edges e JOIN split s ON s.edge_id = e.id
    UNION ALL
    SELECT c.edge_id, -c.aid, c.frac, row_number() OVER (PARTITION BY c.edge_id ORDER BY c.frac, c.aid),
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
SELECT row_number() OVER () AS id, source, target, cost, reverse_cost, edge_id, f0, f1 FROM (
    SELECT e.source, e.target, e.length_m AS cost, e.length_m AS reverse_cost, e.id AS edge_id,
           0.0::float8 AS f0, 1.0::float8 AS f1
    FROM road_edges e WHERE e.main AND e.id NOT IN (SELECT edge_id FROM split)
    UNION ALL
    SELECT source, target, greatest(f1 - f0, 0) * length_m, greatest(f1 - f0, 0) * length_m,
           edge_id, f0, f1
    FROM pieces WHERE target IS NOT NULL
    UNION ALL
    SELECT -aid, -pid - 1000000000, inner_m + snap_m, -1, NULL, NULL, NULL FROM cov_snap
) g;

-- step: statistics
ANALYZE coverage_graph;

-- step: every compound's walking distance to each node within :reach_m metres (one pgRouting
-- call for all compounds, on the reversed graph: out of each compound, into none; the
-- compounds' own nodes, -pid - 1e9, are left out). In node order: a lookup reads few pages.
DELETE FROM coverage_reach;
-- step:
INSERT INTO coverage_reach (node, pid, cost)
SELECT node, -from_v - 1000000000, agg_cost
FROM pgr_drivingDistance('SELECT id, source, target, reverse_cost AS cost, cost AS reverse_cost '
                         'FROM coverage_graph',
                         ARRAY(SELECT -pid - 1000000000 FROM coverage_targets), :reach_m,
                         directed := true, equicost := false)
WHERE node > -1000000000 AND EXISTS (SELECT 1 FROM coverage_targets)
ORDER BY node, from_v;

-- step: statistics
ANALYZE coverage_reach;

-- step: the facilities' walks and areas were measured on the graph this replaced
UPDATE derived_tables SET stale = true WHERE name IN ('facility_walks', 'walking_areas')
