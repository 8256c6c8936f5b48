-- Renewal (有机更新) projects' progress (geo/residential/renewal.py). Days are Beijing dates.

-- name: projects
SELECT p.id, p.name, p.compound_code, c.name AS compound_name, p.started_on, p.mobilised_on,
       COALESCE(b.households, 0) AS households, COALESCE(b.representatives, 0) AS representatives,
       COALESCE(b.buildings, 0) AS buildings, COALESCE(s.signed, 0) AS signed, s.last_signed_on
FROM renewal_projects p
JOIN compounds c ON c.code = p.compound_code
LEFT JOIN (SELECT project_id, sum(households)::int AS households, count(*)::int AS buildings,
                  count(representative)::int AS representatives
           FROM renewal_buildings GROUP BY project_id) b ON b.project_id = p.id
LEFT JOIN (SELECT project_id, count(*)::int AS signed,
                  max((signed_at AT TIME ZONE 'Asia/Shanghai')::date) AS last_signed_on
           FROM renewal_signings GROUP BY project_id) s ON s.project_id = p.id
WHERE (CAST(:id AS bigint) IS NULL OR p.id = :id)
  AND c.community_code LIKE :prefix || '%'
ORDER BY p.id;

-- name: buildings
SELECT rb.building_code AS code, r.name, rb.households, rb.representative, rb.group_name,
       count(s.id)::int AS signed,
       max((s.signed_at AT TIME ZONE 'Asia/Shanghai')::date) AS last_signed_on
FROM renewal_buildings rb
JOIN residential_buildings r ON r.code = rb.building_code
LEFT JOIN renewal_signings s ON s.project_id = rb.project_id AND s.building_code = rb.building_code
WHERE rb.project_id = :id
GROUP BY rb.building_code, r.name, rb.households, rb.representative, rb.group_name
ORDER BY length(r.name), r.name, rb.building_code;

-- name: daily
-- signatures per Beijing day and the running total, with the days since mobilisation
SELECT d.day, (d.day - p.mobilised_on) AS since_mobilisation, d.n::int AS signed,
       (sum(d.n) OVER (ORDER BY d.day))::int AS cumulative
FROM (SELECT (signed_at AT TIME ZONE 'Asia/Shanghai')::date AS day, count(*) AS n
      FROM renewal_signings WHERE project_id = :id GROUP BY 1) d
JOIN renewal_projects p ON p.id = :id
ORDER BY d.day;

-- name: geojson
-- the project's buildings with their share signed, as GeoJSON (the renewal page's map)
SELECT json_build_object('type', 'FeatureCollection', 'features', COALESCE(json_agg(
    json_build_object('type', 'Feature', 'id', b.code,
                      'geometry', ST_AsGeoJSON(r.geom, 6)::json,
                      'properties', json_build_object(
                          'code', b.code, 'name', r.name, 'households', b.households,
                          'signed', b.signed, 'group', b.group_name,
                          'representative', b.representative,
                          'rate_pct', round(100.0 * b.signed / NULLIF(b.households, 0), 2)))
    ORDER BY b.code), '[]'::json))::text
FROM (SELECT rb.building_code AS code, rb.households, rb.group_name, rb.representative,
             (SELECT count(*) FROM renewal_signings s
              WHERE s.project_id = rb.project_id AND s.building_code = rb.building_code)::int
                 AS signed
      FROM renewal_buildings rb WHERE rb.project_id = :id) b
JOIN residential_buildings r ON r.code = b.code;

-- name: scope
-- each building of the project: its households and signatures so far (the signing check)
SELECT rb.building_code, rb.households,
       (SELECT count(*) FROM renewal_signings s
        WHERE s.project_id = rb.project_id AND s.building_code = rb.building_code) AS signed
FROM renewal_buildings rb WHERE rb.project_id = :id;

-- name: signed
SELECT building_code, household FROM renewal_signings WHERE project_id = :id;

-- name: sign
INSERT INTO renewal_signings (project_id, building_code, household, signed_at, recorded_by)
VALUES (:id, :building_code, :household, :signed_at, :actor);
