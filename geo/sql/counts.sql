-- name: counts
-- rows per table, for /healthz
SELECT 'streets' AS tbl, count(*) AS n FROM streets
UNION ALL SELECT 'communities', count(*) FROM communities
UNION ALL SELECT 'grids', count(*) FROM grids
UNION ALL SELECT 'compounds', count(*) FROM compounds
UNION ALL SELECT 'business_communities', count(*) FROM business_communities
UNION ALL SELECT 'buildings', count(*) FROM buildings
UNION ALL SELECT 'open_blocks', count(*) FROM open_blocks
UNION ALL SELECT 'facilities', count(*) FROM facilities
UNION ALL SELECT 'workers', count(*) FROM workers
UNION ALL SELECT 'road_edges', count(*) FROM road_edges
UNION ALL SELECT 'cases', count(*) FROM cases
