SELECT e.code, COALESCE(e.name, c.name || '出入口') AS name,
       jsonb_build_object('compound', c.name, 'compound_code', c.code) AS props, e.geom
FROM compound_entrances e JOIN compounds c ON c.code = e.compound_code
WHERE e.geom && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)
