-- Life circles (geo/coverage/lifecircle.py): per compound, the services reached along the
-- network within :threshold metres. A service's providers: the facilities of its kinds
-- (:kinds, one text of codes joined by ',' per service) or listing it among their services
-- (:offered, likewise); their walks are the stored ones (facility_walks), as the coverage
-- table reads them.

-- name: reached
WITH req AS (
    SELECT s.service, string_to_array(s.kinds, ',') AS kinds,
           string_to_array(s.offered, ',') AS offered
    FROM unnest(CAST(:services AS text[]), CAST(:kinds AS text[]), CAST(:offered AS text[]))
         AS s(service, kinds, offered)
), providers AS (
    SELECT r.service, f.code
    FROM req r JOIN facilities f ON f.kind = ANY(r.kinds) OR f.services && r.offered
), reach AS (
    SELECT p.service, w.pid, min(w.d) AS d
    FROM providers p JOIN facility_walks w ON w.ref = p.code AND w.d <= :threshold
    GROUP BY p.service, w.pid
)
SELECT c.code, c.name, c.households, c.community_code, m.name AS community_name,
       COALESCE(array_agg(r.service ORDER BY r.service) FILTER (WHERE r.service IS NOT NULL),
                '{}') AS reached
FROM compounds c
JOIN communities m ON m.code = c.community_code
LEFT JOIN coverage_targets t ON t.ref = c.code
LEFT JOIN reach r ON r.pid = t.pid
WHERE c.community_code LIKE :prefix || '%'
GROUP BY c.code, c.name, c.households, c.community_code, m.name
ORDER BY c.code;
