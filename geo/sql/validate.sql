-- Checks of the grid tiling, each returning (check, code, other, area_m2).
-- Areas are measured in EPSG:4549 (CGCS2000 / 3-degree GK CM 120E) and reported
-- when at least :min_m2 square metres, so floating-point slivers are not noise.

-- step: overlapping grids (interiors share an area)
SELECT 'overlap' AS check, a.code, b.code AS other,
       ST_Area(ST_Transform(ST_Intersection(a.geom, b.geom), 4549)) AS area_m2
FROM grids a
JOIN grids b ON a.code < b.code AND a.geom && b.geom AND ST_Relate(a.geom, b.geom, '2********')
WHERE ST_Area(ST_Transform(ST_Intersection(a.geom, b.geom), 4549)) >= :min_m2
ORDER BY area_m2 DESC;

-- step: parts of a community that none of its grids cover
SELECT 'gap' AS check, m.code, NULL AS other,
       ST_Area(ST_Transform(ST_Difference(m.geom, u.geom), 4549)) AS area_m2
FROM communities m
JOIN LATERAL (
    SELECT COALESCE(ST_Union(g.geom), 'SRID=4326;POLYGON EMPTY'::geometry) AS geom
    FROM grids g WHERE g.community_code = m.code
) u ON true
WHERE ST_Area(ST_Transform(ST_Difference(m.geom, u.geom), 4549)) >= :min_m2
ORDER BY area_m2 DESC;

-- step: grids reaching outside their own community
SELECT 'crosses_community' AS check, g.code, g.community_code AS other,
       ST_Area(ST_Transform(ST_Difference(g.geom, m.geom), 4549)) AS area_m2
FROM grids g
JOIN communities m ON m.code = g.community_code
WHERE ST_Area(ST_Transform(ST_Difference(g.geom, m.geom), 4549)) >= :min_m2
ORDER BY area_m2 DESC;

-- step: zones (compounds, business communities, buildings, open blocks) outside every grid
WITH zones AS (
    SELECT 'compound' AS kind, code, geom FROM compounds
    UNION ALL SELECT 'business_community', code, geom FROM business_communities
    UNION ALL SELECT 'building', code, geom FROM buildings
    UNION ALL SELECT 'open_block', code, geom FROM open_blocks
), outside AS (
    SELECT z.kind, z.code,
           ST_Area(ST_Transform(ST_Difference(z.geom, COALESCE(
               (SELECT ST_Union(g.geom) FROM grids g WHERE ST_Intersects(g.geom, z.geom)),
               'SRID=4326;POLYGON EMPTY'::geometry)), 4549)) AS area_m2
    FROM zones z
)
SELECT 'zone_outside_grids' AS check, code, kind AS other, area_m2
FROM outside WHERE area_m2 >= :min_m2
ORDER BY area_m2 DESC
