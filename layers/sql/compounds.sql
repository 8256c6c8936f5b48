SELECT c.code, c.name,
       jsonb_build_object('compound_type', c.compound_type, 'households', c.households,
                          'property_company', c.property_company,
                          'owners_committee', COALESCE(c.owners_committee, '未成立')) AS props, c.geom
FROM compounds c WHERE c.geom && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)
