-- Set-based assignment of every case whose rule is still NULL (see ARCHITECTURE.md,
-- "The assignment rule"). Statements run in order in the caller's transaction, each
-- introduced by a "-- step:" line; :snap_m is the snap distance in metres.

-- step: remember which cases this run assigns
DROP TABLE IF EXISTS pending_assign;
-- step: (the set is fixed before any rule is written)
CREATE TEMP TABLE pending_assign AS SELECT id FROM cases WHERE rule IS NULL;

-- step: grid by containment; on a shared boundary the lowest grid code wins
WITH hits AS (
    SELECT c.id, g.code,
           count(*) OVER (PARTITION BY c.id) AS n,
           row_number() OVER (PARTITION BY c.id ORDER BY g.code) AS rn
    FROM cases c
    JOIN pending_assign p ON p.id = c.id
    JOIN grids g ON ST_Covers(g.geom, c.geom)
)
UPDATE cases c
SET grid_code = h.code,
    rule = CASE WHEN h.n > 1 THEN 'boundary' ELSE 'covers' END,
    outside = false,
    distance_m = 0
FROM hits h
WHERE h.id = c.id AND h.rn = 1;

-- step: outside every grid: the nearest grid within the snap distance (geodesic metres)
WITH near AS (
    SELECT c.id, n.code, n.d
    FROM cases c
    JOIN pending_assign p ON p.id = c.id
    CROSS JOIN LATERAL (
        SELECT g.code, ST_Distance(g.geom::geography, c.geom::geography) AS d
        FROM grids g
        WHERE ST_DWithin(g.geom::geography, c.geom::geography, :snap_m)
        ORDER BY d, g.code
        LIMIT 1
    ) n
    WHERE c.rule IS NULL
)
UPDATE cases c
SET grid_code = near.code, rule = 'snapped', outside = true,
    distance_m = round(near.d::numeric, 1)
FROM near
WHERE near.id = c.id;

-- step: hierarchy from the grid, its worker, the most specific zone, the party organisation
WITH a AS (
    SELECT c.id, g.community_code, m.street_code,
           (SELECT w.id FROM workers w WHERE w.grid_code = g.code ORDER BY w.id LIMIT 1) AS worker_id,
           z.kind AS zone_kind, z.code AS zone_code, z.bc_code
    FROM cases c
    JOIN pending_assign p ON p.id = c.id
    JOIN grids g ON g.code = c.grid_code
    JOIN communities m ON m.code = g.community_code
    LEFT JOIN LATERAL (
        SELECT zs.kind, zs.code, zs.bc_code FROM (
            SELECT 'building' AS kind, b.code, b.business_community_code AS bc_code, 1 AS pri
            FROM buildings b WHERE ST_Covers(b.geom, c.geom)
            UNION ALL
            SELECT 'business_community', x.code, NULL, 2
            FROM business_communities x WHERE ST_Covers(x.geom, c.geom)
            UNION ALL
            SELECT 'compound', x.code, NULL, 3 FROM compounds x WHERE ST_Covers(x.geom, c.geom)
            UNION ALL
            SELECT 'open_block', x.code, NULL, 4 FROM open_blocks x WHERE ST_Covers(x.geom, c.geom)
        ) zs
        ORDER BY zs.pri, zs.code
        LIMIT 1
    ) z ON true
)
UPDATE cases c
SET community_code = a.community_code,
    street_code = a.street_code,
    worker_id = a.worker_id,
    zone_kind = a.zone_kind,
    zone_code = a.zone_code,
    party_org_code = COALESCE(
        (SELECT o.code FROM party_orgs o
         WHERE o.area_kind = a.zone_kind AND o.area_code = a.zone_code
           AND o.kind <> 'stairwell_branch' ORDER BY o.code LIMIT 1),
        (SELECT o.code FROM party_orgs o
         WHERE o.area_kind = 'business_community' AND o.area_code = a.bc_code ORDER BY o.code LIMIT 1),
        (SELECT o.code FROM party_orgs o
         WHERE o.kind = 'community_committee' AND o.area_kind = 'community'
           AND o.area_code = a.community_code ORDER BY o.code LIMIT 1)
    )
FROM a
WHERE a.id = c.id;
