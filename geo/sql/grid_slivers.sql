-- grid_slivers (geo/coverage/derived.py): where two grids' interiors overlap. Digitised grids rarely
-- meet exactly: the demo's 887 grids have 1,138 slivers, all under a square metre (too
-- small for `gridmap validate` to report). A point in one is inside both grids, and both the
-- single and the batch rule give it the lowest code, rule 'boundary'; a test puts one there.

-- step: clear
DELETE FROM grid_slivers;

-- step: each overlapping pair once, polygons only
INSERT INTO grid_slivers (code, other, geom)
SELECT code, other, geom FROM (
    SELECT a.code, b.code AS other, ST_CollectionExtract(ST_Intersection(a.geom, b.geom), 3) AS geom
    FROM grids a
    JOIN grids b ON a.code < b.code AND a.geom && b.geom AND ST_Relate(a.geom, b.geom, '2********')
) x
WHERE NOT ST_IsEmpty(geom);

-- step: statistics
ANALYZE grid_slivers
