-- Writing a set's assignment (temp table assign_output, geo/assign.py) back to cases.

-- name: pending_pieces
-- Each month's partition [t0, t1) in parts of at most :piece cases, ids [lo, hi), n cases,
-- oldest first (geo/assign.py joins whole months into pieces).
SELECT r.lo AS t0, r.hi AS t1, min(k.id) AS lo, max(k.id) + 1 AS hi, count(*) AS n
FROM pg_inherits i
JOIN pg_class p ON p.oid = i.inhrelid
CROSS JOIN LATERAL case_month_range(substr(p.relname, 7)) r
CROSS JOIN LATERAL (
    SELECT id, (row_number() OVER (ORDER BY id) - 1) / :piece AS part
    FROM cases WHERE created_at >= r.lo AND created_at < r.hi
) k
WHERE i.inhparent = 'cases'::regclass AND p.relname ~ '^cases_[0-9]{4}_[0-9]{2}$'
GROUP BY r.lo, r.hi, k.part
ORDER BY r.lo, lo

-- name: pending_input
-- the cases not assigned yet (the demo's generated cases) of one piece
CREATE TEMP TABLE assign_input ON COMMIT DROP AS SELECT id, geom FROM cases
WHERE rule IS NULL AND created_at >= :t0 AND created_at < :t1 AND id >= :lo AND id < :hi

-- name: open_input
-- the open cases, for reassignment after a reload of the polygons they were assigned by
CREATE TEMP TABLE assign_input ON COMMIT DROP AS SELECT id, geom FROM cases
WHERE case_is_open(status)

-- name: apply_pending
-- pending cases take their assignment
UPDATE cases c
SET grid_code = o.grid_code, rule = o.rule, outside = o.outside, distance_m = o.distance_m,
    community_code = o.community_code, street_code = o.street_code, worker_id = o.worker_id,
    zone_kind = o.zone_kind, zone_code = o.zone_code, party_org_code = o.party_org_code,
    residential_building_code = o.residential_building_code,
    stairwell_branch_code = o.stairwell_branch_code
FROM assign_output o
WHERE o.id = c.id AND c.created_at >= :t0 AND c.created_at < :t1 AND c.id >= :lo AND c.id < :hi;

-- The reassignment script (all its steps in order):
-- step: reassignment: the open cases whose assignment moved, old and new side by side
DROP TABLE IF EXISTS reassigned;
-- step:
CREATE TEMP TABLE reassigned ON COMMIT DROP AS
SELECT c.id, c.created_at,
       jsonb_build_object('grid_code', c.grid_code, 'rule', c.rule, 'outside', c.outside,
                          'distance_m', c.distance_m, 'community_code', c.community_code,
                          'street_code', c.street_code, 'worker_id', c.worker_id,
                          'zone_kind', c.zone_kind, 'zone_code', c.zone_code,
                          'party_org_code', c.party_org_code,
                          'residential_building_code', c.residential_building_code,
                          'stairwell_branch_code', c.stairwell_branch_code) AS old,
       jsonb_build_object('grid_code', o.grid_code, 'rule', o.rule, 'outside', o.outside,
                          'distance_m', o.distance_m, 'community_code', o.community_code,
                          'street_code', o.street_code, 'worker_id', o.worker_id,
                          'zone_kind', o.zone_kind, 'zone_code', o.zone_code,
                          'party_org_code', o.party_org_code) AS new
FROM cases c
JOIN assign_output o ON o.id = c.id
WHERE (c.grid_code, c.rule, c.outside, c.distance_m, c.community_code, c.street_code,
       c.worker_id, c.zone_kind, c.zone_code, c.party_org_code, c.residential_building_code,
       c.stairwell_branch_code)
      IS DISTINCT FROM
      (o.grid_code, o.rule, o.outside, o.distance_m, o.community_code, o.street_code,
       o.worker_id, o.zone_kind, o.zone_code, o.party_org_code, o.residential_building_code,
       o.stairwell_branch_code);

-- step: move them
UPDATE cases c
SET grid_code = o.grid_code, rule = o.rule, outside = o.outside, distance_m = o.distance_m,
    community_code = o.community_code, street_code = o.street_code, worker_id = o.worker_id,
    zone_kind = o.zone_kind, zone_code = o.zone_code, party_org_code = o.party_org_code,
    residential_building_code = o.residential_building_code,
    stairwell_branch_code = o.stairwell_branch_code, updated_at = now()
FROM assign_output o
JOIN reassigned r ON r.id = o.id
WHERE o.id = c.id;

-- step: and record each move
INSERT INTO case_events (case_id, case_created_at, actor, kind, note, data)
SELECT id, created_at, :actor, 'reassigned', :reason, jsonb_build_object('from', old, 'to', new)
FROM reassigned
