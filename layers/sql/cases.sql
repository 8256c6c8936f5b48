-- Cases on maps: no reporter, ever. Open cases, plus closed ones of the last 24 hours: each
-- read by its own index (the open cases' partial GiST index, and updated_at), so a box costs
-- what it shows, not the closed cases of every year beneath it.
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
FROM (SELECT * FROM cases WHERE case_is_open(status)
        AND geom && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)
      UNION ALL
      SELECT * FROM cases WHERE NOT case_is_open(status)
        AND updated_at > now() - interval '24 hours'
        AND geom && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)) c
JOIN categories k ON k.code = c.category_code
WHERE true
  AND (CAST(:grid AS text) IS NULL OR c.grid_code = CAST(:grid AS text))
  AND in_area(c.grid_code, c.zone_code, CAST(:areas AS text[]))  -- the caller's areas (geo/access.py)
