-- Attach sites (temp table cov_new(pid, ref, geom), pids unused in cov_edges) to the graph in
-- temp table cov_edges (a copy of coverage_graph, or one already holding other sites). Each
-- site snaps to the nearest point of the main network; the piece it falls on is split there at
-- the site's road node (-pid), and the site (-pid - 1e9) joins that node by an edge as long as
-- the snap distance.

-- step: snap the sites to the main network
DROP TABLE IF EXISTS cov_new_snap;
-- step:
CREATE TEMP TABLE cov_new_snap AS
SELECT n.pid, e.id AS edge_id, ST_LineLocatePoint(e.geom, n.geom) AS frac,
       ST_Distance(n.geom::geography, ST_ClosestPoint(e.geom, n.geom)::geography) AS snap_m
FROM cov_new n
CROSS JOIN LATERAL (SELECT id, geom FROM road_edges WHERE main ORDER BY geom <-> n.geom LIMIT 1) e;

-- step: the pieces the sites fall on
DROP TABLE IF EXISTS cov_hit;
-- step:
CREATE TEMP TABLE cov_hit AS
SELECT DISTINCT ON (s.pid) s.pid, s.frac, s.snap_m, c.id AS piece, c.edge_id, c.source, c.target,
       c.f0, c.f1, r.length_m
FROM cov_new_snap s
JOIN cov_edges c ON c.edge_id = s.edge_id AND s.frac BETWEEN c.f0 AND c.f1
JOIN road_edges r ON r.id = s.edge_id
ORDER BY s.pid, c.f0;

-- step: split each hit piece between the sites on it, in order along the road (the parts keep
-- their road edge, for the walking areas), and join each site to its road node
INSERT INTO cov_edges (id, source, target, cost, edge_id, f0, f1)
WITH piece AS (
    SELECT DISTINCT ON (piece) piece, edge_id, source, target, f0, f1, length_m FROM cov_hit
    ORDER BY piece
), stops AS (
    SELECT piece, source AS node, f0 AS frac, 0::bigint AS rn FROM piece
    UNION ALL
    SELECT piece, -pid, frac, row_number() OVER (PARTITION BY piece ORDER BY frac, pid) FROM cov_hit
    UNION ALL
    SELECT piece, target, f1, 9223372036854775807 FROM piece
), parts AS (
    SELECT piece, node AS source, lead(node) OVER w AS target, frac AS a, lead(frac) OVER w AS b
    FROM stops WINDOW w AS (PARTITION BY piece ORDER BY rn)
)
SELECT (SELECT max(id) FROM cov_edges) + row_number() OVER (), x.* FROM (
    SELECT t.source, t.target, greatest(t.b - t.a, 0) * p.length_m, p.edge_id, t.a, t.b
    FROM parts t JOIN piece p ON p.piece = t.piece WHERE t.target IS NOT NULL
    UNION ALL
    SELECT -h.pid - 1000000000, -h.pid, h.snap_m, NULL, NULL, NULL FROM cov_hit h
) x;

-- step: the pieces just split are gone
DELETE FROM cov_edges WHERE id IN (SELECT piece FROM cov_hit);

-- step: targets the new sites reach within :threshold metres
SELECT t.ref, min(d.agg_cost) AS d
FROM pgr_drivingDistance('SELECT id, source, target, cost, cost AS reverse_cost FROM cov_edges',
                         ARRAY(SELECT -pid - 1000000000 FROM cov_hit), :threshold,
                         directed := false, equicost := false) d
JOIN cov_targets t ON -t.pid - 1000000000 = d.node
GROUP BY t.ref
