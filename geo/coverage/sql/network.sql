-- The walking network (geo/coverage/network.py): connected components, the largest kept as main.

-- name: components
UPDATE road_edges e SET component = c.component
FROM pgr_connectedComponents('SELECT id, source, target, cost, reverse_cost FROM road_edges') c
WHERE c.node = e.source;

-- name: main
-- the largest component is the main network
UPDATE road_edges SET main = (component = (
    SELECT component FROM road_edges GROUP BY component
    ORDER BY count(*) DESC, component LIMIT 1));

-- name: report
SELECT count(*) AS edges, count(DISTINCT component) AS components,
       count(*) FILTER (WHERE main) AS main_edges,
       COALESCE(sum(length_m) FILTER (WHERE main), 0) / 1000 AS main_km,
       count(*) FILTER (WHERE NOT main) AS dropped_edges,
       COALESCE(sum(length_m) FILTER (WHERE NOT main), 0) / 1000 AS dropped_km
FROM road_edges
