-- Residential compounds (geo/residential/three_parties.py): the 三方协同 indicators of the compounds whose
-- code begins :prefix (a street's code, or '' for the district), and one compound's parties.

-- name: indicators
-- the communities' rows of the compound_indicators view (definitions/50_residential.sql) summed
SELECT COALESCE(sum(compounds), 0)::bigint AS compounds, COALESCE(sum(committees), 0)::bigint AS committees,
       COALESCE(sum(owners), 0)::bigint AS owners, COALESCE(sum(old), 0)::bigint AS old,
       COALESCE(sum(old_with_property), 0)::bigint AS old_with_property,
       COALESCE(sum(old_graded), 0)::bigint AS old_graded,
       COALESCE(sum(reelections_due), 0)::bigint AS reelections_due,
       COALESCE(sum(lifts_added), 0)::bigint AS lifts_added,
       COALESCE(sum(lifts_renewed), 0)::bigint AS lifts_renewed,
       COALESCE(sum(lifts_original), 0)::bigint AS lifts_original,
       COALESCE(sum(walkup_units), 0)::bigint AS walkup_units,
       COALESCE(sum(residential_buildings), 0)::bigint AS residential_buildings,
       COALESCE(sum(buildings_with_branch), 0)::bigint AS buildings_with_branch,
       COALESCE(sum(with_branch), 0)::bigint AS with_branch,
       COALESCE(sum(with_commissioner), 0)::bigint AS with_commissioner,
       COALESCE(sum(with_society), 0)::bigint AS with_society,
       COALESCE(sum(societies), 0)::bigint AS societies,
       COALESCE(sum(society_members), 0)::bigint AS society_members,
       COALESCE(sum(society_activities), 0)::bigint AS society_activities
FROM compound_indicators WHERE community_code LIKE :prefix || '%';

-- name: buildings
-- one compound's residential buildings with their stairwell branches
SELECT b.code, b.name, b.units, b.floors, b.households, b.year_built, b.elevator, b.elevators,
       b.elevator_date, o.code AS branch_code, o.name AS branch_name
FROM residential_buildings b
LEFT JOIN LATERAL (
    SELECT code, name FROM party_orgs
    WHERE area_kind = 'residential_building' AND area_code = b.code AND kind = 'stairwell_branch'
    ORDER BY code LIMIT 1
) o ON true
WHERE b.compound_code = :code
ORDER BY b.code;

-- name: cases_by_type
-- open cases per compound type, and the households they come from
SELECT c.compound_type, sum(c.households)::bigint AS households,
       sum(COALESCE(o.n, 0))::bigint AS open_cases
FROM compounds c
LEFT JOIN (SELECT zone_code, count(*) AS n FROM cases
           WHERE zone_kind = 'compound' AND case_is_open(status) GROUP BY zone_code) o
       ON o.zone_code = c.code
WHERE c.community_code LIKE :prefix || '%'
GROUP BY c.compound_type ORDER BY c.compound_type;

-- name: compound
SELECT c.code, c.name, c.households, c.compound_type, c.property_company, c.owners_committee,
       c.committee_kind, c.committee_term_start, c.committee_term_end, c.property_level,
       c.fee_model, m.code AS community_code, m.name AS community_name,
       a.username AS commissioner, o.code AS party_code, o.name AS party_name,
       (SELECT count(*) FROM cases k WHERE k.zone_kind = 'compound' AND k.zone_code = c.code
          AND case_is_open(k.status)) AS open_cases
FROM compounds c
JOIN communities m ON m.code = c.community_code
LEFT JOIN accounts a ON a.id = c.commissioner_id
LEFT JOIN party_orgs o ON o.area_kind = 'compound' AND o.area_code = c.code
                      AND o.kind = 'compound_branch'
WHERE c.code = :code;

-- name: lock
-- a compound's editable parties, locked for the edit
SELECT c.committee_kind, c.committee_term_start, c.committee_term_end, c.owners_committee,
       c.property_company, c.property_level, c.fee_model, c.commissioner_id,
       a.username AS commissioner
FROM compounds c LEFT JOIN accounts a ON a.id = c.commissioner_id
WHERE c.code = :code FOR UPDATE OF c;

-- name: commissioner
SELECT id FROM accounts
WHERE username = :username AND disabled_at IS NULL AND role = 'compound_commissioner';

-- name: edit
-- every editable column at once: the locked row's values with the edit's changes
UPDATE compounds SET committee_kind = :committee_kind,
       committee_term_start = :committee_term_start, committee_term_end = :committee_term_end,
       owners_committee = :owners_committee, property_company = :property_company,
       property_level = :property_level, fee_model = :fee_model,
       commissioner_id = :commissioner_id
WHERE code = :code;

-- name: societies
-- one compound's societies, with their activities of the last 365 days
SELECT s.code, s.name, s.kind, s.members, s.founded_on, s.contact_name, s.contact_phone,
       (SELECT count(*) FROM society_activities a
        WHERE a.society_code = s.code AND a.held_on > current_date - 365) AS activities
FROM societies s WHERE s.compound_code = :code ORDER BY s.code;

-- name: joint_meetings
-- 三方协同联席会议 of the last 365 days at places whose code begins :prefix (the district's
-- own for the district), and those the three parties all attended
SELECT count(*) AS held,
       count(*) FILTER (WHERE COALESCE((participants ->> 'residents_committee')::int, 0) > 0
                          AND COALESCE((participants ->> 'owners_committee')::int, 0) > 0
                          AND COALESCE((participants ->> 'property')::int, 0) > 0) AS all_three
FROM meetings
WHERE kind = '联席会议' AND held_on > current_date - 365 AND held_on <= current_date
  AND place_code LIKE :prefix || '%';
