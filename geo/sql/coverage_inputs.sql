-- Inputs and candidate runs for geo/coverage.py. Bound parameters only.

-- step: sources (pids from 1e8 up: below are the compounds' of coverage_targets)
CREATE TEMP TABLE cov_sources AS
SELECT 100000000 + row_number() OVER (ORDER BY code) AS pid, code AS ref, geom
FROM facilities WHERE kind = :kind AND code <> ALL(:remove);

-- step: targets: the compounds, as numbered in the stored coverage graph
CREATE TEMP TABLE cov_targets AS
SELECT pid, ref, geom FROM coverage_targets
WHERE CAST(:wanted AS text[]) IS NULL OR ref = ANY(CAST(:wanted AS text[]));

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
JOIN cov_targets t ON -t.pid - 1000000000 = d.node;

-- step: components
UPDATE road_edges e SET component = c.component
FROM pgr_connectedComponents('SELECT id, source, target, cost, reverse_cost FROM road_edges') c
WHERE c.node = e.source
