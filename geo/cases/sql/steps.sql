-- The command centre's steps on a case (geo/cases/steps.py). Bound parameters only.

-- name: lock
SELECT status, unit_code, supervision_level, extension_hours FROM cases WHERE id = :id FOR UPDATE;

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

-- name: ask_extension
UPDATE cases SET extension_hours = :hours, updated_at = now() WHERE id = :id;

-- name: decide_extension
-- approved: the hours on the category's clock (working or calendar) from the due and warning times
UPDATE cases c SET
    due_at = CASE WHEN :approved THEN add_hours(c.due_at, c.extension_hours, k.working_hours)
             ELSE c.due_at END,
    warn_at = CASE WHEN :approved THEN add_hours(c.warn_at, c.extension_hours, k.working_hours)
              ELSE c.warn_at END,
    extension_hours = NULL, updated_at = now()
FROM categories k WHERE k.code = c.category_code AND c.id = :id;
