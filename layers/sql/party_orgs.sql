-- Party organisations are drawn at a point inside the area they serve.
WITH areas AS (
    SELECT 'community' AS kind, code, geom FROM communities
    UNION ALL SELECT 'compound', code, geom FROM compounds
    UNION ALL SELECT 'business_community', code, geom FROM business_communities
    UNION ALL SELECT 'open_block', code, geom FROM open_blocks
    UNION ALL SELECT 'street', code, geom FROM streets
)
SELECT p.code, p.name,
       jsonb_build_object('kind', p.kind, 'kind_label', party_org_kind_label(p.kind),
                          'parent', pp.name) AS props,
       ST_PointOnSurface(a.geom) AS geom
FROM party_orgs p
JOIN areas a ON a.kind = p.area_kind AND a.code = p.area_code
LEFT JOIN party_orgs pp ON pp.code = p.parent_code
WHERE p.kind <> 'stairwell_branch' AND a.geom && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)
