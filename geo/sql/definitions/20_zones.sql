-- Spatial vocabulary shared by the assignment rule (geo/sql/assignment.sql), names and search.
-- Repeatable definitions (geo/definitions.py).

-- Degrees of a box that holds every point within m metres of its centre anywhere in China:
-- 1° is at least 60 km there (longitude at 53°N; latitude is 111 km). A bbox prefilter the
-- GiST index can use before a geodesic distance decides.
CREATE OR REPLACE FUNCTION deg_box(m float8) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT m / 60000.0
$$;

-- Every zone polygon with its kind and the assignment's priority (docs/architecture.md): the
-- most specific zone wins, building before business community before compound before open
-- block. One column type per column in every branch, so the planner flattens the union and
-- can probe each table's GiST index for one point.
DROP VIEW IF EXISTS zone_polygons;
CREATE VIEW zone_polygons AS
SELECT 'building'::text AS kind, 1 AS priority, code::text AS code, name,
       business_community_code::text AS business_community_code, geom
FROM buildings
UNION ALL
SELECT 'business_community'::text, 2, code::text, name, NULL::text, geom FROM business_communities
UNION ALL
SELECT 'compound'::text, 3, code::text, name, NULL::text, geom FROM compounds
UNION ALL
SELECT 'open_block'::text, 4, code::text, name, NULL::text, geom FROM open_blocks;
