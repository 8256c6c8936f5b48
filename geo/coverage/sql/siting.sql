-- Candidate sites for suggestions (geo/coverage/siting.py) when none are given.

-- name: candidates
-- a point on every open block and every community (its centre)
SELECT name, ST_X(p) AS lon, ST_Y(p) AS lat FROM (
    SELECT name, ST_PointOnSurface(geom) AS p FROM open_blocks
    UNION ALL
    SELECT name || '（社区中心）', ST_PointOnSurface(geom) FROM communities
) x ORDER BY name
