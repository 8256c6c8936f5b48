"""A commissioner's day as a walking route (issue #18): from their building service station to
each visit's building and back, over the coverage graph (pgRouting), in the order that walks
least; beside it the same stops in filing order.

Each point (the station, a building's point on its surface, WGS84) snaps onto the coverage
graph (graph_snap, definitions/30_walking.sql) and enters it at the nearer end of its piece:
the snap leg and the way along the piece are part of the walk. Distances between those nodes
come from one pgr_dijkstraCostMatrix call. The order: exact (Held-Karp) up to 10 stops, else
nearest neighbour improved by 2-opt; never longer than filing order (if filing order is
shorter, it is the route). Metres.
"""

from __future__ import annotations

import json
from itertools import combinations
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.business.answers import DayRoute, DayRouteStopsItem
from geo.errors import NotFound
from geo.sql.loader import query

EDGES = (
    "SELECT id, source, target, cost, COALESCE(reverse_cost, cost) AS reverse_cost "
    "FROM coverage_graph"
)
EXACT = 10


def _snap(session: Session, points: list[tuple[float, float]]) -> list[tuple[int, float]]:
    """Each point's graph node and the metres from the point to it."""
    rows = session.execute(
        text(
            "SELECT s.i, s.snap_m, s.frac, s.f0, s.f1, s.length_m, s.source, s.target "
            "FROM graph_snap((SELECT array_agg(ST_SetSRID(ST_MakePoint(x, y), 4326) ORDER BY i) "
            "FROM unnest(CAST(:x AS float8[]), CAST(:y AS float8[])) WITH ORDINALITY "
            "AS p(x, y, i))) s ORDER BY s.i"
        ),
        {"x": [p[0] for p in points], "y": [p[1] for p in points]},
    ).all()
    if len(rows) != len(points):
        raise NotFound("有走访点无法落到步行路网上")
    out = []
    for r in rows:
        to_source = r.snap_m + max(0.0, r.frac - r.f0) * r.length_m
        to_target = r.snap_m + max(0.0, r.f1 - r.frac) * r.length_m
        out.append(
            (int(r.source), to_source) if to_source <= to_target else (int(r.target), to_target)
        )
    return out


def distances(
    session: Session, points: list[tuple[float, float]]
) -> tuple[list[list[float]], list[int]]:
    """Walking metres between every pair of points over the coverage graph, and each point's
    graph node."""
    snapped = _snap(session, points)
    nodes = sorted({n for n, _ in snapped})
    cost: dict[tuple[int, int], float] = {}
    if len(nodes) > 1:
        for r in session.execute(
            text(
                "SELECT start_vid, end_vid, agg_cost FROM pgr_dijkstraCostMatrix(:edges, "
                "CAST(:nodes AS bigint[]), directed := false)"
            ),
            {"edges": EDGES, "nodes": nodes},
        ):
            cost[(int(r.start_vid), int(r.end_vid))] = float(r.agg_cost)
    n = len(points)
    far = 1e9  # unreachable: a stop on a piece of network cut off from the rest
    d = [[0.0] * n for _ in range(n)]
    for i, j in combinations(range(n), 2):
        (a, la), (b, lb) = snapped[i], snapped[j]
        if points[i] == points[j]:
            m = 0.0
        elif a == b:
            m = la + lb
        else:
            m = la + cost.get((a, b), cost.get((b, a), far)) + lb
        d[i][j] = d[j][i] = m
    return d, [n for n, _ in snapped]


def path_geojson(session: Session, nodes: list[int]) -> str | None:
    """The walk through nodes in order, as a GeoJSON MultiLineString of road pieces (WGS84)."""
    pairs = [(a, b) for a, b in zip(nodes, nodes[1:], strict=False) if a != b]
    if not pairs:
        return None
    starts, ends = [a for a, _ in pairs], [b for _, b in pairs]
    return session.execute(
        text(
            "SELECT ST_AsGeoJSON(ST_Multi(ST_Collect(ST_LineSubstring(e.geom, g.f0, g.f1) "
            "ORDER BY w.k, p.path_seq)), 6) "
            "FROM pgr_dijkstra(:edges, CAST(:starts AS bigint[]), CAST(:ends AS bigint[]), "
            "directed := false) p "
            "JOIN unnest(CAST(:starts AS bigint[]), CAST(:ends AS bigint[])) WITH ORDINALITY "
            "AS w(s, t, k) ON p.start_vid = w.s AND p.end_vid = w.t "
            "JOIN coverage_graph g ON g.id = p.edge "
            "JOIN road_edges e ON e.id = g.edge_id"
        ),
        {"edges": EDGES, "starts": starts, "ends": ends},
    ).scalar()


def tour_length(d: list[list[float]], order: list[int]) -> float:
    """From 0 through order and back to 0."""
    path = [0, *order, 0]
    return sum(d[a][b] for a, b in zip(path, path[1:], strict=False))


def _held_karp(d: list[list[float]]) -> list[int]:
    n = len(d)
    best: dict[tuple[int, int], tuple[float, int]] = {}
    for k in range(1, n):
        best[(1 << k, k)] = (d[0][k], 0)
    for size in range(2, n):
        for subset in combinations(range(1, n), size):
            bits = sum(1 << k for k in subset)
            for k in subset:
                prev = bits & ~(1 << k)
                best[(bits, k)] = min((best[(prev, m)][0] + d[m][k], m) for m in subset if m != k)
    full = (1 << n) - 2
    _, last = min((best[(full, k)][0] + d[k][0], k) for k in range(1, n))
    order, bits = [], full
    while last:
        order.append(last)
        bits, last = bits & ~(1 << last), best[(bits, last)][1]
    return order[::-1]


def _two_opt(d: list[list[float]], order: list[int]) -> list[int]:
    best, improved = order[:], True
    while improved:
        improved = False
        for i in range(len(best) - 1):
            for j in range(i + 1, len(best)):
                cand = best[:i] + best[i : j + 1][::-1] + best[j + 1 :]
                if tour_length(d, cand) < tour_length(d, best) - 1e-9:
                    best, improved = cand, True
    return best


def best_order(d: list[list[float]]) -> list[int]:
    """The stops (1..n-1) in the order that walks least from 0 and back."""
    n = len(d)
    filing = list(range(1, n))
    if n <= 2:
        return filing
    if n - 1 <= EXACT:
        order = _held_karp(d)
    else:
        left, order, at = set(filing), [], 0
        while left:
            at = min(left, key=lambda k: (d[at][k], k))
            order.append(at)
            left.remove(at)
        order = _two_opt(d, order)
    return order if tour_length(d, order) <= tour_length(d, filing) else filing


def day_route(session: Session, username: str, day: Any) -> DayRoute:
    """A commissioner's visits on a day: the ordered stops, `route_m`, and `filing_order_m`
    for the same stops walked in the order their requests were filed."""
    c = session.execute(
        text(query("business/visits", "commissioner")), {"u": username}
    ).one_or_none()
    if c is None:
        raise NotFound(f"没有楼宇专员「{username}」")
    station = session.execute(text(query("business/visits", "station")), {"c": c.id}).one_or_none()
    if station is None:
        raise NotFound(f"楼宇专员「{username}」的楼宇附近没有楼宇服务站")
    visits = session.execute(text(query("business/visits", "day")), {"c": c.id, "day": day}).all()
    points = [(station.lon, station.lat)] + [(v.lon, v.lat) for v in visits]
    d, nodes = distances(session, points) if visits else ([[0.0]], [])
    order = best_order(d)
    path = path_geojson(session, [nodes[k] for k in [0, *order, 0]]) if visits else None
    stops: list[DayRouteStopsItem] = [
        {
            "seq": i + 1,
            "visit_id": int(visits[k - 1].id),
            "firm": {"code": visits[k - 1].firm_code, "name": visits[k - 1].firm_name},
            "building": {
                "code": visits[k - 1].building_code,
                "name": visits[k - 1].building_name,
            },
            "status": visits[k - 1].status,
            "urgent": bool(visits[k - 1].urgent),
            "lon": round(visits[k - 1].lon, 7),
            "lat": round(visits[k - 1].lat, 7),
            "leg_m": round(d[([0, *order])[i]][k], 1),
        }
        for i, k in enumerate(order)
    ]
    route = tour_length(d, order)
    filing = tour_length(d, list(range(1, len(points))))
    return {
        "commissioner": username,
        "date": str(day),
        "station": {
            "code": station.code,
            "name": station.name,
            "lon": round(station.lon, 7),
            "lat": round(station.lat, 7),
        },
        "stops": stops,
        "route_m": round(route, 1),
        "filing_order_m": round(filing, 1),
        "saved_m": round(filing - route, 1),
        "route_m_per_visit": round(route / len(stops), 1) if stops else None,
        "path": json.loads(path) if path else None,
    }
