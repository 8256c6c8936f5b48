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

-- step: parts of a community that none of its grids cover. Measured additively (community
-- area minus the areas of its grids inside it) rather than through ST_Union, whose overlay
-- can drop an island polygon lying in a hole of its neighbour; overlaps are reported above.
SELECT 'gap' AS check, m.code, NULL AS other,
       ST_Area(ST_Transform(m.geom, 4549)) - COALESCE(sum(
           ST_Area(ST_Transform(ST_Intersection(g.geom, m.geom), 4549))), 0) AS area_m2
FROM communities m
LEFT JOIN grids g ON g.community_code = m.code
GROUP BY m.code, m.geom
HAVING ST_Area(ST_Transform(m.geom, 4549)) - COALESCE(sum(
           ST_Area(ST_Transform(ST_Intersection(g.geom, m.geom), 4549))), 0) >= :min_m2
ORDER BY area_m2 DESC;

-- step: grids reaching outside their own community
SELECT 'crosses_community' AS check, g.code, g.community_code AS other,
       ST_Area(ST_Transform(ST_Difference(g.geom, m.geom), 4549)) AS area_m2
FROM grids g
JOIN communities m ON m.code = g.community_code
WHERE ST_Area(ST_Transform(ST_Difference(g.geom, m.geom), 4549)) >= :min_m2
ORDER BY area_m2 DESC;

-- step: zones (compounds, business communities, buildings, open blocks) outside every grid,
-- measured additively as above
WITH zones AS (
    SELECT 'compound' AS kind, code, geom FROM compounds
    UNION ALL SELECT 'business_community', code, geom FROM business_communities
    UNION ALL SELECT 'building', code, geom FROM buildings
    UNION ALL SELECT 'open_block', code, geom FROM open_blocks
), outside AS (
    SELECT z.kind, z.code,
           ST_Area(ST_Transform(z.geom, 4549)) - COALESCE(
               (SELECT sum(ST_Area(ST_Transform(ST_Intersection(g.geom, z.geom), 4549)))
                FROM grids g WHERE ST_Intersects(g.geom, z.geom)), 0) AS area_m2
    FROM zones z
)
SELECT 'zone_outside_grids' AS check, code, kind AS other, area_m2
FROM outside WHERE area_m2 >= :min_m2
ORDER BY area_m2 DESC
