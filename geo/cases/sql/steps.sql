-- The command centre's steps on a case (geo/cases/steps.py). Bound parameters only.

-- name: lock
SELECT status, unit_code, supervision_level FROM cases WHERE id = :id FOR UPDATE;

-- name: dispatch
UPDATE cases SET status = 'assigned', unit_code = :unit, updated_at = now() WHERE id = :id;

-- name: verify
UPDATE cases SET status = :to, updated_at = now(),
       closed_at = CASE WHEN :to = 'closed' THEN now() ELSE closed_at END,
       rework_count = rework_count + CASE WHEN :rework THEN 1 ELSE 0 END
WHERE id = :id;

-- name: supervise
UPDATE cases SET supervision_level = :level, supervision_due = :due, updated_at = now()
WHERE id = :id;

-- name: park
UPDATE cases SET parked_reason = :reason, parked_review_on = :review WHERE id = :id;
