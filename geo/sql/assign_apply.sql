-- Writing a set's assignment (temp table assign_output, geo/assign.py) back to cases.

-- name: pending_ids
-- the range of case ids, read from their index
SELECT min(id) AS lo, max(id) AS hi FROM cases

-- name: pending_input
-- the cases not assigned yet (the demo's generated cases) with ids in [:lo, :hi)
CREATE TEMP TABLE assign_input ON COMMIT DROP AS SELECT id, geom FROM cases
WHERE rule IS NULL AND id >= :lo AND id < :hi

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
WHERE o.id = c.id AND c.id >= :lo AND c.id < :hi;

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
