-- A walking-areas run's graph (geo/coverage/walking_areas.py): temp view cov_edges = the stored
-- coverage_graph less the pieces the run's sites cut, plus the parts they add; both kept in
-- temp table cov_added (cut = true: a stored piece cut away), which coverage_attach.sql fills.
-- The stored graph is only read, and a run creates two temp objects: each costs catalog work.

-- step: drop the last run's
DROP VIEW IF EXISTS cov_edges;
-- step:
DROP TABLE IF EXISTS cov_added;
-- step:
CREATE TEMP TABLE cov_added (id bigint, source bigint, target bigint, cost float8,
                             reverse_cost float8, edge_id bigint, f0 float8, f1 float8,
                             cut boolean NOT NULL);

-- step: the graph as this run sees it
CREATE TEMP VIEW cov_edges AS
SELECT g.id, g.source, g.target, g.cost, g.reverse_cost, g.edge_id, g.f0, g.f1
FROM coverage_graph g
WHERE NOT EXISTS (SELECT 1 FROM cov_added a WHERE a.cut AND a.id = g.id)
UNION ALL
SELECT id, source, target, cost, reverse_cost, edge_id, f0, f1 FROM cov_added WHERE NOT cut
