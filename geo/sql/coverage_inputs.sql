-- Inputs and candidate runs for geo/coverage.py. Bound parameters only.

-- step: a run's sources (facilities or candidate sites), anew
DROP TABLE IF EXISTS cov_sources;
-- step: m: a metric twin of geom, for the straight-line nearest search
CREATE TEMP TABLE cov_sources (
    pid bigint, ref text, geom geometry(Point, 4326), m geometry(Point, 4549)
);

-- step: the kind's facilities, numbered from :first (below are the compounds of coverage_targets)
INSERT INTO cov_sources (pid, ref, geom, m)
SELECT :first - 1 + row_number() OVER (ORDER BY code), code, geom, ST_Transform(geom, 4549)
FROM facilities WHERE kind = :kind AND code <> ALL(:remove);

-- step: candidates
SELECT name, ST_X(p) AS lon, ST_Y(p) AS lat FROM (
    SELECT name, ST_PointOnSurface(geom) AS p FROM open_blocks
    UNION ALL
    SELECT name || '（社区中心）', ST_PointOnSurface(geom) FROM communities
) x ORDER BY name;

-- step: candidate reach
SELECT s.ref AS cand, t.ref AS compound
FROM pgr_drivingDistance('SELECT id, source, target, cost, cost AS reverse_cost FROM cov_edges',
                         ARRAY(SELECT -pid - 1000000000 FROM cov_sources), :t,
                         directed := false, equicost := false) d
JOIN cov_sources s ON -s.pid - 1000000000 = d.from_v
JOIN coverage_targets t ON -t.pid - 1000000000 = d.node
WHERE t.ref = ANY(CAST(:wanted AS text[]))
