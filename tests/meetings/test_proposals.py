"""A recurring place (事件预警) put to its place's next 议事会 in one click (issue #31): the
compound its cases lie in, its next scheduled meeting or a new one of the compound's kind a
week on, the open cases on the agenda and the finished ones said; who may, and what is refused."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import text

from tests.conftest import keyed
from tests.fixtures import COMPOUND, m_point

TODAY = datetime.now(ZoneInfo("Asia/Shanghai")).date()


def _reports(app, *points: tuple[float, float]) -> list[int]:  # type: ignore[no-untyped-def]
    ids = []
    for x, y in points:
        lon, lat = m_point(x, y)
        r = keyed(app, "street-key").post(
            "/api/v1/cases",
            json={"lon": lon, "lat": lat, "category": "cooking_fumes", "description": "油烟"},
        )
        assert r.status_code == 201, r.get_json()
        ids.append(int(r.get_json()["id"]))
    return ids


def test_a_recurring_place_goes_on_its_compounds_next_meeting(app, session) -> None:  # type: ignore[no-untyped-def]
    ids = _reports(app, (100, 100), (110, 100), (100, 110))
    session.execute(text("UPDATE cases SET status = 'closed' WHERE id = :id"), {"id": ids[2]})
    session.commit()
    command = keyed(app, "command-key")
    r = command.post("/api/v1/meetings/proposals", json={"cases": ids})
    assert r.status_code == 201, r.get_json()
    out = r.get_json()
    assert out["created"] is True
    m = out["meeting"]
    assert (m["place"]["kind"], m["place"]["code"]) == ("compound", COMPOUND)
    assert m["kind"] == "小区说事亭"
    assert m["status"] == "scheduled"
    assert m["held_on"] == (TODAY + timedelta(days=7)).isoformat()
    assert "油烟" in m["topic"]
    assert out["added"] == ids[:2]
    assert [a["case_id"] for a in m["agenda"]] == ids[:2]
    assert [s["case_id"] for s in out["skipped"]] == [ids[2]]
    assert "已结案" in out["skipped"][0]["reason"]
    trail = keyed(app, "street-key").get(f"/api/v1/cases/{ids[0]}").get_json()["events"]
    assert any(e["kind"] == "agenda" for e in trail)
    # again: the same meeting, nothing doubled
    again = command.post("/api/v1/meetings/proposals", json={"cases": ids}).get_json()
    assert (again["created"], again["meeting"]["id"]) == (False, m["id"])
    assert [a["case_id"] for a in again["meeting"]["agenda"]] == ids[:2]
    # a meeting scheduled sooner at the compound takes the next proposal
    sooner = (
        keyed(app, "community-key")
        .post(
            "/api/v1/meetings",
            json={
                "kind": "小区说事亭",
                "place_kind": "compound",
                "place_code": COMPOUND,
                "held_on": (TODAY + timedelta(days=2)).isoformat(),
                "topic": "例会",
                "topic_class": "其他",
            },
        )
        .get_json()
    )
    third = command.post("/api/v1/meetings/proposals", json={"cases": ids}).get_json()
    assert (third["created"], third["meeting"]["id"]) == (False, sooner["id"])


def test_who_may_propose_and_what_is_refused(app) -> None:  # type: ignore[no-untyped-def]
    ids = _reports(app, (100, 100), (110, 100), (100, 110))
    for role in ("outsider", "worker_a", "planner", "compound"):
        r = keyed(app, f"{role}-key").post("/api/v1/meetings/proposals", json={"cases": ids})
        assert r.status_code == 403, (role, r.get_json())
    staff = keyed(app, "street-key")
    assert staff.post("/api/v1/meetings/proposals", json={"cases": ids}).status_code == 201
    outside = _reports(app, (300, 100))  # grid B, in no compound, block or building
    r = staff.post("/api/v1/meetings/proposals", json={"cases": outside})
    assert r.status_code == 422
    assert "地点" in r.get_json()["message"]
    r = staff.post("/api/v1/meetings/proposals", json={"cases": [ids[0], 9_999_999]})
    assert r.status_code == 404
    assert "9999999" in r.get_json()["message"]
    assert staff.post("/api/v1/meetings/proposals", json={"cases": []}).status_code == 400
