-- 在岗: where each grid worker on patrol today (a district day) was last seen, from the latest
-- point their phone sent (geo/patrols/); only the patrols of the caller's areas (geo/access.py).
SELECT t.username AS code, t.username AS name,
       jsonb_build_object('worker', t.username, 'grid', g.name, 'grid_code', t.grid_code,
                          'started', to_char(t.started_at AT TIME ZONE 'Asia/Shanghai', 'HH24:MI'),
                          'seen', to_char(t.seen AT TIME ZONE 'Asia/Shanghai', 'HH24:MI'),
                          'state', CASE WHEN t.ended_at IS NULL THEN '巡查中' ELSE '已结束' END)
           AS props,
       t.geom
FROM (SELECT DISTINCT ON (p.account_id) p.account_id, p.username, p.grid_code, p.started_at,
             p.ended_at, last.at AS seen, last.geom
      FROM patrols p
      JOIN LATERAL (SELECT pp.at, pp.geom FROM patrol_points pp WHERE pp.patrol_id = p.id
                    ORDER BY pp.seq DESC LIMIT 1) last ON true
      WHERE p.started_at >= (date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai')
                             AT TIME ZONE 'Asia/Shanghai')
        AND in_area(p.grid_code, NULL, CAST(:areas AS text[]))  -- the caller's areas
      ORDER BY p.account_id, p.started_at DESC) t
LEFT JOIN grids g ON g.code = t.grid_code
WHERE t.geom && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)
