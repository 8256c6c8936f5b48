-- The assignment rule (docs/architecture.md, "The assignment rule"): the only place it is
-- written. `rule` is a list of CTEs over a relation assign_input(id bigint, geom WGS84 point)
-- that ends in the CTE `assignment`, one row per point that lands in the district:
--   id, grid_code, rule, outside, distance_m, community_code, street_code, zone_kind,
--   zone_code, party_org_code, worker_id, residential_building_code, stairwell_branch_code
-- Points farther than :snap_m geodesic metres from every grid get no row.
--
-- Every caller runs this same text (geo/assign.py puts it together); only assign_input differs:
-- - one point (locate, intake, Open311, search): a one-row CTE named assign_input placed
--   before it;
-- - a set (batch import, reassignment, the demo's cases): a temp table assign_input with a
--   GiST index and statistics.
-- Each polygon join walks the polygons whose box meets the input's extent (input_box) and
-- probes the input for each (a LATERAL, kept from being flattened by OFFSET 0): for one point,
-- the polygons' index finds the few that can hold it; for a set, each polygon is prepared once
-- for all its points and probes the points' index, 5–25x faster than probing the polygons
-- point by point, which the planner picks for a set when left to choose (200,000 points on
-- the demo: grids 3.25 s → 0.41 s, residential buildings 2.26 s → 0.09 s).
-- It is a query, not a SQL function, for that reason: a function's input cannot be both an
-- indexed table and a literal, and a temp table for one point cost 5x the request.
--
-- Rule, in order:
-- 1. grid: the grids whose polygon covers the point (ST_Covers, so boundary points count);
--    several (a shared edge, or a sliver where two grids overlap): the lowest code, 'boundary'.
-- 2. outside every grid: of the three nearest grids by planar distance (index KNN), the
--    geodesically nearest within :snap_m metres, 'snapped' (degrees are anisotropic, so one
--    candidate would not do). Each is measured clipped to the search box, which holds every
--    point within :snap_m of the case (the same distance when within :snap_m, a third less
--    time: a grid can have hundreds of vertices, each costly on the spheroid).
--    The box is deg_box(:snap_m) degrees wide each way (definitions/20_zones.sql).
-- 3. community and street from the grid, so the hierarchy never disagrees with itself.
-- 4. zone: the most specific zone covering the point (zone_polygons.priority: building,
--    business community, compound, open block), lowest code among equals.
-- 5. party organisation: the zone's (lowest code, stairwell branches excluded: they belong to
--    residential buildings), else for a building its business community's, else the
--    community's party committee (community_committee). Worker: the grid's (lowest id).
-- 6. residential building: the residential building (楼幢) covering the point, lowest code
--    among equals, and its stairwell branch (楼道党支部, lowest code), beside the zone: the
--    zone rule above does not change.

-- name: rule
input_box AS MATERIALIZED (
    -- the input's extent: only the polygons whose box meets it are walked (for one point, the
    -- few its index finds; for a set, the district's)
    SELECT ST_SetSRID(ST_Extent(geom)::geometry, 4326) AS box FROM assign_input
), covering AS MATERIALIZED (
    SELECT i.id, min(g.code) AS grid_code, count(*) > 1 AS tie
    FROM grids g
    CROSS JOIN LATERAL (
        SELECT i.id FROM assign_input i WHERE ST_Covers(g.geom, i.geom) OFFSET 0
    ) i
    WHERE g.geom && (SELECT box FROM input_box)
    GROUP BY i.id
), snapped AS MATERIALIZED (
    SELECT o.id, n.code AS grid_code, round(n.d::numeric, 1)::float8 AS distance_m
    FROM (
        SELECT i.id, i.geom FROM assign_input i
        WHERE NOT EXISTS (SELECT 1 FROM covering c WHERE c.id = i.id)
    ) o
    CROSS JOIN LATERAL (
        SELECT c.code,
               ST_Distance(ST_ClipByBox2D(c.geom, ST_Expand(o.geom, deg_box(:snap_m)))::geography,
                           o.geom::geography) AS d
        FROM (
            SELECT g.code, g.geom FROM grids g
            WHERE g.geom && ST_Expand(o.geom, deg_box(:snap_m))
            ORDER BY g.geom <-> o.geom
            LIMIT 3
        ) c
        ORDER BY d, c.code
        LIMIT 1
    ) n
    WHERE n.d <= :snap_m
), placed AS (
    SELECT id, grid_code, CASE WHEN tie THEN 'boundary' ELSE 'covers' END AS rule,
           false AS outside, 0::float8 AS distance_m
    FROM covering
    UNION ALL
    SELECT id, grid_code, 'snapped', true, distance_m FROM snapped
), zone AS MATERIALIZED (
    SELECT DISTINCT ON (i.id) i.id, z.kind, z.code, z.business_community_code
    FROM zone_polygons z
    CROSS JOIN LATERAL (
        SELECT i.id FROM assign_input i WHERE ST_Covers(z.geom, i.geom) OFFSET 0
    ) i
    WHERE z.geom && (SELECT box FROM input_box)
    ORDER BY i.id, z.priority, z.code
), zone_org AS (
    -- each zone's organisation, looked up once per zone however many points it holds
    SELECT k.kind, k.code, COALESCE(zo.code, bo.code) AS org
    FROM (SELECT DISTINCT kind, code, business_community_code FROM zone) k
    LEFT JOIN LATERAL (
        SELECT min(o.code) AS code FROM party_orgs o
        WHERE o.area_kind = k.kind AND o.area_code = k.code AND o.kind <> 'stairwell_branch'
    ) zo ON true
    LEFT JOIN LATERAL (
        SELECT min(o.code) AS code FROM party_orgs o
        WHERE o.area_kind = 'business_community' AND o.area_code = k.business_community_code
          AND o.kind <> 'stairwell_branch'
    ) bo ON true
), home AS MATERIALIZED (
    SELECT DISTINCT ON (i.id) i.id, r.code, sb.code AS branch
    FROM residential_buildings r
    CROSS JOIN LATERAL (
        SELECT i.id FROM assign_input i WHERE ST_Covers(r.geom, i.geom) OFFSET 0
    ) i
    LEFT JOIN LATERAL (
        SELECT min(o.code) AS code FROM party_orgs o
        WHERE o.area_kind = 'residential_building' AND o.area_code = r.code
          AND o.kind = 'stairwell_branch'
    ) sb ON true
    WHERE r.geom && (SELECT box FROM input_box)
    ORDER BY i.id, r.code
), grid_of AS (
    -- each grid's community, street, party committee and worker, once per grid
    SELECT k.grid_code, g.community_code, m.street_code, co.code AS committee, w.id AS worker_id
    FROM (SELECT DISTINCT grid_code FROM placed) k
    JOIN grids g ON g.code = k.grid_code
    JOIN communities m ON m.code = g.community_code
    LEFT JOIN LATERAL (
        SELECT min(o.code) AS code FROM party_orgs o
        WHERE o.area_kind = 'community' AND o.area_code = g.community_code
          AND o.kind = 'community_committee'
    ) co ON true
    LEFT JOIN LATERAL (
        SELECT min(wk.id) AS id FROM workers wk WHERE wk.grid_code = k.grid_code
    ) w ON true
), assignment AS (
    SELECT a.id, a.grid_code::text, a.rule, a.outside, a.distance_m,
           f.community_code::text, f.street_code::text,
           z.kind AS zone_kind, z.code AS zone_code,
           COALESCE(zo.org, f.committee)::text AS party_org_code, f.worker_id::text,
           h.code::text AS residential_building_code, h.branch::text AS stairwell_branch_code
    FROM placed a
    JOIN grid_of f ON f.grid_code = a.grid_code
    LEFT JOIN zone z ON z.id = a.id
    LEFT JOIN zone_org zo ON zo.kind = z.kind AND zo.code = z.code
    LEFT JOIN home h ON h.id = a.id
)

-- name: one_point
-- assign_input for one WGS84 point (:lon, :lat), placed before the rule
assign_input AS (SELECT 0::bigint AS id, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS geom)

-- name: named
-- The assignment with its names, as the API shows it (geo/locate.py)
SELECT a.*, g.name AS grid_name, m.name AS community_name, s.name AS street_name,
       zp.name AS zone_name, o.name AS party_name, o.kind AS party_kind, w.name AS worker_name,
       rb.name AS residential_building_name, sb.name AS stairwell_branch_name
FROM assignment a
JOIN grids g ON g.code = a.grid_code
JOIN communities m ON m.code = a.community_code
JOIN streets s ON s.code = a.street_code
LEFT JOIN zone_polygons zp ON zp.kind = a.zone_kind AND zp.code = a.zone_code
LEFT JOIN party_orgs o ON o.code = a.party_org_code
LEFT JOIN workers w ON w.id = a.worker_id
LEFT JOIN residential_buildings rb ON rb.code = a.residential_building_code
LEFT JOIN party_orgs sb ON sb.code = a.stairwell_branch_code

-- name: nearest_grid_m
-- For the message when a point is outside the district: how far the nearest grid is
SELECT round(ST_Distance(g.geom::geography, p.geom::geography)::numeric)::float8 AS d
FROM grids g, (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS geom) p
ORDER BY g.geom <-> p.geom
LIMIT 1

-- name: unplaced
-- After a set's assignment: the points farther than :snap_m from every grid
SELECT i.id FROM assign_input i
WHERE NOT EXISTS (SELECT 1 FROM assign_output o WHERE o.id = i.id)
ORDER BY 1
