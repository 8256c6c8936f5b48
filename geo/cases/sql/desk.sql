-- The dispatcher's desk (geo/cases/desk.py). Bound parameters only: every filter is a
-- parameter that is NULL when not asked for. The page's order and its cursor's condition are
-- chosen by geo/cases/desk.py from fixed texts (ORDERS), never from the request.

-- name: page
-- a page of the list: the first (after NULL) or the one after a cursor (the last row's sort key
-- and id), in the index's order, so a page costs its rows whatever its depth; each row carries
-- the list's total, counted up to a cap
SELECT s.*, case_warning(s.status, s.warn_at, s.due_at, least(:at, s.paused_at)) AS warning,
       k.name AS category_name, u.name AS unit_name,
       (SELECT count(*) FROM (SELECT 1 FROM cases c WHERE /*scope*/ LIMIT :cap) x) AS total
FROM (
    SELECT c.*  -- the warning is worked out for the page's rows only (and plans 8x faster)
    FROM cases c
    WHERE /*scope*/
      AND (CAST(:after_id AS bigint) IS NULL OR /*after*/)
    ORDER BY /*order*/
    LIMIT :limit
) s
JOIN categories k ON k.code = s.category_code
LEFT JOIN units u ON u.code = s.unit_code
ORDER BY /*order_s*/;

-- name: count
-- how many rows the list holds, counted up to a cap (past it the desk says "cap+"); a page
-- carries it as its rows' total, this is for a page past the end
SELECT count(*) FROM (
    SELECT 1 FROM cases c WHERE /*scope*/ LIMIT :cap
) x;

-- name: scope
-- the filters: the caller's scope (its areas; a department's units) and what it asked for
(in_area(c.grid_code, c.zone_code, CAST(:areas AS text[]))
 OR c.unit_code LIKE ANY (CAST(:areas AS text[])))
AND (CAST(:status AS text[]) IS NULL OR c.status = ANY(CAST(:status AS text[])))
AND (CAST(:unit AS text) IS NULL OR c.unit_code = :unit)
AND (CAST(:area AS text) IS NULL OR c.grid_code LIKE :area || '%' OR c.zone_code LIKE :area || '%')
AND (CAST(:category AS text) IS NULL OR c.category_code = :category)
AND (CAST(:source AS text) IS NULL OR c.source = :source)
AND (CAST(:reporter AS text) IS NULL
     OR EXISTS (SELECT 1 FROM case_events e
                WHERE e.case_id = c.id AND e.case_created_at = c.created_at
                  AND e.kind = 'created' AND e.actor = :reporter))
AND (CAST(:supervised AS boolean) IS NULL
     OR (c.supervision_level IS NOT NULL AND case_is_open(c.status)) = :supervised)
AND (CAST(:parked AS boolean) IS NULL OR (c.status = 'parked') = :parked)
AND (CAST(:rework AS boolean) IS NULL OR (c.rework_count > 0) = :rework)
AND (CAST(:since AS timestamptz) IS NULL OR c.created_at >= :since)
AND (CAST(:until AS timestamptz) IS NULL OR c.created_at <= :until)
AND (CAST(:text AS text) IS NULL OR c.description ILIKE :text OR c.address ILIKE :text)
AND (CAST(:warning AS text) IS NULL
     OR case_warning(c.status, c.warn_at, c.due_at, least(:at, c.paused_at)) = :warning)
AND (CAST(:queue AS text) IS NULL
     OR (:queue = 'open' AND case_is_open(c.status) AND c.status <> 'parked')
     OR (:queue = 'to_register' AND c.status = 'reported')
     OR (:queue = 'to_dispatch' AND c.status IN ('registered', 'returned'))
     OR (:queue = 'to_accept' AND c.status = 'assigned')
     OR (:queue = 'in_hand' AND c.status = 'accepted')
     OR (:queue = 'to_verify' AND c.status = 'resolved')
     OR (:queue = 'supervised' AND c.supervision_level IS NOT NULL AND case_is_open(c.status))
     OR (:queue = 'parked' AND c.status = 'parked')
     OR (:queue IN ('yellow', 'red')  -- open cases (ix_cases_open_due), red past its due time
         AND c.status <> ALL ('{resolved,closed,duplicate}')
         AND (:queue = 'yellow' OR c.due_at < :at)
         AND case_warning(c.status, c.warn_at, c.due_at, least(:at, c.paused_at)) = :queue))

-- name: queues
SELECT count(*) FILTER (WHERE case_is_open(status) AND status <> 'parked') AS open,
       count(*) FILTER (WHERE status = 'reported') AS to_register,
       count(*) FILTER (WHERE status IN ('registered', 'returned')) AS to_dispatch,
       count(*) FILTER (WHERE status = 'assigned') AS to_accept,
       count(*) FILTER (WHERE status = 'accepted') AS in_hand,
       count(*) FILTER (WHERE status = 'resolved') AS to_verify,
       count(*) FILTER (WHERE case_warning(status, warn_at, due_at, least(:at, paused_at))
                              = 'yellow') AS yellow,
       count(*) FILTER (WHERE case_warning(status, warn_at, due_at, least(:at, paused_at))
                              = 'red') AS red,
       count(*) FILTER (WHERE supervision_level IS NOT NULL AND case_is_open(status))
           AS supervised,
       count(*) FILTER (WHERE status = 'parked') AS parked
FROM cases
WHERE (case_is_open(status) OR status = 'resolved')
  AND (in_area(grid_code, zone_code, CAST(:areas AS text[]))
       OR unit_code LIKE ANY (CAST(:areas AS text[])));
