"""Playback (issue #31): the cases layer at a past moment shows the cases reported that day
before it, each with the status its trail had reached then, through the GeoJSON and the tiles
alike; the live layer is untouched."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pyogrio
from sqlalchemy import text

from geo.cases.partitions import ensure_months
from tests.conftest import keyed
from tests.fixtures import COMMUNITY, GRID_A, STREET, m_point
from webmap.tiles import tile_of

DAY = datetime(2026, 10, 5, tzinfo=ZoneInfo("Asia/Shanghai"))
H = timedelta(hours=1)
# the case's trail: reported 10:00, accepted 11:00, resolved 13:00, closed 15:00; due 12:00
TRAIL = [
    (10, "created", "reported"),
    (11, "transition", "accepted"),
    (13, "transition", "resolved"),
    (15, "verify", "closed"),
]


def _plant(session) -> int:  # type: ignore[no-untyped-def]
    ensure_months(session, DAY, DAY + 2 * 24 * H)
    lon, lat = m_point(50, 100)
    t0 = DAY + 10 * H
    cid: int = session.execute(
        text(
            "INSERT INTO cases (received_lon, received_lat, received_crs, geom, category_code, "
            "description, status, created_at, updated_at, grid_code, community_code, "
            "street_code, due_at, closed_at) VALUES (:lon, :lat, 'wgs84', "
            "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), 'parking', '回放', 'closed', :t, :u, "
            ":grid, :community, :street, :due, :u) RETURNING id"
        ),
        {
            "lon": lon,
            "lat": lat,
            "t": t0,
            "u": DAY + 15 * H,
            "due": DAY + 12 * H,
            "grid": GRID_A,
            "community": COMMUNITY,
            "street": STREET,
        },
    ).scalar_one()
    for hour, kind, to in TRAIL:
        session.execute(
            text(
                "INSERT INTO case_events (case_id, case_created_at, at, actor, kind, to_status) "
                "VALUES (:c, :t, :at, 'test', :k, :to)"
            ),
            {"c": cid, "t": t0, "at": DAY + hour * H, "k": kind, "to": to},
        )
    session.commit()
    return cid


def _at(hours: float) -> str:
    return (DAY + hours * H).isoformat().replace("+", "%2B")


def test_the_layer_at_a_past_moment_shows_that_days_cases_as_they_stood(app, session) -> None:  # type: ignore[no-untyped-def]
    cid = _plant(session)
    c = keyed(app, "street-key")

    def seen(hours: float) -> dict[str, object] | None:
        r = c.get(f"/api/v1/layers/cases.geojson?at={_at(hours)}")
        assert r.status_code == 200, r.get_json()
        mine = [f["properties"] for f in r.get_json()["features"] if f["id"] == str(cid)]
        return mine[0] if mine else None

    assert seen(10) is None  # reported at 10:00, not before it
    assert seen(9) is None
    at_1030 = seen(10.5)
    assert at_1030 is not None
    assert (at_1030["status"], at_1030["overdue"]) == ("reported", False)
    assert seen(11.5)["status"] == "accepted"  # type: ignore[index]
    late = seen(12.5)  # accepted, past its 12:00 due time, still open
    assert late is not None
    assert (late["status"], late["overdue"]) == ("accepted", True)
    assert seen(14)["status"] == "resolved"  # type: ignore[index]
    done = seen(24)
    assert done is not None
    assert (done["status"], done["overdue"]) == ("closed", False)
    assert seen(24 + 11) is None  # the next day replays the next day's cases only
    # live: closed long ago, so not on the map at all
    live = c.get("/api/v1/layers/cases.geojson").get_json()["features"]
    assert str(cid) not in {f["id"] for f in live}
    # another district's staff replay none of it
    other = keyed(app, "outsider-key").get(f"/api/v1/layers/cases.geojson?at={_at(14)}")
    assert str(cid) not in {f["id"] for f in other.get_json()["features"]}
    bad = c.get("/api/v1/layers/cases.geojson?at=2026-10-05T14:00:00")  # no offset
    assert bad.status_code in (400, 422)
    assert "at" in bad.get_data(as_text=True)


def test_the_tiles_replay_the_same_moment(app, session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cid = _plant(session)
    c = keyed(app, "street-key")
    z = 15
    x, y = tile_of(*m_point(50, 100), z)

    def status(hours: float) -> list[str]:
        r = c.get(f"/tiles/cases/{z}/{x}/{y}.mvt?at={_at(hours)}")
        assert r.status_code == 200
        if not r.data:
            return []
        f = tmp_path / f"{hours}" / str(z) / str(x) / f"{y}.pbf"
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_bytes(r.data)
        gdf = pyogrio.read_dataframe(f, layer="cases")
        return list(gdf.loc[gdf["code"] == str(cid), "status"])

    assert status(9) == []
    assert status(11.5) == ["accepted"]
    assert status(14) == ["resolved"]  # a tile of another moment, not the cached one
    assert status(11.5) == ["accepted"]
    r = c.get(f"/tiles/cases/{z}/{x}/{y}.mvt?at=yesterday")
    assert r.status_code == 400
    assert "at" in r.get_json()["message"]
