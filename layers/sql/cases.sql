-- Cases on maps: no reporter, ever. Open cases, plus closed ones of the last 24 hours.
SELECT c.id::text AS code, k.name AS name,
       jsonb_build_object('id', c.id, 'category', k.name, 'category_code', c.category_code,
                          'status', c.status, 'status_label', case_status_label(c.status),
                          'description', c.description, 'address', c.address,
                          'created_at', to_char(c.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'),
                          'created_iso', c.created_at,
                          'grid', c.grid_code, 'grid_code', c.grid_code,
                          'overdue', case_is_open(c.status)
                                     AND now() > c.due_at) AS props,
       c.geom
FROM cases c JOIN categories k ON k.code = c.category_code
WHERE c.geom && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)
  AND (case_is_open(c.status)
       OR c.updated_at > now() - interval '24 hours')
  AND (CAST(:grid AS text) IS NULL OR c.grid_code = CAST(:grid AS text))
  AND in_area(c.grid_code, c.zone_code, CAST(:areas AS text[]))  -- the caller's areas (geo/access.py)
