"""Patrols (issue #30): a worker's track sent in pieces, its length and the share of the grid's
roads within 30 m of it, against the same figures computed here with shapely in EPSG:4549; who
reads whose; the purge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import shapely
from sqlalchemy import text

from tests.conftest import keyed
from tests.fixtures import ewkt, m_point

# Roads in metres (tests/fixtures.py: grid A is x 0-200, y 0-200; grid B x 200-400)
ROADS = (
    ((0, 100), (200, 100)),  # across grid A
    ((100, 0), (100, 200)),  # up grid A
    ((150, 50), (300, 50)),  # 50 m in grid A, the rest in grid B
)
WALK = [(x, 105.0) for x in range(0, 201, 20)]  # along the first road, 5 m off it


def _roads(session: Any) -> None:
    for i, (a, b) in enumerate(ROADS, start=1):
        line = shapely.LineString([m_point(*a), m_point(*b)])
        session.execute(
            text(
                "INSERT INTO road_edges (id, source, target, length_m, cost, reverse_cost, geom) "
                "VALUES (:i, :i * 10, :i * 10 + 1, 1, 1, 1, ST_GeomFromEWKT(:g))"
            ),
            {"i": 900 + i, "g": ewkt(line)},
        )
    session.commit()


def _points(walk: list[tuple[float, float]], first: int = 0, accuracy: float = 8) -> list[dict]:  # type: ignore[type-arg]
    t0 = datetime.now(UTC) - timedelta(minutes=30)
    out = []
    for i, (x, y) in enumerate(walk, start=first):
        lon, lat = m_point(x, y)
        at = (t0 + timedelta(seconds=30 * i)).isoformat()
        out.append({"seq": i, "lon": lon, "lat": lat, "at": at, "accuracy": accuracy})
    return out


def _expected() -> tuple[float, float, float]:
    grid = shapely.box(0, 0, 200, 200)
    roads = [shapely.LineString(r).intersection(grid) for r in ROADS]
    track = shapely.LineString(WALK)
    reach = track.buffer(30)
    road_m = sum(r.length for r in roads)
    return track.length, road_m, sum(r.intersection(reach).length for r in roads)


def test_a_patrols_length_and_road_coverage_match_an_independent_measure(app, session) -> None:  # type: ignore[no-untyped-def]
    _roads(session)
    worker = keyed(app, "worker_a-key")
    started = worker.post("/api/v1/patrols", json={}, headers={"Idempotency-Key": "p-1"})
    assert started.status_code == 201, started.get_json()
    pid = started.get_json()["id"]
    again = worker.post("/api/v1/patrols", json={}, headers={"Idempotency-Key": "p-1"})
    assert (again.status_code, again.get_json()["id"]) == (200, pid)  # a retry: the same patrol
    pts = _points(WALK)
    first = worker.post(f"/api/v1/patrols/{pid}/points", json={"points": pts[:6]})
    assert first.get_json() == {"received": 6, "new": 6}
    second = worker.post(f"/api/v1/patrols/{pid}/points", json={"points": pts[4:]})  # overlaps
    assert second.get_json() == {"received": 7, "new": 5}
    far = _points([(300, 180)], first=len(WALK), accuracy=80)  # fixed badly: not drawn
    assert worker.post(f"/api/v1/patrols/{pid}/points", json={"points": far}).status_code == 200
    assert worker.post(f"/api/v1/patrols/{pid}/end", json={}).status_code == 200

    day = worker.get("/api/v1/patrols").get_json()
    (p,) = day["patrols"]
    length, road_m, covered_m = _expected()
    assert p["points"] == len(WALK) + 1
    assert abs(p["length_m"] - length) < 0.5
    assert abs(p["coverage"]["road_m"] - road_m) < 0.5  # 450 m of grid A's roads
    assert abs(p["coverage"]["covered_m"] - covered_m) < 1.0  # 200 + 60 m
    assert abs(p["coverage"]["share"] - covered_m / road_m) < 0.005
    assert len(p["track"]["coordinates"]) == len(WALK)
    assert abs(p["last"]["lon"] - far[0]["lon"]) < 1e-6  # where the worker was last seen
    assert p["ended_at"] is not None


def test_a_worker_reads_and_writes_only_their_own_patrols_and_staff_read_their_areas(app) -> None:  # type: ignore[no-untyped-def]
    a = keyed(app, "worker_a-key")
    pid = a.post("/api/v1/patrols", json={}).get_json()["id"]
    a.post(f"/api/v1/patrols/{pid}/points", json={"points": _points(WALK[:3])})
    b = keyed(app, "worker_b-key")
    assert (
        b.post(f"/api/v1/patrols/{pid}/points", json={"points": _points(WALK)}).status_code == 403
    )
    assert b.get("/api/v1/patrols").get_json()["patrols"] == []
    assert b.get("/api/v1/patrols?worker=worker_a").status_code == 403
    assert [
        p["worker"] for p in keyed(app, "street-key").get("/api/v1/patrols").get_json()["patrols"]
    ] == ["worker_a"]
    assert keyed(app, "outsider-key").get("/api/v1/patrols").get_json()["patrols"] == []
    assert keyed(app, "street-key").post("/api/v1/patrols", json={}).status_code == 403
    assert a.post("/api/v1/patrols/999999/end", json={}).status_code == 404
    bad = a.post(f"/api/v1/patrols/{pid}/points", json={"points": [{"seq": 1, "lon": 0, "lat": 0}]})
    assert bad.status_code == 400


def test_patrols_older_than_the_setting_are_purged_when_one_starts(app, session) -> None:  # type: ignore[no-untyped-def]
    a = keyed(app, "worker_a-key")
    old = a.post("/api/v1/patrols", json={}).get_json()["id"]
    session.execute(
        text("UPDATE patrols SET started_at = now() - interval '91 days' WHERE id = :i"), {"i": old}
    )
    session.commit()
    a.post("/api/v1/patrols", json={})
    left = session.execute(text("SELECT count(*) FROM patrols WHERE id = :i"), {"i": old})
    assert left.scalar() == 0


def test_the_on_duty_layer_shows_where_each_worker_was_last_seen_to_their_areas_staff(app) -> None:  # type: ignore[no-untyped-def]
    a = keyed(app, "worker_a-key")
    pid = a.post("/api/v1/patrols", json={}).get_json()["id"]
    a.post(f"/api/v1/patrols/{pid}/points", json={"points": _points(WALK[:4])})
    lon0, lat0 = m_point(-500, -500)
    lon1, lat1 = m_point(900, 700)
    url = f"/api/v1/layers/on_duty.geojson?bbox={lon0},{lat0},{lon1},{lat1}"
    seen = keyed(app, "street-key").get(url).get_json()["features"]
    assert [f["properties"]["worker"] for f in seen] == ["worker_a"]
    last = _points(WALK[:4])[-1]
    assert seen[0]["geometry"]["coordinates"] == [round(last["lon"], 6), round(last["lat"], 6)]
    assert seen[0]["properties"]["state"] == "巡查中"
    assert keyed(app, "outsider-key").get(url).get_json()["features"] == []
    assert keyed(app, "planner-key").get(url).status_code == 403
