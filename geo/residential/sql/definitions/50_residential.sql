-- Residential compounds' 三方协同 indicators (issue #17), counted once per community: the API's
-- district, street and community figures sum these rows (geo/residential/sql/residential.sql), and the
-- choropleth layer draws them (layers/sql/residential_indicators.sql). Repeatable definition.

DROP VIEW IF EXISTS compound_indicators;
CREATE VIEW compound_indicators AS
-- Lifts (geo/residential/words.py ELEVATOR_STATES): 加装 ones added to walk-ups (buildings
-- under WALKUP_FLOORS floors), counted per walk-up unit; 更新 ones renewed where lifts were,
-- counted against the lifts buildings came with (原有 and 更新).
WITH lifts AS (
    SELECT b.compound_code,
           sum(b.elevators) FILTER (WHERE b.elevator = '加装') AS added,
           sum(b.elevators) FILTER (WHERE b.elevator = '更新') AS renewed,
           sum(b.elevators) FILTER (WHERE b.elevator IN ('原有', '更新')) AS original,
           sum(COALESCE(b.units, 1)) FILTER (WHERE b.floors < 7) AS walkup_units,
           count(*) AS buildings,
           count(*) FILTER (WHERE EXISTS (
               SELECT 1 FROM party_orgs o WHERE o.kind = 'stairwell_branch'
                 AND o.area_kind = 'residential_building' AND o.area_code = b.code))
               AS stairwell_branches
    FROM residential_buildings b GROUP BY b.compound_code
), branches AS (
    SELECT DISTINCT area_code FROM party_orgs
    WHERE kind = 'compound_branch' AND area_kind = 'compound'
), activities AS (  -- the last year's, by the society's compound, in one pass
    SELECT t.compound_code, count(*) AS n
    FROM society_activities a JOIN societies t ON t.code = a.society_code
    WHERE a.held_on > current_date - 365
    GROUP BY t.compound_code
), societies AS (
    SELECT s.compound_code, count(*) AS n, sum(s.members) AS members,
           COALESCE(max(ac.n), 0) AS activities
    FROM societies s LEFT JOIN activities ac ON ac.compound_code = s.compound_code
    GROUP BY s.compound_code
), open_cases AS (
    SELECT zone_code, count(*) AS n FROM cases
    WHERE zone_kind = 'compound' AND case_is_open(status) GROUP BY zone_code
)
SELECT c.community_code,
       count(*) AS compounds,
       count(*) FILTER (WHERE c.committee_kind IN ('业委会', '物管委')) AS committees,
       count(*) FILTER (WHERE c.committee_kind = '业委会') AS owners,
       count(*) FILTER (WHERE c.compound_type = '老旧小区') AS old,
       count(*) FILTER (WHERE c.compound_type = '老旧小区'
                          AND c.property_company IS NOT NULL) AS old_with_property,
       -- graded at all is 丁 or better: 丁 is the lowest grade
       count(*) FILTER (WHERE c.compound_type = '老旧小区'
                          AND c.property_level IS NOT NULL) AS old_graded,
       count(*) FILTER (WHERE c.committee_kind IN ('业委会', '物管委')
                          AND c.committee_term_end BETWEEN current_date
                                                     AND current_date + 90) AS reelections_due,
       COALESCE(sum(l.added), 0)::bigint AS lifts_added,
       COALESCE(sum(l.renewed), 0)::bigint AS lifts_renewed,
       COALESCE(sum(l.original), 0)::bigint AS lifts_original,
       COALESCE(sum(l.walkup_units), 0)::bigint AS walkup_units,
       COALESCE(sum(l.buildings), 0)::bigint AS residential_buildings,
       COALESCE(sum(l.stairwell_branches), 0)::bigint AS buildings_with_branch,
       count(br.area_code) AS with_branch,  -- 小区党支部
       count(*) FILTER (WHERE c.commissioner_id IS NOT NULL) AS with_commissioner,  -- 一小区一专员
       count(so.compound_code) AS with_society,  -- 群众性社团
       COALESCE(sum(so.n), 0)::bigint AS societies,
       COALESCE(sum(so.members), 0)::bigint AS society_members,
       COALESCE(sum(so.activities), 0)::bigint AS society_activities,
       sum(c.households)::bigint AS households,
       COALESCE(sum(o.n), 0)::bigint AS open_cases
FROM compounds c
LEFT JOIN lifts l ON l.compound_code = c.code
LEFT JOIN branches br ON br.area_code = c.code
LEFT JOIN societies so ON so.compound_code = c.code
LEFT JOIN open_cases o ON o.zone_code = c.code
GROUP BY c.community_code;
