-- Case queries (geo/cases/workflow.py). Bound parameters only.

-- name: insert
-- a second case with the same Idempotency-Key from the same caller (:scope) fails on
-- ix_case_keys_idempotency (written by the trigger case_keys_insert)
INSERT INTO cases (received_lon, received_lat, received_crs, geom, category_code, description,
                   address, reporter_name, reporter_phone, source, status, grid_code, rule, outside,
                   distance_m, community_code, street_code, worker_id, zone_kind, zone_code,
                   party_org_code, residential_building_code, stairwell_branch_code,
                   idempotency_scope, idempotency_key, request_hash, due_at, warn_at,
                   dispatch_due_at, dispatched_at)
SELECT :received_lon, :received_lat, :received_crs, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326),
       k.code, :description, :address, :reporter_name, :reporter_phone, :source, 'assigned',
       :grid_code, :rule, :outside, :distance_m, :community_code, :street_code, :worker_id,
       :zone_kind, :zone_code, :party_org_code, :residential_building_code,
       :stairwell_branch_code, :scope, :idempotency_key, :request_hash,
       case_due(k.code, now()), case_due(k.code, now(), 0.8), case_dispatch_due(k.code, now()),
       now()
FROM categories k WHERE k.code = :category
RETURNING id;

-- name: by_key
SELECT c.id, c.request_hash FROM case_keys k JOIN cases c ON c.id = k.case_id
WHERE k.idempotency_scope = :scope AND k.idempotency_key = :key;

-- name: duplicates
-- open cases of the same category within :radius_m metres and :window_h hours, nearest first
SELECT c.id, c.status, c.description, c.created_at,
       round(ST_Distance(c.geom::geography, p.geom::geography)::numeric, 1)::float8 AS distance_m
FROM cases c, (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) AS geom) p
WHERE c.category_code = :category
  AND case_is_open(c.status)
  AND c.created_at >= now() - make_interval(secs => :window_h * 3600)
  AND c.id <> :exclude
  AND c.geom && ST_Expand(p.geom, deg_box(:radius_m))
  AND ST_DWithin(c.geom::geography, p.geom::geography, :radius_m)
ORDER BY distance_m, c.id
LIMIT 5;

-- name: get
-- one case with its names
SELECT c.*, ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat, k.name AS category_name,
       k.sla_hours, k.dispatch_hours, k.kind AS category_kind, k.group_code, k.group_name,
       k.national_code,
       (SELECT COALESCE(max(e.id), 0) FROM case_events e
        WHERE e.case_id = c.id AND e.case_created_at = c.created_at) AS version,
       s.name AS street_name, m.name AS community_name, g.name AS grid_name,
       zp.name AS zone_name, o.name AS party_name, o.kind AS party_kind, w.name AS worker_name,
       rb.name AS residential_building_name, sb.name AS stairwell_branch_name,
       case_warning(c.status, c.warn_at, c.due_at, least(now(), c.paused_at)) = 'red'
           AS overdue,
       case_warning(c.status, c.warn_at, c.due_at, least(now(), c.paused_at)) AS warning,
       u.name AS unit_name
FROM cases c
JOIN categories k ON k.code = c.category_code
LEFT JOIN units u ON u.code = c.unit_code
LEFT JOIN streets s ON s.code = c.street_code
LEFT JOIN communities m ON m.code = c.community_code
LEFT JOIN grids g ON g.code = c.grid_code
LEFT JOIN zone_polygons zp ON zp.kind = c.zone_kind AND zp.code = c.zone_code
LEFT JOIN party_orgs o ON o.code = c.party_org_code
LEFT JOIN workers w ON w.id = c.worker_id
LEFT JOIN residential_buildings rb ON rb.code = c.residential_building_code
LEFT JOIN party_orgs sb ON sb.code = c.stairwell_branch_code
WHERE c.id = :id;

-- name: events
-- events of a case, oldest first; a batch-imported case begins with its import record
SELECT at, actor, kind, from_status, to_status, note FROM (
    SELECT e.id, e.at, e.actor, e.kind, e.from_status, e.to_status, e.note
    FROM case_events e WHERE e.case_id = :id
    UNION ALL
    SELECT 0, c.created_at, c.source, 'created', NULL, 'assigned',
           '批量导入并按规则派单' || CASE WHEN i.id IS NULL THEN '' ELSE
               format('(导入记录 %s:文件 %s… 第 %s–%s 行)',
                      i.id, left(i.digest, 12), i.first_row, i.last_row) END
    FROM cases c LEFT JOIN case_imports i ON i.id = c.import_id
    WHERE c.id = :id AND c.import_id IS NOT NULL
) h
ORDER BY at, id;

-- name: lock
SELECT status FROM cases WHERE id = :id FOR UPDATE;

-- name: move
UPDATE cases SET status = :to, updated_at = now(),
       closed_at = CASE WHEN :to = 'closed' THEN now() ELSE closed_at END
WHERE id = :id;

-- name: event
INSERT INTO case_events (case_id, case_created_at, actor, kind, from_status, to_status, note, data)
SELECT :id, c.created_at, :actor, :kind, :from_status, :to_status, :note, CAST(:data AS jsonb)
FROM cases c WHERE c.id = :id

-- name: place
-- where a case is, for the access check (geo/access.py) before it is read or moved
SELECT grid_code, zone_code, unit_code FROM cases WHERE id = :id;

-- name: places
-- where each of several live cases is (a meeting's agenda), in one query
SELECT id, grid_code, zone_code, unit_code FROM cases WHERE id = ANY(:ids);

-- name: resolver
-- who resolved the case last (its latest move to resolved)
SELECT actor FROM case_events WHERE case_id = :id AND to_status = 'resolved'
ORDER BY at DESC, id DESC LIMIT 1;

-- name: told
-- whom a move tells: the case's grid, and who dispatched it last
SELECT c.grid_code,
       (SELECT e.actor FROM case_events e WHERE e.case_id = c.id AND e.kind = 'dispatch'
        ORDER BY e.at DESC, e.id DESC LIMIT 1) AS dispatcher
FROM cases c WHERE c.id = :id;

-- name: unpark
-- a case leaving 挂账: its due and warning times move on by the time it was parked, on its
-- category's clock (the working hours that passed); an extension still waiting keeps it paused
UPDATE cases c SET
    due_at = add_hours(c.due_at, hours_between(c.paused_at, now(), k.working_hours),
                       k.working_hours),
    warn_at = add_hours(c.warn_at, hours_between(c.paused_at, now(), k.working_hours),
                        k.working_hours),
    paused_at = NULL
FROM categories k
WHERE k.code = c.category_code AND c.id = :id AND c.paused_at IS NOT NULL
  AND c.extension_hours IS NULL;

-- name: photo_missing
-- a case whose category needs a handling photo to be resolved, and has none
SELECT k.photo_required AND NOT EXISTS (
    SELECT 1 FROM case_media m WHERE m.case_id = c.id AND m.stage = 'handling')
FROM cases c JOIN categories k ON k.code = c.category_code WHERE c.id = :id;
