-- Demand beyond compounds (geo/coverage/demand.py): each demand point with its weight, its
-- area, and whether a facility of :kind reaches it within :threshold metres. The rule: a point
-- is reached when it lies in one of the kind's stored walking areas at that distance (the main
-- network within :threshold of the facility, partial edges included, widened by the areas'
-- buffer each side: geo/coverage/walking_areas.py), the areas the planner draws. A building is
-- reached when such an area meets its footprint (its doors are on its outline); its point, for
-- the map, is its ST_PointOnSurface.

-- name: points
WITH pts AS (
    SELECT b.code, b.name, COALESCE(sum(f.employees), 0)::bigint AS weight,
           b.business_community_code AS area_code, bc.name AS area_name,
           b.geom AS shape, ST_PointOnSurface(b.geom) AS geom
    FROM buildings b
    LEFT JOIN firms f ON f.building_code = b.code
    LEFT JOIN business_communities bc ON bc.code = b.business_community_code
    WHERE :of = 'employees'
    GROUP BY b.code, bc.name
    UNION ALL
    SELECT s.code, s.name, 1, s.open_block_code, o.name, s.geom, s.geom
    FROM shops s JOIN open_blocks o ON o.code = s.open_block_code
    WHERE :of = 'shops'
)
SELECT p.code, p.name, p.weight, p.area_code, p.area_name,
       ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat,
       EXISTS (SELECT 1 FROM walking_areas w
               WHERE w.kind = :kind AND w.threshold_m = :threshold
                 AND ST_Intersects(w.geom, p.shape)) AS reached
FROM pts p
ORDER BY p.code;

-- name: sources
SELECT count(*) FROM facilities WHERE kind = :kind;
