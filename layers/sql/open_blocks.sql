SELECT o.code, o.name,
       jsonb_build_object('households', o.households,
                          'rules', NULLIF(array_to_string(o.rules, '、'), ''),
                          'shops', s.shops, 'stalls', s.stalls,
                          'covered_pct', round(100.0 * s.covered / NULLIF(s.shops + s.stalls, 0), 1),
                          'breaches', s.breaches) AS props, o.geom
FROM open_blocks o
LEFT JOIN LATERAL (
    SELECT count(*) FILTER (WHERE kind = 'shop') AS shops,
           count(*) FILTER (WHERE kind = 'stall') AS stalls,
           count(*) FILTER (WHERE member_code IS NOT NULL) AS covered,
           (SELECT count(*) FROM cases c WHERE c.zone_kind = 'open_block' AND c.zone_code = o.code
            AND c.category_code IN ('outdoor_display', 'frontage_duty')
            AND c.created_at > now() - interval '365 days') AS breaches
    FROM shops WHERE open_block_code = o.code
) s ON true
WHERE o.geom && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)
