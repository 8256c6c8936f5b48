SELECT s.code, s.name, '{}'::jsonb AS props, s.geom FROM streets s WHERE s.geom && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)
