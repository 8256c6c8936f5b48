SELECT m.code, m.name, jsonb_build_object('street', s.name) AS props, m.geom
FROM communities m JOIN streets s ON s.code = m.street_code WHERE m.geom && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)
