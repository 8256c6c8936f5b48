-- A step's guards (geo/cases/guards.py). Bound parameters only.

-- name: version
-- the case's version: its latest event (every step writes one), the row locked for the step
SELECT c.status, (SELECT COALESCE(max(e.id), 0) FROM case_events e
                  WHERE e.case_id = c.id AND e.case_created_at = c.created_at) AS version
FROM cases c WHERE c.id = :id FOR UPDATE OF c;

-- name: step_taken
-- this caller's step on the case under this Idempotency-Key, if it was taken already
SELECT 1 FROM case_events
WHERE case_id = :id AND actor = :actor AND data ->> 'idempotency_key' = :key
LIMIT 1;

-- name: mark_step
-- the caller's latest step on the case keeps the key it came with
UPDATE case_events SET data = COALESCE(data, '{}'::jsonb)
                              || jsonb_build_object('idempotency_key', CAST(:key AS text))
WHERE id = (SELECT max(id) FROM case_events WHERE case_id = :id AND actor = :actor);
