-- Containment of every point in the temp table assign_input(id, geom WGS84): temp table
-- assign_grid (id, grid_code, tie), one row per point inside or on a grid; tie: several grids
-- hold it (rule 'boundary', lowest code, as locate.sql decides), else rule 'covers'. Kept this
-- narrow (the rule's text and the snapping columns join in at assign_batch.sql's output): a
-- million wider rows cost a tenth more. Run by geo.assign.assign_grids.
--
-- Polygon-outer (LATERAL over the GiST-indexed points), so PostGIS prepares each polygon once
-- for all the points it holds: the fast way round for large batches, and whole grids beat
-- their ST_Subdivide pieces here (fewer index probes). JIT only adds compile time.
--
-- Ties: a point covered by several grids (on a shared border, or in a sliver where two grids'
-- interiors overlap) has a row per grid. Most batches have none, so the unique index on id is
-- built first and only when it fails are the repeated ids grouped. (Grouping every row cost a
-- third of the join; telling border points by ST_Contains a fifth: a second prepared polygon.)

-- step: no JIT
SET LOCAL jit = off;

-- step: drop the last batch's
DROP TABLE IF EXISTS assign_grid;

-- step: every (point, grid) pair
CREATE TEMP TABLE assign_grid ON COMMIT DROP AS
SELECT x.id, g.code AS grid_code
FROM grids g
CROSS JOIN LATERAL (SELECT i.id FROM assign_input i WHERE ST_Covers(g.geom, i.geom)) x;

-- step: tie, false for now (a constant default writes no rows)
ALTER TABLE assign_grid ADD COLUMN tie boolean NOT NULL DEFAULT false;

-- step: one row per point, checked (and what the points outside every grid are found by);
-- fails when some point has several rows
CREATE UNIQUE INDEX assign_grid_id ON assign_grid (id);

-- step: only after that failure: each repeated point once, the lowest code, a tie
WITH dup AS (
    DELETE FROM assign_grid
    WHERE id IN (SELECT id FROM assign_grid GROUP BY id HAVING count(*) > 1)
    RETURNING id, grid_code
)
INSERT INTO assign_grid (id, grid_code, tie)
SELECT id, min(grid_code), true FROM dup GROUP BY id
