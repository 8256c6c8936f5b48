-- Walking coverage, per compound. A run's sources are the kind's facilities less :remove, plus
-- the points :refs/:xs/:ys (candidate sites); :kind NULL: the points alone.

-- name: table
-- per compound (with its community): the nearest source along the network within :limit
-- metres, with :with_refs every source within :limit (refs), and with :straight the nearest in a
-- straight line; without :straight, only the compounds some source reaches. sources: how many
-- sources the run has.
-- Network: the stored facilities' walks are read from facility_walks; the added points' are
-- worked out by the same function, coverage_walks() (migration 0007), on the stored reach. No
-- shortest-path search runs here: the one pgRouting call for all compounds ran when the graph
-- was built.
-- Straight line: straight_nearest() (migration 0007); the stored facilities' is read from
-- facility_nearest when the run neither adds nor removes sources.
WITH pts AS MATERIALIZED (
    SELECT r AS ref, ST_SetSRID(ST_MakePoint(x, y), 4326) AS geom
    FROM unnest(CAST(:refs AS text[]), CAST(:xs AS float8[]), CAST(:ys AS float8[])) AS a(r, x, y)
), src AS MATERIALIZED (
    SELECT code AS ref, geom FROM facilities
    WHERE kind = :kind AND code <> ALL(CAST(:remove AS text[]))
    UNION ALL
    SELECT ref, geom FROM pts
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
), changed AS (
    SELECT cardinality(CAST(:remove AS text[])) > 0 OR EXISTS (SELECT 1 FROM pts) AS yes
), line AS (
    SELECT n.pid, n.d FROM facility_nearest n
    WHERE n.kind = :kind AND CAST(:straight AS boolean) AND NOT (SELECT yes FROM changed)
    UNION ALL
    SELECT n.pid, n.d FROM (SELECT array_agg(geom) AS geoms FROM src) s
    CROSS JOIN LATERAL straight_nearest(s.geoms) n
    WHERE CAST(:straight AS boolean) AND (SELECT yes FROM changed)
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
