-- Attach every site of cov_sources to the stored coverage graph, through temp table cov_added
-- (coverage_graph_view.sql), for the walking areas. Each site snaps to the nearest point of the
-- main network (graph_snap(), migration 0007, as coverage runs do); the stored piece it falls
-- on is cut away and replaced by parts split at the sites' road nodes (-pid), in order along
-- the road (the parts keep their road edge and fractions); the site itself (-pid - 1e9) joins
-- its road node by an edge as long as the snap distance. One statement.

-- name: attach
WITH hit AS (  -- where each site meets the network, and the stored piece there (graph_snap)
    SELECT a.pids[h.i::int] AS pid, h.frac, h.snap_m, h.length_m, h.piece, h.edge_id, h.source,
           h.target, h.f0, h.f1
    FROM (SELECT array_agg(pid) AS pids, array_agg(geom) AS geoms FROM cov_sources) a
    CROSS JOIN LATERAL graph_snap(a.geoms) h
), piece AS (
    SELECT DISTINCT ON (piece) piece, edge_id, source, target, f0, f1, length_m FROM hit
    ORDER BY piece
), stops AS (
    SELECT piece, source AS node, f0 AS frac, 0::bigint AS rn FROM piece
    UNION ALL
    SELECT piece, -pid, frac, row_number() OVER (PARTITION BY piece ORDER BY frac, pid) FROM hit
    UNION ALL
    SELECT piece, target, f1, 9223372036854775807 FROM piece
), parts AS (
    SELECT piece, node AS source, lead(node) OVER w AS target, frac AS a, lead(frac) OVER w AS b
    FROM stops WINDOW w AS (PARTITION BY piece ORDER BY rn)
)
INSERT INTO cov_added (id, source, target, cost, reverse_cost, edge_id, f0, f1, cut)
SELECT (SELECT max(id) FROM coverage_graph) + row_number() OVER (), x.*, false FROM (
    SELECT t.source, t.target, greatest(t.b - t.a, 0) * p.length_m,
           greatest(t.b - t.a, 0) * p.length_m, p.edge_id, t.a, t.b
    FROM parts t JOIN piece p ON p.piece = t.piece WHERE t.target IS NOT NULL
    UNION ALL
    SELECT -h.pid - 1000000000, -h.pid, h.snap_m, h.snap_m, NULL, NULL, NULL FROM hit h
) x
UNION ALL
SELECT p.piece, NULL, NULL, NULL, NULL, NULL, NULL, NULL, true FROM piece p
