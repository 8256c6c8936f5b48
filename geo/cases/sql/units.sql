-- Handling units (geo/cases/units.py). Bound parameters only.

-- name: list
SELECT code, name, kind, area_code FROM units
WHERE (CAST(:kind AS text) IS NULL OR kind = :kind)
  AND (CAST(:area AS text) IS NULL OR area_code LIKE :area || '%' OR :area LIKE area_code || '%')
ORDER BY code;

-- name: one
SELECT code, name, kind, area_code FROM units WHERE code = :code;

-- name: upsert
INSERT INTO units (code, name, kind, area_code) VALUES (:code, :name, :kind, :area_code)
ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind,
    area_code = EXCLUDED.area_code
RETURNING (xmax = 0);

-- name: category
-- the mark of the unit the case's category goes to by default
SELECT k.default_unit FROM cases c JOIN categories k ON k.code = c.category_code WHERE c.id = :id;

-- name: suggest
-- the first unit that exists, in order: the zone's unit of the category's mark (a compound's
-- property company WY, an open block's partner CG/SJ/PCS), the street's (CG, SJ, PCS), the
-- district's (SW, DL, RQ), the grid's (WG), the street's office (JD)
WITH c AS (SELECT grid_code, street_code, zone_code FROM cases WHERE id = :id)
SELECT u.code FROM c, LATERAL (
    SELECT 'U' || c.zone_code || :mark AS code, 1 AS rank WHERE :mark IS NOT NULL
    UNION ALL SELECT 'U' || c.street_code || :mark, 2 WHERE :mark IS NOT NULL
    UNION ALL SELECT 'U' || left(c.street_code, 6) || :mark, 3 WHERE :mark IS NOT NULL
    UNION ALL SELECT 'U' || c.grid_code || 'WG', 4
    UNION ALL SELECT 'U' || c.street_code || 'JD', 5
) s
JOIN units u ON u.code = s.code
ORDER BY s.rank LIMIT 1;
