-- Set-based assignment, second half: the points of assign_input that assign_grid.sql left
-- outside every grid, then zones, hierarchy, party organisation and worker, by the rule of
-- ARCHITECTURE.md (the same rule as locate.sql, which a test holds them to).
-- Result: temp table assign_output, one row per input point that lands in the district;
-- points farther than :snap_m metres from every grid get no row.

-- step: the points outside every grid (few; also what geo.assign.unplaced reads)
DROP TABLE IF EXISTS assign_outside;
-- step:
CREATE TEMP TABLE assign_outside ON COMMIT DROP AS
SELECT i.id, i.geom FROM assign_input i
WHERE NOT EXISTS (SELECT 1 FROM assign_grid a WHERE a.id = i.id);

-- step: outside every grid: the nearest grid within the snap distance (geodesic metres).
-- The three nearest by planar distance (index KNN) are the candidates; geodesic distance
-- decides among them (degrees are anisotropic, so one candidate would not do). Each is
-- measured clipped to the search box, which holds every point within :snap_m of the case:
-- the same distance when it is within :snap_m, and a third less time (a grid can have
-- hundreds of vertices, each costly on the spheroid).
DROP TABLE IF EXISTS assign_snapped;
-- step:
CREATE TEMP TABLE assign_snapped ON COMMIT DROP AS
SELECT i.id, n.code AS grid_code, round(n.d::numeric, 1)::float8 AS distance_m
FROM assign_outside i
CROSS JOIN LATERAL (
    SELECT c.code,
           ST_Distance(ST_ClipByBox2D(c.geom, ST_Expand(i.geom, :snap_m / 60000.0))::geography,
                       i.geom::geography) AS d
    FROM (
        SELECT g.code, g.geom FROM grids g
        WHERE g.geom && ST_Expand(i.geom, :snap_m / 60000.0)
        ORDER BY g.geom <-> i.geom
        LIMIT 3
    ) c
    ORDER BY d, c.code
    LIMIT 1
) n
WHERE n.d <= :snap_m;

-- step: statistics for the joins below
ANALYZE assign_grid;
-- step:
ANALYZE assign_snapped;

-- step: the most specific zone: building, business community, compound, open block
DROP TABLE IF EXISTS assign_zone;
-- step:
CREATE TEMP TABLE assign_zone ON COMMIT DROP AS
SELECT DISTINCT ON (id) id, kind, code, bc FROM (
    SELECT x.id, 'building' AS kind, b.code, b.business_community_code AS bc, 1 AS pri
    FROM buildings b
    CROSS JOIN LATERAL (SELECT i.id FROM assign_input i WHERE ST_Covers(b.geom, i.geom)) x
    UNION ALL
    SELECT x.id, 'business_community', z.code, NULL, 2
    FROM business_communities z
    CROSS JOIN LATERAL (SELECT i.id FROM assign_input i WHERE ST_Covers(z.geom, i.geom)) x
    UNION ALL
    SELECT x.id, 'compound', z.code, NULL, 3
    FROM compounds z
    CROSS JOIN LATERAL (SELECT i.id FROM assign_input i WHERE ST_Covers(z.geom, i.geom)) x
    UNION ALL
    SELECT x.id, 'open_block', z.code, NULL, 4
    FROM open_blocks z
    CROSS JOIN LATERAL (SELECT i.id FROM assign_input i WHERE ST_Covers(z.geom, i.geom)) x
) hits
ORDER BY id, pri, code;

-- step: statistics for the join below
ANALYZE assign_zone;

-- step: hierarchy from the grid; party organisation: the zone's, else (for a building) its
-- business community's, else the community party committee; the grid's worker
DROP TABLE IF EXISTS assign_output;
-- step:
CREATE TEMP TABLE assign_output ON COMMIT DROP AS
WITH orgs AS (
    SELECT DISTINCT ON (area_kind, area_code) area_kind, area_code, code
    FROM party_orgs WHERE kind <> 'stairwell_branch'
    ORDER BY area_kind, area_code, code
), workers1 AS (
    SELECT DISTINCT ON (grid_code) grid_code, id FROM workers ORDER BY grid_code, id
)
SELECT a.id, a.grid_code, a.rule, a.outside, a.distance_m, g.community_code, m.street_code,
       w.id AS worker_id, z.kind AS zone_kind, z.code AS zone_code,
       COALESCE(zo.code, bo.code, co.code) AS party_org_code
FROM (
    SELECT id, grid_code, CASE WHEN tie THEN 'boundary' ELSE 'covers' END AS rule,
           false AS outside, 0::float8 AS distance_m
    FROM assign_grid
    UNION ALL
    SELECT id, grid_code, 'snapped', true, distance_m FROM assign_snapped
) a
JOIN grids g ON g.code = a.grid_code
JOIN communities m ON m.code = g.community_code
LEFT JOIN workers1 w ON w.grid_code = a.grid_code
LEFT JOIN assign_zone z ON z.id = a.id
LEFT JOIN orgs zo ON zo.area_kind = z.kind AND zo.area_code = z.code
LEFT JOIN orgs bo ON bo.area_kind = 'business_community' AND bo.area_code = z.bc
LEFT JOIN orgs co ON co.area_kind = 'community' AND co.area_code = g.community_code;

-- step:
ALTER TABLE assign_output ADD PRIMARY KEY (id)
