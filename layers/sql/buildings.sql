SELECT b.code, b.name, jsonb_build_object('floors', b.floors, 'firms', b.firms) AS props, b.geom
FROM buildings b WHERE b.geom && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)
