SELECT w.id AS code, w.name, jsonb_build_object('grid', g.name, 'grid_code', g.code) AS props,
       ST_PointOnSurface(g.geom) AS geom
FROM workers w JOIN grids g ON g.code = w.grid_code WHERE g.geom && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)
