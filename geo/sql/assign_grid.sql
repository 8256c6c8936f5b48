-- Containment of every point in the temp table assign_input(id, geom WGS84): temp table
-- assign_grid (id, grid_code, tie), one row per point inside or on a grid; tie: several grids
-- hold it (rule 'boundary'), else rule 'covers'. Kept this narrow (the rule's text and the
-- snapping columns are added by assign_batch.sql's output): a million wider rows cost a tenth
-- more.
-- The second half of the rule (snapping, zones, party organisation) is assign_batch.sql.
--
-- Polygon-outer (LATERAL over the GiST-indexed points), so PostGIS prepares each polygon once
-- for all the points it holds: the fast way round for large batches, and whole grids beat
-- their ST_Subdivide pieces here (fewer index probes). JIT only adds compile time.
--
-- Ties: a point inside one grid's interior has one row. Only a point on a grid's border, or in
-- a sliver where two grids' interiors overlap (grid_slivers, kept by geo/derived.py), can be
-- covered by several grids, so only those rows are grouped: lowest code, rule 'boundary' when
-- there are several, as locate.sql decides. Grouping every row cost a third of the join.

-- step: no JIT
SET LOCAL jit = off;

-- step: drop the last batch's
DROP TABLE IF EXISTS assign_grid, assign_sliver;

-- step: the points in a sliver (few: slivers are mostly under a square metre), sliver-outer
CREATE TEMP TABLE assign_sliver AS
SELECT DISTINCT x.id FROM grid_slivers s
CROSS JOIN LATERAL (
    SELECT i.id FROM assign_input i WHERE ST_Covers(s.geom, i.geom) OFFSET 0  -- sliver-outer
) x;

-- step: every (point, grid) pair; tie, for now: on the grid's border, not in its interior
CREATE TEMP TABLE assign_grid AS
SELECT x.id, g.code AS grid_code, NOT x.inside AS tie
FROM grids g
CROSS JOIN LATERAL (
    SELECT i.id, ST_Contains(g.geom, i.geom) AS inside
    FROM assign_input i WHERE ST_Covers(g.geom, i.geom)
) x;

-- step: points on a border or in a sliver: one row each, the lowest code; a tie when several
-- grids hold it
WITH edge AS (
    DELETE FROM assign_grid WHERE tie OR id IN (SELECT id FROM assign_sliver)
    RETURNING id, grid_code
)
INSERT INTO assign_grid (id, grid_code, tie)
SELECT id, min(grid_code), count(*) > 1 FROM edge GROUP BY id;

-- step: one row per point, checked (and what the points outside every grid are found by)
CREATE UNIQUE INDEX assign_grid_id ON assign_grid (id)
