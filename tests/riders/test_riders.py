"""Couriers as the district's eyes (issue #32): a rider's reports (JSON API and Open311) are
theirs; each accepted one earns points, a refused one none; staff redeem them at a 驿站 and
never beyond the balance; riders read no case and only their own points; the cockpit's
comparison of where riders report with where grid workers patrol; riders registered from a
file by their 驿站."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from data.load.rosters import load_roster
from geo.riders.words import POINTS_PER_REPORT, RIDER_SOURCE
from tests.conftest import keyed
from tests.fixtures import m_point


def _report(app, x: float, y: float) -> int:  # type: ignore[no-untyped-def]
    lon, lat = m_point(x, y)
    r = keyed(app, "rider-key").post(
        "/api/v1/cases",
        json={"lon": lon, "lat": lat, "category": "parking", "description": "骑手随手拍"},
    )
    assert r.status_code == 201, r.get_json()
    return int(r.get_json()["id"])


def test_accepted_reports_earn_points_spent_at_a_post(app, session) -> None:  # type: ignore[no-untyped-def]
    kept, refused = _report(app, 300, 120), _report(app, 320, 120)
    got = (
        session.execute(
            text("SELECT source FROM cases WHERE id = ANY(:ids)"), {"ids": [kept, refused]}
        )
        .scalars()
        .all()
    )
    assert set(got) == {RIDER_SOURCE}
    session.execute(text("UPDATE cases SET status = 'refused' WHERE id = :id"), {"id": refused})
    session.commit()
    me = keyed(app, "rider-key").get("/api/v1/riders/me").get_json()
    assert (me["reports"], me["accepted"]) == (2, 1)
    assert me["points"] == {
        "earned": POINTS_PER_REPORT,
        "redeemed": 0,
        "balance": POINTS_PER_REPORT,
    }
    assert me["post"]["code"] == "FCP1"
    # a rider reads no case and no one else's points; staff redeem, the rider cannot
    rider = keyed(app, "rider-key")
    assert rider.get(f"/api/v1/cases/{kept}").status_code == 403
    assert rider.get("/api/v1/riders").status_code == 403
    spend = {"points": POINTS_PER_REPORT, "item": "充电宝租借", "post": "FCP1"}
    assert rider.post("/api/v1/riders/rider/redemptions", json=spend).status_code == 403
    staff = keyed(app, "street-key")
    r = staff.post("/api/v1/riders/rider/redemptions", json=spend)
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["points"]["balance"] == 0
    again = staff.post("/api/v1/riders/rider/redemptions", json=spend)
    assert again.status_code == 409
    assert "积分不足" in again.get_json()["message"]
    elsewhere = staff.post(
        "/api/v1/riders/rider/redemptions", json={**spend, "post": "NOPE", "points": 1}
    )
    assert elsewhere.status_code == 422
    listed = staff.get("/api/v1/riders?post=FCP1").get_json()
    assert [r["username"] for r in listed] == ["rider"]


def test_a_riders_open311_report_is_theirs(app, session) -> None:  # type: ignore[no-untyped-def]
    lon, lat = m_point(300, 80)
    r = app.test_client().post(
        "/open311/v2/requests.json",
        data={
            "service_code": "parking",
            "lat": lat,
            "long": lon,
            "description": "随手拍",
            "api_key": "rider-key",
        },
    )
    assert r.status_code in (200, 201), r.get_data(as_text=True)
    source = session.execute(text("SELECT source FROM cases ORDER BY id DESC LIMIT 1")).scalar_one()
    assert source == RIDER_SOURCE


def test_the_cockpit_sees_where_riders_report_against_where_workers_patrol(  # type: ignore[no-untyped-def]
    app, session
) -> None:
    _report(app, 310, 100)  # by the track below
    _report(app, 390, 190)  # a corner the round never passed
    worker = keyed(app, "worker_b-key")
    pid = worker.post("/api/v1/patrols", json={}, headers={"Idempotency-Key": "r-1"}).get_json()
    t0 = datetime.now(UTC) - timedelta(minutes=20)
    points = [
        {
            "seq": i,
            **dict(zip(("lon", "lat"), m_point(x, 100), strict=True)),
            "at": (t0 + timedelta(seconds=30 * i)).isoformat(),
            "accuracy": 5,
        }
        for i, x in enumerate(range(210, 330, 10))
    ]
    assert (
        worker.post(f"/api/v1/patrols/{pid['id']}/points", json={"points": points}).status_code
        == 200
    )
    out = keyed(app, "street-key").get("/api/v1/stats/riders?days=7").get_json()
    assert out["total"]["rider_reports"] == 2
    assert out["total"]["near_patrols"] == 1  # the one by the track; the far one was off it
    assert out["total"]["off_patrols"] == 1
    (street,) = out["streets"]
    assert street["patrol_km"] > 0.1
    nothing = keyed(app, "outsider-key").get("/api/v1/stats/riders").get_json()
    assert nothing["total"]["rider_reports"] == 0


def test_riders_register_from_a_file_by_their_post(session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "riders.csv"
    rows = [
        {"骑手账号": "xg-new", "姓名": "李四", "驿站编码": "FCP1", "电话": "13800003333"},
        {"骑手账号": "street", "姓名": "冒名", "驿站编码": "FCP1", "电话": ""},
        {"骑手账号": "xg-lost", "姓名": "王五", "驿站编码": "NOPE", "电话": ""},
    ]
    with f.open("w", encoding="utf-8-sig", newline="") as out:
        w = csv.DictWriter(out, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    report = load_roster(session, "riders", f)
    assert report.inserted == 1
    assert [r["row"] for r in report.rejected] == [2, 3]
    role = session.execute(text("SELECT role FROM accounts WHERE username = 'xg-new'")).scalar_one()
    assert role == "rider"
