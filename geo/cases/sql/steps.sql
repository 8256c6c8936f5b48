-- The command centre's steps on a case (geo/cases/steps.py). Bound parameters only.

-- name: lock
SELECT status, unit_code, street_code, supervision_level, extension_hours
FROM cases WHERE id = :id FOR UPDATE;

-- name: dispatch
UPDATE cases SET status = 'assigned', unit_code = :unit, dispatched_at = now(), updated_at = now()
WHERE id = :id;

-- name: verify
UPDATE cases SET status = :to, updated_at = now(),
       closed_at = CASE WHEN :to = 'closed' THEN now() ELSE closed_at END,
       rework_count = rework_count + CASE WHEN :rework THEN 1 ELSE 0 END
WHERE id = :id;

-- name: supervise
UPDATE cases SET supervision_level = :level, supervision_due = :due, updated_at = now()
WHERE id = :id;

-- name: park
-- the clock stops (or stays stopped, an extension waiting)
UPDATE cases SET parked_reason = :reason, parked_review_on = :review,
                 paused_at = COALESCE(paused_at, now())
WHERE id = :id;

-- name: ask_extension
-- the clock stops until the answer
UPDATE cases SET extension_hours = :hours, paused_at = COALESCE(paused_at, now()),
                 updated_at = now()
WHERE id = :id;

-- name: decide_extension
-- approved: the hours on the category's clock (working or calendar) from the due and warning times
-- and the clock restarts by the working time it waited (a parked case stays paused: leaving
-- 挂账 restarts it)
UPDATE cases c SET
    due_at = add_hours(c.due_at, m.hours, m.working),
    warn_at = add_hours(c.warn_at, m.hours, m.working),
    paused_at = CASE WHEN c.status = 'parked' THEN c.paused_at END,
    extension_hours = NULL, updated_at = now()
FROM (SELECT x.id, k.working_hours AS working,
             CASE WHEN :approved THEN x.extension_hours ELSE 0 END
             + CASE WHEN x.status = 'parked' THEN 0
                    ELSE hours_between(x.paused_at, now(), k.working_hours) END AS hours
      FROM cases x JOIN categories k ON k.code = x.category_code WHERE x.id = :id) m
WHERE c.id = m.id;
