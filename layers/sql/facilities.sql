SELECT f.code, f.name,
       jsonb_build_object('kind', f.kind, 'kind_label', k.name, 'community', m.name) AS props, f.geom
FROM facilities f
JOIN facility_kinds k ON k.code = f.kind
LEFT JOIN communities m ON ST_Covers(m.geom, f.geom)
WHERE f.geom && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326) AND (CAST(:kind AS text) IS NULL OR f.kind = CAST(:kind AS text))
