-- The facility_walks derived table (geo/coverage/derived.py, after coverage_graph): every stored
-- facility's walking distance to each compound within :reach_m metres, from coverage_walks()
-- (migration 0007), the function a coverage run calls for its added sites. In (kind, d) order:
-- a run reads one kind's rows up to its limit. With it, facility_nearest: per kind, each
-- compound's straight line to the nearest facility, from straight_nearest(), which a run calls
-- when it adds or removes sources.

-- step:
DELETE FROM facility_walks;
-- step:
INSERT INTO facility_walks (ref, pid, kind, d)
SELECT w.ref, w.pid, f.kind, w.d
FROM (SELECT array_agg(code) AS refs, array_agg(geom) AS geoms FROM facilities) a
CROSS JOIN LATERAL coverage_walks(a.refs, a.geoms, :reach_m) w
JOIN facilities f ON f.code = w.ref
ORDER BY f.kind, w.d;

-- step:
DELETE FROM facility_nearest;
-- step:
INSERT INTO facility_nearest (kind, pid, d)
SELECT k.kind, n.pid, n.d
FROM (SELECT kind, array_agg(geom) AS geoms FROM facilities GROUP BY kind) k
CROSS JOIN LATERAL straight_nearest(k.geoms) n
ORDER BY k.kind, n.pid;

-- step: statistics
ANALYZE facility_walks;
-- step:
ANALYZE facility_nearest
