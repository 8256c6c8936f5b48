-- Cases on maps: no reporter, ever. Open cases, plus closed ones of the last 24 hours: each
-- read by its own index (the open cases' partial GiST index, and updated_at), so a box costs
-- what it shows, not the closed cases of every year beneath it.
-- Playback (:at, a past moment): the cases reported on that day (district time; midnight ends
-- the day before) before :at, each as it stood then (the status its trail had reached before
-- :at, overdue if its due time had passed while it was still open); read from that day's
-- partition and its time index.
-- So :at = 14:00 shows what the hourly series (geo/evaluation/series.py) counts in 00–13 h.
SELECT c.id::text AS code, k.name AS name,
       jsonb_build_object('id', c.id, 'category', k.name, 'category_code', c.category_code,
                          'status', s.status, 'status_label', case_status_label(s.status),
                          'description', c.description, 'address', c.address,
                          'created_at', to_char(c.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'),
                          'created_iso', c.created_at,
                          'grid', c.grid_code, 'grid_code', c.grid_code,
                          'overdue', case_is_open(s.status)
                                     AND COALESCE(CAST(:at AS timestamptz), now()) > c.due_at) AS props,
       c.geom,
       -- when the clock alone changes the row (layers/frames.py): an open case turns overdue at
       -- its due time, a closed one leaves 24 hours after; a past moment's never
       CASE WHEN CAST(:at AS timestamptz) IS NOT NULL THEN NULL
            WHEN case_is_open(s.status) THEN CASE WHEN c.due_at > now() THEN c.due_at END
            ELSE c.updated_at + interval '24 hours' END AS changes_at
FROM (SELECT * FROM cases WHERE CAST(:at AS timestamptz) IS NULL AND case_is_open(status)
        AND geom && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)
      UNION ALL
      SELECT * FROM cases WHERE CAST(:at AS timestamptz) IS NULL AND NOT case_is_open(status)
        AND updated_at > now() - interval '24 hours'
        AND geom && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)
      UNION ALL
      SELECT * FROM cases
      WHERE created_at >= CAST(date_trunc('day', (CAST(:at AS timestamptz) - interval '1 microsecond')
                                                  AT TIME ZONE 'Asia/Shanghai')
                               AS timestamp) AT TIME ZONE 'Asia/Shanghai'
        AND created_at < CAST(:at AS timestamptz)
        AND geom && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)) c
JOIN categories k ON k.code = c.category_code
CROSS JOIN LATERAL (
    SELECT CASE WHEN CAST(:at AS timestamptz) IS NULL THEN c.status
                ELSE COALESCE((SELECT e.to_status FROM case_events e
                               WHERE e.case_id = c.id AND e.case_created_at = c.created_at
                                 AND e.at < CAST(:at AS timestamptz) AND e.to_status IS NOT NULL
                               ORDER BY e.at DESC, e.id DESC LIMIT 1), 'reported') END AS status
) s
WHERE true
  AND (CAST(:grid AS text) IS NULL OR c.grid_code = CAST(:grid AS text))
  AND in_area(c.grid_code, c.zone_code, CAST(:areas AS text[]))  -- the caller's areas (geo/access.py)
