-- Only when grids overlap (the unique index on assign_grid.id failed): a point inside two
-- grids has two rows. Collapse them as locate.sql does: the lowest code, rule 'boundary'.

-- step: the points with several rows
CREATE TEMP TABLE assign_overlap AS
SELECT id, min(grid_code) AS grid_code FROM assign_grid GROUP BY id HAVING count(*) > 1;

-- step: replace their rows by one
DELETE FROM assign_grid a USING assign_overlap o WHERE a.id = o.id;

-- step:
INSERT INTO assign_grid (id, grid_code, rule, outside, distance_m)
SELECT id, grid_code, 'boundary', false, 0 FROM assign_overlap;

-- step:
DROP TABLE assign_overlap
