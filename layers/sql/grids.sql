SELECT g.code, g.name,
       jsonb_build_object('community', m.name, 'households', g.households,
                          'open_cases', COALESCE(o.n, 0), 'worker', w.name) AS props, g.geom
FROM grids g
JOIN communities m ON m.code = g.community_code
LEFT JOIN (SELECT grid_code, count(*) AS n FROM cases
           WHERE case_is_open(status) GROUP BY grid_code) o
       ON o.grid_code = g.code
LEFT JOIN LATERAL (SELECT name FROM workers WHERE grid_code = g.code ORDER BY id LIMIT 1) w ON true
WHERE g.geom && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)
