-- The dispatcher's desk (geo/cases/desk.py). Bound parameters only: every filter is a
-- parameter that is NULL when not asked for.

-- name: page
WITH scoped AS (
    SELECT c.*, case_warning(c.status, c.warn_at, c.due_at, least(:at, c.paused_at)) AS warning
    FROM cases c
    WHERE (in_area(c.grid_code, c.zone_code, CAST(:areas AS text[]))
           OR c.unit_code LIKE ANY (CAST(:areas AS text[])))
      AND (CAST(:status AS text[]) IS NULL OR c.status = ANY(CAST(:status AS text[])))
      AND (CAST(:unit AS text) IS NULL OR c.unit_code = :unit)
      AND (CAST(:area AS text) IS NULL OR c.grid_code LIKE :area || '%'
           OR c.zone_code LIKE :area || '%')
      AND (CAST(:category AS text) IS NULL OR c.category_code = :category)
      AND (CAST(:supervised AS boolean) IS NULL
           OR (c.supervision_level IS NOT NULL AND case_is_open(c.status)) = :supervised)
      AND (CAST(:parked AS boolean) IS NULL OR (c.status = 'parked') = :parked)
      AND (CAST(:rework AS boolean) IS NULL OR (c.rework_count > 0) = :rework)
      AND (CAST(:since AS timestamptz) IS NULL OR c.created_at >= :since)
      AND (CAST(:until AS timestamptz) IS NULL OR c.created_at <= :until)
      AND (CAST(:text AS text) IS NULL OR c.description ILIKE :text OR c.address ILIKE :text)
      AND (CAST(:queue AS text) IS NULL
           OR (:queue = 'to_register' AND c.status = 'reported')
           OR (:queue = 'to_dispatch' AND c.status IN ('registered', 'returned'))
           OR (:queue = 'to_verify' AND c.status = 'resolved')
           OR (:queue = 'supervised' AND c.supervision_level IS NOT NULL
               AND case_is_open(c.status))
           OR (:queue = 'parked' AND c.status = 'parked')
           OR (:queue IN ('yellow', 'red')
               AND case_warning(c.status, c.warn_at, c.due_at, least(:at, c.paused_at)) = :queue))
)
SELECT s.*, k.name AS category_name, u.name AS unit_name, count(*) OVER () AS total
FROM scoped s
JOIN categories k ON k.code = s.category_code
LEFT JOIN units u ON u.code = s.unit_code
WHERE CAST(:warning AS text) IS NULL OR s.warning = :warning
ORDER BY
    CASE WHEN :sort = 'due' THEN s.due_at END ASC NULLS LAST,
    CASE WHEN :sort = 'created' THEN s.created_at END ASC,
    CASE WHEN :sort = '-updated' THEN s.updated_at END DESC,
    s.created_at DESC, s.id DESC
LIMIT :limit OFFSET :offset;

-- name: queues
SELECT count(*) FILTER (WHERE status = 'reported') AS to_register,
       count(*) FILTER (WHERE status IN ('registered', 'returned')) AS to_dispatch,
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
