-- The three lists (geo/business/needs.py). Bound parameters only.

-- name: list
-- needs of the firms in buildings whose code begins :prefix, newest first; :areas (LIKE
-- patterns, NULL for all) are the caller's (geo/access.py Caller.patterns)
SELECT n.id, n.kind, n.category, n.text, n.status, n.assignee, n.settled_level, n.note,
       n.created_at, n.closed_at, n.offer_id, n.visit_id, f.code AS firm_code,
       f.name AS firm_name, b.code AS building_code, b.name AS building_name
FROM needs n JOIN firms f ON f.code = n.firm_code JOIN buildings b ON b.code = f.building_code
WHERE b.code LIKE :prefix || '%'
  AND (CAST(:areas AS text[]) IS NULL OR b.code LIKE ANY(CAST(:areas AS text[])))
  AND (CAST(:status AS text) IS NULL OR n.status = :status)
  AND (CAST(:kind AS text) IS NULL OR n.kind = :kind)
ORDER BY n.created_at DESC, n.id DESC
LIMIT :limit;

-- name: one
SELECT n.*, f.name AS firm_name, b.code AS building_code, b.name AS building_name,
       ST_X(ST_PointOnSurface(b.geom)) AS lon, ST_Y(ST_PointOnSurface(b.geom)) AS lat
FROM needs n JOIN firms f ON f.code = n.firm_code JOIN buildings b ON b.code = f.building_code
WHERE n.id = :id;

-- name: lock
SELECT id, status FROM needs WHERE id = :id FOR UPDATE;

-- name: assign
UPDATE needs SET status = 'assigned', assignee = :assignee,
       offer_id = COALESCE(:offer_id, offer_id)
WHERE id = :id;

-- name: close
UPDATE needs SET status = 'closed', settled_level = :level, note = :note, closed_at = now(),
       offer_id = COALESCE(:offer_id, offer_id)
WHERE id = :id;

-- name: offer_exists
SELECT 1 FROM offers WHERE id = :id;

-- name: offers_for
-- offers answering a category: those without a place, and the nearest :k with one (straight
-- line first; the walk decides their order)
(SELECT id, kind, title, provider, NULL::float8 AS lon, NULL::float8 AS lat
 FROM offers WHERE category = :category AND geom IS NULL ORDER BY kind, id LIMIT 10)
UNION ALL
(SELECT id, kind, title, provider, ST_X(geom), ST_Y(geom)
 FROM offers WHERE category = :category AND geom IS NOT NULL
 ORDER BY geom <-> ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) LIMIT :k);
