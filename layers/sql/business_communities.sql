SELECT b.code, b.name, '{}'::jsonb AS props, b.geom FROM business_communities b WHERE b.geom && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)
