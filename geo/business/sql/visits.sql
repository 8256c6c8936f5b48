-- Visits to firms (geo/business/visits.py). Bound parameters only.

-- name: firm
-- a firm with its building and the commissioner of that building (the building commissioner
-- whose area holds the building's code, the most specific area first)
SELECT f.code, f.building_code, a.id AS commissioner_id, a.username AS commissioner
FROM firms f
LEFT JOIN LATERAL (
    SELECT a.id, a.username FROM accounts a JOIN account_areas r ON r.account_id = a.id
    WHERE a.role = 'building_commissioner' AND a.disabled_at IS NULL
      AND f.building_code LIKE r.code || '%'
    ORDER BY length(r.code) DESC, a.username LIMIT 1
) a ON true
WHERE f.code = :firm;

-- name: lock_firm
-- the firm's row first: a firm with no visit yet has no visit row to lock, and two first
-- requests would each make one
SELECT 1 FROM firms WHERE code = :firm FOR NO KEY UPDATE;

-- name: firm_visits
-- its visits, the firm locked (lock_firm)
SELECT id, commissioner_id, visit_on, window_start, window_end, urgent, status
FROM visits WHERE firm_code = :firm AND status <> 'cancelled'
ORDER BY visit_on, id FOR UPDATE;

-- name: load
-- a commissioner's planned visits per day in a span
SELECT visit_on, count(*)::int FROM visits
WHERE commissioner_id = :c AND status <> 'cancelled' AND visit_on BETWEEN :first AND :last
GROUP BY visit_on;

-- name: join
UPDATE visits SET window_start = :lo, window_end = :hi, visit_on = :day, urgent = :urgent
WHERE id = :id;

-- name: insert_visit
INSERT INTO visits (firm_code, commissioner_id, visit_on, window_start, window_end, urgent)
VALUES (:firm, :c, :day, :lo, :hi, :urgent)
RETURNING id;

-- name: insert_request
INSERT INTO visit_requests (firm_code, department, purpose, earliest, latest, urgent, visit_id,
                            created_by)
VALUES (:firm, :department, :purpose, :earliest, :latest, :urgent, :visit_id, :actor)
RETURNING id;

-- name: visit
SELECT v.*, f.name AS firm_name, f.building_code, b.name AS building_name,
       a.username AS commissioner
FROM visits v
JOIN firms f ON f.code = v.firm_code
JOIN buildings b ON b.code = f.building_code
JOIN accounts a ON a.id = v.commissioner_id
WHERE v.id = :id;

-- name: requests_of
SELECT department, purpose, created_at FROM visit_requests WHERE visit_id = :id ORDER BY id;

-- name: lock_visit
SELECT id, firm_code, status FROM visits WHERE id = :id FOR UPDATE;

-- name: done
UPDATE visits SET status = 'done', outcome = :outcome, done_at = now() WHERE id = :id;

-- name: insert_need
INSERT INTO needs (kind, category, firm_code, text, visit_id)
VALUES (:kind, :category, :firm, :text, :visit)
RETURNING id;

-- name: day
-- a commissioner's visits on a day, in filing order (the first request's time), each with its
-- building's point (WGS84)
SELECT v.id, v.firm_code, f.name AS firm_name, b.code AS building_code, b.name AS building_name,
       v.status, v.urgent, ST_X(p.g) AS lon, ST_Y(p.g) AS lat,
       (SELECT min(r.created_at) FROM visit_requests r WHERE r.visit_id = v.id) AS filed_at
FROM visits v
JOIN firms f ON f.code = v.firm_code
JOIN buildings b ON b.code = f.building_code
CROSS JOIN LATERAL (SELECT ST_PointOnSurface(b.geom) AS g) p
WHERE v.commissioner_id = :c AND v.visit_on = :day AND v.status <> 'cancelled'
ORDER BY filed_at, v.id;

-- name: station
-- the building service station nearest the middle of a commissioner's buildings
SELECT s.code, s.name, ST_X(s.geom) AS lon, ST_Y(s.geom) AS lat
FROM facilities s,
     (SELECT ST_Centroid(ST_Collect(ST_PointOnSurface(b.geom))) AS c
      FROM buildings b JOIN account_areas r ON b.code LIKE r.code || '%'
      WHERE r.account_id = :c) m
WHERE s.kind = 'building_station'
ORDER BY s.geom <-> m.c LIMIT 1;

-- name: commissioner
SELECT id, username FROM accounts
WHERE username = :u AND role = 'building_commissioner' AND disabled_at IS NULL;

-- name: business_stats
-- requests, visits and needs of the firms in buildings whose code begins :prefix (a business
-- community's code, or a street's, or '' for the district)
WITH f AS (SELECT code, key_taxpayer FROM firms WHERE building_code LIKE :prefix || '%'),
v AS (SELECT v.* FROM visits v JOIN f ON f.code = v.firm_code WHERE v.status <> 'cancelled'),
r AS (SELECT r.* FROM visit_requests r JOIN v ON v.id = r.visit_id),
n AS (SELECT n.* FROM needs n JOIN f ON f.code = n.firm_code)
SELECT (SELECT count(*) FROM f) AS firms,
       (SELECT count(*) FROM f WHERE key_taxpayer) AS key_taxpayers,
       (SELECT count(DISTINCT v.firm_code) FROM v JOIN f ON f.code = v.firm_code
        WHERE f.key_taxpayer AND v.status = 'done' AND v.visit_on > current_date - 365)
           AS key_taxpayers_visited,
       (SELECT count(DISTINCT firm_code) FROM v WHERE status = 'done'
        AND visit_on > current_date - 365) AS firms_served,
       (SELECT count(*) FROM r) AS requests,
       (SELECT count(*) FROM v) AS visits,
       (SELECT count(*) FROM v WHERE status = 'done') AS visits_done,
       (SELECT count(*) FROM v WHERE date_trunc('month', visit_on) = date_trunc('month', now()))
           AS visits_this_month,
       (SELECT count(*) FROM n) AS needs,
       (SELECT count(*) FROM n WHERE status = 'closed') AS closed,
       (SELECT count(DISTINCT (firm_code, date_trunc('month', visit_on))) FROM v) AS firm_months;

-- name: settled
SELECT n.settled_level, count(*)::int FROM needs n JOIN firms f ON f.code = n.firm_code
WHERE f.building_code LIKE :prefix || '%' AND n.status = 'closed' GROUP BY 1;

-- name: business_community
-- a business community: its buildings and firms, and its first year's figures from its
-- founding (or the last 365 days): disputes settled in it, needs of its firms solved,
-- activities held
WITH bc AS (
    SELECT code, name, street_code, established_on,
           COALESCE(established_on, current_date - 365) AS y0
    FROM business_communities WHERE code = :code
)
SELECT bc.code, bc.name, bc.street_code, bc.established_on, bc.y0,
       (SELECT count(*) FROM buildings b WHERE b.business_community_code = bc.code) AS buildings,
       (SELECT count(*) FROM firms f JOIN buildings b ON b.code = f.building_code
        WHERE b.business_community_code = bc.code) AS firms,
       (SELECT count(*) FROM cases c
        WHERE c.category_code = 'dispute' AND case_is_done(c.status)
          AND ((c.zone_kind = 'business_community' AND c.zone_code = bc.code)
               OR (c.zone_kind = 'building' AND c.zone_code LIKE bc.code || '%'))
          AND c.created_at >= bc.y0 AND c.created_at < bc.y0 + 365) AS disputes_settled,
       (SELECT count(*) FROM needs n JOIN firms f ON f.code = n.firm_code
        JOIN buildings b ON b.code = f.building_code
        WHERE b.business_community_code = bc.code AND n.status = 'closed'
          AND n.closed_at >= bc.y0 AND n.closed_at < bc.y0 + 365) AS needs_solved,
       (SELECT count(*) FROM business_activities a
        WHERE a.business_community_code = bc.code
          AND a.held_on >= bc.y0 AND a.held_on < bc.y0 + 365) AS activities
FROM bc;

-- name: community_party_orgs
-- a business community's party organisations (its branch, its buildings' governance committees
-- and its industry-chain branches), each with how many firms it spans
SELECT p.code, p.name, p.kind,
       (SELECT count(*) FROM party_org_firms x WHERE x.org_code = p.code) AS firms
FROM party_orgs p
WHERE (p.area_kind = 'business_community' AND p.area_code = :code)
   OR (p.area_kind = 'building'
       AND p.area_code IN (SELECT b.code FROM buildings b WHERE b.business_community_code = :code))
ORDER BY p.kind, p.code;
