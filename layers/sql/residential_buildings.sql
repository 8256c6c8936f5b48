SELECT b.code, b.name,
       jsonb_build_object('label', c.name || b.name, 'compound_code', b.compound_code,
                          'compound', c.name,
                          'units', b.units, 'floors', b.floors, 'households', b.households,
                          'year_built', b.year_built,
                          'elevator', CASE b.elevator WHEN '无' THEN '无'
                                      ELSE b.elevator || ' ' || b.elevators || ' 台 '
                                           || COALESCE(b.elevator_date::text, '') END,
                          'stairwell_branch', sb.name) AS props, b.geom
FROM residential_buildings b
JOIN compounds c ON c.code = b.compound_code
LEFT JOIN LATERAL (
    SELECT min(o.name) AS name FROM party_orgs o
    WHERE o.area_kind = 'residential_building' AND o.area_code = b.code
) sb ON true
WHERE b.geom && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)
