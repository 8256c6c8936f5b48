-- Open blocks (geo/open_blocks/blocks.py): a block's people, shops, partners and rule breaches.

-- name: block
SELECT b.code, b.name, b.households, b.rules, m.code AS community_code, m.name AS community_name,
       o.code AS org_code, o.name AS org_name
FROM open_blocks b
JOIN communities m ON m.code = b.community_code
LEFT JOIN LATERAL (
    SELECT code, name FROM party_orgs
    WHERE area_kind = 'open_block' AND area_code = b.code AND kind = 'block_org'
    ORDER BY code LIMIT 1
) o ON true
WHERE b.code = :code;

-- name: members
SELECT p.code, p.name, p.mobile, count(s.code)::int AS shops,
       COALESCE(array_agg(DISTINCT u.name) FILTER (WHERE u.name IS NOT NULL), '{}') AS partners
FROM party_members p
JOIN party_orgs o ON o.code = p.org_code
LEFT JOIN shops s ON s.member_code = p.code
LEFT JOIN member_partners mp ON mp.member_code = p.code
LEFT JOIN partner_units u ON u.code = mp.partner_code
WHERE o.area_kind = 'open_block' AND o.area_code = :code
GROUP BY p.code, p.name, p.mobile ORDER BY p.code;

-- name: partners
SELECT code, name, kind FROM partner_units WHERE open_block_code = :code ORDER BY code;

-- name: shops
SELECT count(*) FILTER (WHERE kind = 'shop') AS shops,
       count(*) FILTER (WHERE kind = 'stall') AS stalls,
       count(*) FILTER (WHERE member_code IS NOT NULL) AS covered
FROM shops WHERE open_block_code = :code;

-- name: breaches
-- cases in the block of the categories that breach its rules, the last 365 days
SELECT category_code, count(*)::int AS cases,
       count(*) FILTER (WHERE case_is_open(status))::int AS open
FROM cases
WHERE zone_kind = 'open_block' AND zone_code = :code
  AND category_code = ANY(block_breach_categories())
  AND created_at > now() - interval '365 days'
GROUP BY category_code;

-- name: stats
-- the open blocks of a street (or all): shops and stalls, those a party member looks after,
-- mobile party members, rule breaches in the last 365 days, meetings
SELECT count(*) AS blocks,
       COALESCE(sum(s.shops), 0)::int AS shops, COALESCE(sum(s.stalls), 0)::int AS stalls,
       COALESCE(sum(s.covered), 0)::int AS covered,
       (SELECT count(*) FROM party_members p JOIN party_orgs o ON o.code = p.org_code
        WHERE o.area_kind = 'open_block' AND o.area_code LIKE :prefix || '%' AND p.mobile)::int
           AS mobile_members,
       (SELECT count(*) FROM cases c WHERE c.zone_kind = 'open_block'
        AND c.zone_code LIKE :prefix || '%'
        AND c.category_code = ANY(block_breach_categories())
        AND c.created_at > now() - interval '365 days')::int AS breaches,
       (SELECT count(*) FROM meetings m WHERE m.place_kind = 'open_block'
        AND m.place_code LIKE :prefix || '%')::int AS meetings
FROM open_blocks b
LEFT JOIN LATERAL (
    SELECT count(*) FILTER (WHERE kind = 'shop') AS shops,
           count(*) FILTER (WHERE kind = 'stall') AS stalls,
           count(*) FILTER (WHERE member_code IS NOT NULL) AS covered
    FROM shops WHERE open_block_code = b.code
) s ON true
WHERE b.code LIKE :prefix || '%';
