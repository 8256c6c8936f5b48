-- Walking coverage from the stored reach of every compound (coverage_reach, built with the
-- coverage_graph by coverage_graph.sql). A run's sources are the kind's facilities less
-- :remove, plus the points :refs/:xs/:ys (candidate sites); :kind NULL: the points alone.

-- step: per compound (with its community): the nearest source along the network within :limit
-- metres, with :with_refs every source within :limit (refs), and with :straight the nearest in a
-- straight line; without :straight, only the compounds some source reaches. sources: how many
-- sources the run has.
-- Network: a source snaps to the nearest point of the main network, on a stored piece whose two
-- ends each compound's reach holds: the walk is the snap leg, along the piece to an end, then
-- the reach (the compound's own snap leg included). No shortest-path search runs here: the one
-- pgRouting call for all compounds ran when the graph was built.
-- Inside its own compound a resident walks the compound's paths, which the car-road network
-- lacks: a source within the compound is reached by the straight line.
-- Straight line: the source whose Voronoi cell (in EPSG:4549 metres: in degrees a source 774 m
-- away ranked below three farther ones) holds the compound's point, measured geodesically. A
-- cell's source is the one nearest any point of the cell. (One query for every compound: a
-- nearest-neighbour search per compound cost ten times as much at scale 10.)
WITH src AS MATERIALIZED (
    SELECT ref, geom, ST_Transform(geom, 4549) AS m FROM (
        SELECT code AS ref, geom FROM facilities
        WHERE kind = :kind AND code <> ALL(CAST(:remove AS text[]))
        UNION ALL
        SELECT r, ST_SetSRID(ST_MakePoint(x, y), 4326)
        FROM unnest(CAST(:refs AS text[]), CAST(:xs AS float8[]), CAST(:ys AS float8[])) AS a(r, x, y)
    ) s
), snap AS MATERIALIZED (
    SELECT s.ref, e.id AS edge_id, e.length_m, ST_LineLocatePoint(e.geom, s.geom) AS frac,
           ST_Distance(s.geom::geography, ST_ClosestPoint(e.geom, s.geom)::geography) AS snap_m
    FROM src s
    CROSS JOIN LATERAL (
        SELECT id, geom, length_m FROM road_edges WHERE main ORDER BY geom <-> s.geom LIMIT 1
    ) e
), ends AS MATERIALIZED (  -- the piece's two ends, and the walk from the source to each
    SELECT sn.ref, x.node, sn.snap_m + x.along AS d0
    FROM snap sn
    CROSS JOIN LATERAL (
        SELECT source, target, f0, f1 FROM coverage_graph
        WHERE edge_id = sn.edge_id AND sn.frac BETWEEN f0 AND f1
        ORDER BY f0 LIMIT 1
    ) p
    CROSS JOIN LATERAL (VALUES (p.source, (sn.frac - p.f0) * sn.length_m),
                               (p.target, (p.f1 - sn.frac) * sn.length_m)) AS x(node, along)
), sites AS MATERIALIZED (
    SELECT ST_Collect(m) AS g FROM src WHERE CAST(:straight AS boolean)
), cells AS MATERIALIZED (  -- each source's Voronoi cell in EPSG:4549, and the source
    SELECT d.geom AS cell, ST_Transform(ST_ClosestPoint(s.g, ST_PointOnSurface(d.geom)), 4326) AS site
    FROM sites s
    CROSS JOIN LATERAL (SELECT ST_VoronoiPolygons(s.g, 0, ST_Expand(s.g, 200000)) AS v) x
    CROSS JOIN LATERAL ST_Dump(CASE WHEN ST_IsEmpty(x.v) THEN ST_Expand(s.g, 200000) ELSE x.v END) d
    WHERE s.g IS NOT NULL
), net AS (
    SELECT r.pid, e.ref, min(r.cost + e.d0) AS d
    FROM ends e JOIN coverage_reach r ON r.node = e.node
    WHERE r.cost + e.d0 <= :limit
    GROUP BY r.pid, e.ref
    UNION ALL
    SELECT t.pid, s.ref, i.d
    FROM src s
    JOIN compounds c ON ST_Covers(c.geom, s.geom)
    JOIN coverage_targets t ON t.ref = c.code
    CROSS JOIN LATERAL (SELECT ST_Distance(s.geom::geography, t.geom::geography) AS d) i
    WHERE i.d <= :limit
), best AS (  -- per compound: the nearest source, and every source within :limit
    SELECT pid, min(d) AS d, (array_agg(ref ORDER BY d, ref))[1] AS nearest,
           array_agg(DISTINCT ref) FILTER (WHERE CAST(:with_refs AS boolean)) AS refs
    FROM net GROUP BY pid
), line AS (
    SELECT t.pid, min(ST_Distance(c.site::geography, t.geom::geography)) AS d
    FROM cells c JOIN coverage_targets t ON ST_Intersects(c.cell, ST_Transform(t.geom, 4549))
    GROUP BY t.pid
)
SELECT c.code, c.name, c.households, c.community_code, m.name AS community_name, m.street_code,
       b.d AS network_m, b.nearest, b.refs, l.d AS straight_m, k.n AS sources
FROM (SELECT count(*) AS n FROM src) k  -- one row even without compounds: code NULL
LEFT JOIN (compounds c JOIN communities m ON m.code = c.community_code) ON true
LEFT JOIN coverage_targets t ON t.ref = c.code
LEFT JOIN best b ON b.pid = t.pid
LEFT JOIN line l ON l.pid = t.pid
WHERE CAST(:straight AS boolean) OR b.pid IS NOT NULL
ORDER BY c.code
