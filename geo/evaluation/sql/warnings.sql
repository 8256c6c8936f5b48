-- 事件预警 (geo/evaluation/warnings.py), in the caller's areas.

-- name: spikes
-- each community × category's cases on :day and on the same weekday of the :weeks weeks
-- before it (district days); weeks_ago 0 is :day itself
WITH d AS (
    SELECT w AS weeks_ago, CAST(:day AS date) - 7 * w AS day
    FROM generate_series(0, :weeks) w
)
SELECT c.community_code, c.category_code, d.weeks_ago, count(*) AS n
FROM cases c
JOIN d ON c.created_at >= (CAST(d.day AS timestamp) AT TIME ZONE 'Asia/Shanghai')
      AND c.created_at < (CAST(d.day + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai')
WHERE c.created_at >= (CAST(CAST(:day AS date) - 7 * :weeks AS timestamp) AT TIME ZONE 'Asia/Shanghai')
  AND c.created_at < (CAST(CAST(:day AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai')
  AND c.community_code IS NOT NULL
  AND c.status <> 'duplicate'
  AND in_area(c.grid_code, c.zone_code, CAST(:areas AS text[]))
GROUP BY 1, 2, 3;

-- name: places
-- recurring places: :least or more cases of one category in the :days days up to :day, each
-- within :radius metres of another of them (DBSCAN in EPSG:4549)
WITH c AS (
    SELECT c.id, c.category_code, c.community_code, c.grid_code, c.geom,
           ST_ClusterDBSCAN(ST_Transform(c.geom, 4549), eps := :radius, minpoints := :least)
               OVER (PARTITION BY c.category_code) AS cluster
    FROM cases c
    WHERE c.created_at >= (CAST(CAST(:day AS date) + 1 - :days AS timestamp) AT TIME ZONE 'Asia/Shanghai')
      AND c.created_at < (CAST(CAST(:day AS date) + 1 AS timestamp) AT TIME ZONE 'Asia/Shanghai')
      AND c.status <> 'duplicate'
      AND in_area(c.grid_code, c.zone_code, CAST(:areas AS text[]))
)
SELECT c.category_code, k.name AS category_name, count(*) AS n,
       array_agg(c.id ORDER BY c.id) AS cases,
       mode() WITHIN GROUP (ORDER BY c.community_code) AS community_code,
       mode() WITHIN GROUP (ORDER BY c.grid_code) AS grid_code,
       ST_X(ST_Centroid(ST_Collect(c.geom))) AS lon, ST_Y(ST_Centroid(ST_Collect(c.geom))) AS lat
FROM c JOIN categories k ON k.code = c.category_code
WHERE c.cluster IS NOT NULL
GROUP BY c.category_code, k.name, c.cluster
HAVING count(*) >= :least
ORDER BY n DESC, category_code;
