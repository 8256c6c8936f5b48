-- Deliberation meetings at their place (a point on the place's surface), newest first.
SELECT m.id::text AS code, m.topic AS name,
       jsonb_build_object('kind', m.kind, 'held_on', m.held_on, 'topic_class', m.topic_class,
                          'status_label', CASE m.status WHEN 'scheduled' THEN '待议'
                                          WHEN 'decided' THEN '已议定' ELSE '已落实' END,
                          'outcome', CASE m.outcome WHEN 'agreed' THEN '达成共识'
                                     WHEN 'partly' THEN '部分共识'
                                     WHEN 'deferred' THEN '暂缓再议' END,
                          'decisions', m.decisions, 'place', p.name) AS props,
       ST_PointOnSurface(p.geom) AS geom
FROM meetings m
JOIN LATERAL (
    SELECT p.name, p.geom FROM meeting_places p
    WHERE p.kind = m.place_kind AND p.code = m.place_code
    LIMIT 1
) p ON true
WHERE p.geom && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)
ORDER BY m.held_on DESC, m.id DESC
