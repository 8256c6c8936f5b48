SELECT o.code, o.name, jsonb_build_object('households', o.households) AS props, o.geom
FROM open_blocks o WHERE o.geom && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)
