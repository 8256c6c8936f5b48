-- Walking on the stored coverage graph (docs/architecture.md, "Walking coverage"): where points
-- meet the network, and walks from points to compounds. The derived tables (facility_walks.sql)
-- and a coverage run's changed sources both call these, so the two always agree.
-- Repeatable definitions: `gridmap migrate` re-applies this file whenever its text changes
-- (geo/definitions.py), so changing the algorithm is an edit here, not a migration.

-- network_snap(), graph_snap(): where points meet the main network, one place for the three
-- that need it (the stored graph's compounds, a coverage run's sites, the walking areas'
-- facilities): each point snaps to the nearest point of the nearest main edge; i is its
-- position in geoms.
CREATE OR REPLACE FUNCTION network_snap(geoms geometry[])
RETURNS TABLE (i bigint, edge_id bigint, length_m float8, frac float8, snap_m float8)
LANGUAGE sql STABLE AS $$
SELECT a.i, e.id, e.length_m, ST_LineLocatePoint(e.geom, a.g),
       ST_Distance(a.g::geography, ST_ClosestPoint(e.geom, a.g)::geography)
FROM unnest(geoms) WITH ORDINALITY AS a(g, i)
CROSS JOIN LATERAL (
    SELECT id, geom, length_m FROM road_edges WHERE main ORDER BY geom <-> a.g LIMIT 1
) e
$$;
CREATE OR REPLACE FUNCTION graph_snap(geoms geometry[])
RETURNS TABLE (i bigint, edge_id bigint, length_m float8, frac float8, snap_m float8,
               piece bigint, source bigint, target bigint, f0 float8, f1 float8)
LANGUAGE sql STABLE AS $$
SELECT s.i, s.edge_id, s.length_m, s.frac, s.snap_m, c.id, c.source, c.target, c.f0, c.f1
FROM network_snap(geoms) s
CROSS JOIN LATERAL (  -- the first stored piece holding the snap point (by the edge_id index)
    SELECT id, source, target, f0, f1 FROM coverage_graph
    WHERE edge_id = s.edge_id AND s.frac BETWEEN f0 AND f1
    ORDER BY f0 LIMIT 1
) c
$$;

-- Walking distance from each point (refs[i] at geoms[i], EPSG:4326) to each compound within lim
-- metres, over the stored coverage graph and reach (coverage_graph.sql):
-- - along the network: the point snaps onto a stored piece (graph_snap) whose two ends each
--   compound's reach holds; the walk is the snap leg, along the piece to an end, then the reach
--   (the compound's own snap leg included). Exact: a point is a leaf of the graph, so it
--   shortens no other walk.
-- - inside its own compound a resident walks the compound's paths, which the car-road network
--   lacks: a point within a compound reaches that compound by the straight line.
-- One row per (ref, compound), the shorter of the two.
CREATE OR REPLACE FUNCTION coverage_walks(refs text[], geoms geometry[], lim float8)
RETURNS TABLE (ref text, pid bigint, d float8)
LANGUAGE sql STABLE AS $$
WITH ends AS MATERIALIZED (
    SELECT refs[p.i::int] AS ref, x.node, p.snap_m + x.along AS d0
    FROM graph_snap(geoms) p
    CROSS JOIN LATERAL (VALUES (p.source, (p.frac - p.f0) * p.length_m),
                               (p.target, (p.f1 - p.frac) * p.length_m)) AS x(node, along)
)
SELECT ref, pid, min(d) FROM (
    SELECT e.ref, r.pid::bigint AS pid, r.cost + e.d0 AS d
    FROM ends e JOIN coverage_reach r ON r.node = e.node
    WHERE r.cost + e.d0 <= lim
    UNION ALL
    SELECT s.ref, t.pid, i.d
    FROM unnest(refs, geoms) AS s(ref, geom)
    JOIN compounds c ON ST_Covers(c.geom, s.geom)
    JOIN coverage_targets t ON t.ref = c.code
    CROSS JOIN LATERAL (SELECT ST_Distance(s.geom::geography, t.geom::geography) AS d) i
    WHERE i.d <= lim
) w
GROUP BY ref, pid
$$;

-- straight_nearest(): per compound, the straight-line (geodesic) distance to the nearest of the
-- points: the one whose Voronoi cell (in EPSG:4549 metres: in degrees a point 774 m away ranked
-- below three farther ones) holds the compound's point; a cell's point is the one nearest any
-- point of the cell. One query for every compound: a nearest-neighbour search per compound cost
-- ten times as much at scale 10.
CREATE OR REPLACE FUNCTION straight_nearest(geoms geometry[])
RETURNS TABLE (pid bigint, d float8)
LANGUAGE sql STABLE AS $$
WITH sites AS MATERIALIZED (
    SELECT ST_Collect(ST_Transform(g, 4549)) AS g FROM unnest(geoms) AS a(g)
), cells AS MATERIALIZED (  -- each point's Voronoi cell in EPSG:4549, and the point
    SELECT d.geom AS cell, ST_Transform(ST_ClosestPoint(s.g, ST_PointOnSurface(d.geom)), 4326) AS site
    FROM sites s
    CROSS JOIN LATERAL (SELECT ST_VoronoiPolygons(s.g, 0, ST_Expand(s.g, 200000)) AS v) x
    CROSS JOIN LATERAL ST_Dump(CASE WHEN ST_IsEmpty(x.v) THEN ST_Expand(s.g, 200000) ELSE x.v END) d
    WHERE s.g IS NOT NULL
)
SELECT t.pid, min(ST_Distance(c.site::geography, t.geom::geography))
FROM cells c JOIN coverage_targets t ON ST_Intersects(c.cell, ST_Transform(t.geom, 4549))
GROUP BY t.pid
$$;
