-- Walking coverage, per compound. A run's sources are the kind's facilities less :remove, plus
-- the points :refs/:xs/:ys (candidate sites); :kind NULL: the points alone.

-- step: per compound (with its community): the nearest source along the network within :limit
-- metres, with :with_refs every source within :limit (refs), and with :straight the nearest in a
-- straight line; without :straight, only the compounds some source reaches. sources: how many
-- sources the run has.
-- Network: the stored facilities' walks are read from facility_walks; the added points' are
-- worked out by the same function, coverage_walks() (migration 0007), on the stored reach. No
-- shortest-path search runs here: the one pgRouting call for all compounds ran when the graph
-- was built.
-- Straight line: the source whose Voronoi cell (in EPSG:4549 metres: in degrees a source 774 m
-- away ranked below three farther ones) holds the compound's point, measured geodesically. A
-- cell's source is the one nearest any point of the cell. (One query for every compound: a
-- nearest-neighbour search per compound cost ten times as much at scale 10.)
WITH pts AS MATERIALIZED (
    SELECT r AS ref, ST_SetSRID(ST_MakePoint(x, y), 4326) AS geom
    FROM unnest(CAST(:refs AS text[]), CAST(:xs AS float8[]), CAST(:ys AS float8[])) AS a(r, x, y)
), src AS MATERIALIZED (
    SELECT ref, geom, ST_Transform(geom, 4549) AS m FROM (
        SELECT code AS ref, geom FROM facilities
        WHERE kind = :kind AND code <> ALL(CAST(:remove AS text[]))
        UNION ALL
        SELECT ref, geom FROM pts
    ) s
), sites AS MATERIALIZED (
    SELECT ST_Collect(m) AS g FROM src WHERE CAST(:straight AS boolean)
), cells AS MATERIALIZED (  -- each source's Voronoi cell in EPSG:4549, and the source
    SELECT d.geom AS cell, ST_Transform(ST_ClosestPoint(s.g, ST_PointOnSurface(d.geom)), 4326) AS site
    FROM sites s
    CROSS JOIN LATERAL (SELECT ST_VoronoiPolygons(s.g, 0, ST_Expand(s.g, 200000)) AS v) x
    CROSS JOIN LATERAL ST_Dump(CASE WHEN ST_IsEmpty(x.v) THEN ST_Expand(s.g, 200000) ELSE x.v END) d
    WHERE s.g IS NOT NULL
), net AS (
    SELECT pid, ref, d FROM facility_walks
    WHERE kind = :kind AND d <= :limit AND ref <> ALL(CAST(:remove AS text[]))
    UNION ALL
    SELECT w.pid, w.ref, w.d
    FROM (SELECT array_agg(ref) AS refs, array_agg(geom) AS geoms FROM pts) p
    CROSS JOIN LATERAL coverage_walks(p.refs, p.geoms, :limit) w
    WHERE p.refs IS NOT NULL
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
