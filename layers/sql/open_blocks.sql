SELECT o.code, o.name,
       jsonb_build_object('households', o.households,
                          'rules', NULLIF(array_to_string(o.rules, '、'), ''),
                          'shops', s.shops, 'stalls', s.stalls,
                          'covered_pct', round(100.0 * s.covered / NULLIF(s.shops + s.stalls, 0), 1),
                          'breaches', COALESCE(br.n, 0)) AS props, o.geom,
       -- when the clock alone changes the row (layers/frames.py): its oldest breach of the year
       -- leaves the count a year after it was reported
       br.leaves AS changes_at
FROM open_blocks o
LEFT JOIN LATERAL (
    SELECT count(*) FILTER (WHERE kind = 'shop') AS shops,
           count(*) FILTER (WHERE kind = 'stall') AS stalls,
           count(*) FILTER (WHERE member_code IS NOT NULL) AS covered
    FROM shops WHERE open_block_code = o.code
) s ON true
LEFT JOIN (  -- rule breaches of the last year, counted once for every block
    SELECT zone_code, count(*) AS n, min(created_at) + interval '365 days' AS leaves FROM cases
    WHERE zone_kind = 'open_block' AND category_code = ANY(block_breach_categories())
      AND created_at > now() - interval '365 days'
    GROUP BY zone_code
) br ON br.zone_code = o.code
WHERE o.geom && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)
