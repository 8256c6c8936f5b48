-- Reference data and extents the API and pages read (geo/reference.py).

-- name: facility_kinds
SELECT code, name FROM facility_kinds ORDER BY code

-- name: categories
SELECT code, name, group_name, sla_hours FROM categories ORDER BY group_name, code

-- name: category_exists
SELECT EXISTS (SELECT 1 FROM categories WHERE code = :code)

-- name: grid_extent
-- every grid's extent, or one grid's (:grid NULL: all)
SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
FROM (SELECT ST_Extent(geom) AS e FROM grids
      WHERE CAST(:grid AS text) IS NULL OR code = CAST(:grid AS text)) x

-- name: compound_shapes
SELECT code, ST_AsGeoJSON(geom, 6) FROM compounds

-- name: service_requests
-- cases as Open311 GeoReport v2 lists them; each filter NULL means any. No event note: staff
-- notes are internal (the public status note is a fixed text per status, PUBLIC_STATUS_NOTES),
-- but for the reason a case was refused (不予立案), which staff write for the reporter
SELECT c.public_token, c.status, case_is_open(c.status) AS open, c.category_code,
       k.name AS service_name, c.description, c.address, c.created_at, c.updated_at, c.due_at,
       ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat, g.name AS grid_name,
       (SELECT cm.sha256 FROM case_media cm WHERE cm.case_id = c.id AND cm.stage = 'report'
        ORDER BY cm.id LIMIT 1) AS photo,
       CASE WHEN c.status = 'refused' THEN
           (SELECT e.note FROM case_events e WHERE e.case_id = c.id AND e.to_status = 'refused'
            ORDER BY e.at DESC LIMIT 1) END AS refusal
FROM cases c JOIN categories k ON k.code = c.category_code LEFT JOIN grids g ON g.code = c.grid_code
WHERE (CAST(:tokens AS text[]) IS NULL OR c.public_token = ANY(CAST(:tokens AS text[])))
  AND (CAST(:codes AS text[]) IS NULL OR c.category_code = ANY(CAST(:codes AS text[])))
  AND c.created_at >= :start AND c.created_at <= :end
  AND (CAST(:open AS boolean) IS NULL OR case_is_open(c.status) = CAST(:open AS boolean))
ORDER BY c.created_at DESC, c.id DESC
LIMIT :limit
