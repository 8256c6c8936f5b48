-- The assignment of one WGS84 point (:lon, :lat): the rule of ARCHITECTURE.md in one query.
-- Grid pieces (grid_parts, ST_Subdivide) make containment fast; a point on a seam inside one
-- grid hits two pieces of the same code, so ties are counted over distinct codes.

-- step: locate
WITH p AS (
    SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS geom
), covering AS (
    SELECT DISTINCT gp.grid_code AS code
    FROM grid_parts gp, p
    WHERE ST_Covers(gp.geom, p.geom)
), hit AS (
    SELECT min(code) AS code, count(*) AS n FROM covering HAVING count(*) > 0
), near AS (
    -- Only when nothing covers the point: nearest grid within :snap_m geodesic metres. The
    -- bbox prefilter (1° ≥ 60 km anywhere in China) lets the GiST index do the search.
    -- The three nearest by planar distance (index KNN) are the candidates; geodesic
    -- distance decides among them (each clipped to the search box), exactly as
    -- assign_batch.sql does.
    SELECT c.code, c.d
    FROM p, LATERAL (
        SELECT g.code,
               ST_Distance(ST_ClipByBox2D(g.geom, ST_Expand(p.geom, :snap_m / 60000.0))::geography,
                           p.geom::geography) AS d
        FROM grids g
        WHERE NOT EXISTS (SELECT 1 FROM hit) AND g.geom && ST_Expand(p.geom, :snap_m / 60000.0)
        ORDER BY g.geom <-> p.geom
        LIMIT 3
    ) c
    WHERE c.d <= :snap_m
    ORDER BY c.d, c.code
    LIMIT 1
), chosen AS (
    SELECT code, CASE WHEN n > 1 THEN 'boundary' ELSE 'covers' END AS rule, false AS outside,
           0.0::float8 AS distance_m FROM hit
    UNION ALL
    SELECT code, 'snapped', true, round(d::numeric, 1)::float8 FROM near
), zone AS (
    SELECT z.kind, z.code, z.name, z.bc_code FROM (
        SELECT 'building' AS kind, b.code, b.name, b.business_community_code AS bc_code, 1 AS pri
        FROM buildings b, p WHERE ST_Covers(b.geom, p.geom)
        UNION ALL
        SELECT 'business_community', x.code, x.name, NULL, 2
        FROM business_communities x, p WHERE ST_Covers(x.geom, p.geom)
        UNION ALL
        SELECT 'compound', x.code, x.name, NULL, 3 FROM compounds x, p WHERE ST_Covers(x.geom, p.geom)
        UNION ALL
        SELECT 'open_block', x.code, x.name, NULL, 4 FROM open_blocks x, p WHERE ST_Covers(x.geom, p.geom)
    ) z
    ORDER BY z.pri, z.code
    LIMIT 1
)
SELECT c.code AS grid_code, g.name AS grid_name, c.rule, c.outside, c.distance_m,
       m.code AS community_code, m.name AS community_name,
       s.code AS street_code, s.name AS street_name,
       z.kind AS zone_kind, z.code AS zone_code, z.name AS zone_name,
       o.code AS party_org_code, o.name AS party_name, o.kind AS party_kind,
       w.id AS worker_id, w.name AS worker_name
FROM chosen c
JOIN grids g ON g.code = c.code
JOIN communities m ON m.code = g.community_code
JOIN streets s ON s.code = m.street_code
LEFT JOIN zone z ON true
LEFT JOIN LATERAL (
    SELECT po.code, po.name, po.kind FROM party_orgs po
    WHERE (po.area_kind = z.kind AND po.area_code = z.code AND po.kind <> 'stairwell_branch')
       OR (po.area_kind = 'business_community' AND po.area_code = z.bc_code)
       OR (po.kind = 'community_committee' AND po.area_kind = 'community' AND po.area_code = m.code)
    ORDER BY CASE WHEN po.area_kind = z.kind AND po.area_code = z.code THEN 1
                  WHEN po.area_code = z.bc_code THEN 2 ELSE 3 END, po.code
    LIMIT 1
) o ON true
LEFT JOIN LATERAL (
    SELECT wk.id, wk.name FROM workers wk WHERE wk.grid_code = c.code ORDER BY wk.id LIMIT 1
) w ON true;

-- step: nearest grid distance, for the message when a point is outside the district
SELECT round(ST_Distance(g.geom::geography, p.geom::geography)::numeric)::float8 AS d
FROM grids g, (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS geom) p
ORDER BY g.geom <-> p.geom
LIMIT 1
