-- Firms at their building: a point inside the footprint, set apart from the building's other
-- firms by a small offset drawn from the firm's code (within ±4 m).
SELECT f.code, f.name,
       jsonb_build_object('industry', f.industry, 'employees', f.employees,
                          'key_taxpayer', CASE WHEN f.key_taxpayer THEN '是' ELSE '否' END,
                          'registered_capital', f.registered_capital,
                          'building', b.name, 'building_code', b.code) AS props,
       ST_Translate(ST_PointOnSurface(b.geom),
                    ((abs(hashtext(f.code)) % 1000) / 1000.0 - 0.5) * 0.00008,
                    ((abs(hashtext(reverse(f.code))) % 1000) / 1000.0 - 0.5) * 0.00007) AS geom
FROM firms f JOIN buildings b ON b.code = f.building_code
WHERE b.geom && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)
