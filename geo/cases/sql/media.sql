-- Photos of cases (geo/cases/media.py). Bound parameters only.

-- name: count
SELECT count(*) FROM case_media WHERE case_id = :case AND stage = :stage;

-- name: store
INSERT INTO media (sha256, mime, width, height, original, public, thumb)
VALUES (:sha256, :mime, :width, :height, :original, :public, :thumb)
ON CONFLICT (sha256) DO NOTHING;

-- name: attach
INSERT INTO case_media (case_id, stage, sha256, lon, lat, uploaded_by)
SELECT CAST(:case AS bigint), CAST(:stage AS text), CAST(:sha AS varchar), :lon, :lat, :who
WHERE NOT EXISTS (
    SELECT 1 FROM case_media
    WHERE case_id = CAST(:case AS bigint) AND stage = CAST(:stage AS text)
      AND sha256 = CAST(:sha AS varchar)
)
RETURNING id;

-- name: of_case
SELECT cm.id, cm.stage, cm.sha256, cm.lon, cm.lat, cm.created_at, m.mime
FROM case_media cm JOIN media m ON m.sha256 = cm.sha256
WHERE cm.case_id = :case ORDER BY array_position(ARRAY['report', 'handling', 'verify'], cm.stage), cm.id;

-- name: public
SELECT public, thumb, mime FROM media WHERE sha256 = :sha;

-- name: report_photo
-- the first photo of each case's report, for Open311's media_url
SELECT DISTINCT ON (case_id) case_id, sha256 FROM case_media
WHERE case_id = ANY(:ids) AND stage = 'report' ORDER BY case_id, id;

-- name: is_report
SELECT 1 FROM case_media WHERE sha256 = :sha AND stage = 'report' LIMIT 1;
