-- Containment of every point in the temp table assign_input(id, geom WGS84): temp table
-- assign_grid (id, grid_code, rule, outside, distance_m), one row per point inside or on a grid.
-- The second half of the rule (snapping, zones, party organisation) is assign_batch.sql.
--
-- Polygon-outer (LATERAL over the GiST-indexed points), so PostGIS prepares each polygon once
-- for all the points it holds: the fast way round for large batches, and whole grids beat
-- their ST_Subdivide pieces here (fewer index probes). JIT only adds compile time.
--
-- Ties: a point inside one grid's interior has one row. Only a point on a grid's border can be
-- covered by several grids (valid, non-overlapping grids), so only those rows are grouped:
-- lowest code, rule 'boundary' when shared. Grouping all the rows cost a third of the join.
-- Overlapping grids (a data error `gridmap validate` reports) would leave two interior rows
-- for one point: geo/assign.py sees that when the unique index on id fails, and collapses them
-- (assign_overlaps.sql), so the rule stays the one locate.sql applies.

-- step: no JIT
SET LOCAL jit = off;

-- step: drop the last batch's
DROP TABLE IF EXISTS assign_grid;

-- step: every (point, grid) pair; inside = in the grid's interior, not on its border
CREATE TEMP TABLE assign_grid AS
SELECT x.id, g.code AS grid_code, CASE WHEN x.inside THEN 'covers' ELSE 'edge' END AS rule,
       false AS outside, 0::float8 AS distance_m
FROM grids g
CROSS JOIN LATERAL (
    SELECT i.id, ST_Contains(g.geom, i.geom) AS inside
    FROM assign_input i WHERE ST_Covers(g.geom, i.geom)
) x;

-- step: points on a border: one row each, the lowest code; 'boundary' when grids share it
WITH edge AS (
    DELETE FROM assign_grid WHERE rule = 'edge' RETURNING id, grid_code
)
INSERT INTO assign_grid (id, grid_code, rule, outside, distance_m)
SELECT id, min(grid_code), CASE WHEN count(*) > 1 THEN 'boundary' ELSE 'covers' END, false, 0
FROM edge GROUP BY id
