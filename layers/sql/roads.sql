SELECT r.id::text AS code, COALESCE(r.name, '') AS name, jsonb_build_object('length_m', r.length_m) AS props,
       r.geom
FROM road_edges r WHERE r.geom && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)
