-- Incremental scenario: new sites (temp table cov_new(pid, ref, geom), pids above every pid in
-- use) added to the graph coverage.sql built, then reached from the new sites only.

-- step: snap the new sites to the main network
DROP TABLE IF EXISTS cov_new_snap;
-- step:
CREATE TEMP TABLE cov_new_snap AS
SELECT n.pid, e.id AS edge_id, ST_LineLocatePoint(e.geom, n.geom) AS frac,
       ST_Distance(n.geom::geography, ST_ClosestPoint(e.geom, n.geom)::geography) AS snap_m
FROM cov_new n
CROSS JOIN LATERAL (SELECT id, geom FROM road_edges WHERE main ORDER BY geom <-> n.geom LIMIT 1) e;

-- step: the pieces the new sites fall on
DROP TABLE IF EXISTS cov_hit;
-- step:
CREATE TEMP TABLE cov_hit AS
SELECT DISTINCT ON (s.pid) s.pid, s.frac, s.snap_m, c.id AS piece, c.source, c.target, c.f0, c.f1,
       r.length_m
FROM cov_new_snap s
JOIN cov_edges c ON c.edge_id = s.edge_id AND s.frac BETWEEN c.f0 AND c.f1
JOIN road_edges r ON r.id = s.edge_id
ORDER BY s.pid, c.f0;

-- step: split them (one new site per piece; more on one piece share its first split)
INSERT INTO cov_edges (id, source, target, cost, edge_id, f0, f1)
SELECT (SELECT max(id) FROM cov_edges) + row_number() OVER (), x.* FROM (
    SELECT h.source, -h.pid, (h.frac - h.f0) * h.length_m, NULL::bigint, h.f0, h.frac FROM cov_hit h
    UNION ALL
    SELECT -h.pid, h.target, (h.f1 - h.frac) * h.length_m, NULL, h.frac, h.f1 FROM cov_hit h
    UNION ALL
    SELECT -h.pid - 1000000000, -h.pid, h.snap_m, NULL, NULL, NULL FROM cov_hit h
) x;

-- step: targets the new sites reach within :threshold metres
SELECT t.ref, min(d.agg_cost) AS d
FROM pgr_drivingDistance('SELECT id, source, target, cost, cost AS reverse_cost FROM cov_edges',
                         ARRAY(SELECT -pid - 1000000000 FROM cov_hit), :threshold,
                         directed := false, equicost := false) d
JOIN cov_targets t ON -t.pid - 1000000000 = d.node
GROUP BY t.ref
