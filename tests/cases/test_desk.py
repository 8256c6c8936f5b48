"""The command centre's workflow (issue #29): handling units, 立案/不予立案, 派遣 to the
suggested unit, a department's scope, 核查 by someone else with rework, 督办, 挂账, the desk's
list and queues, and the inbox the steps write to."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from geo.cases.units import load_units
from tests.conftest import keyed
from tests.fixtures import COMPOUND, GRID_A, STREET, m_point


def report(app: Any, category: str, x: float = 100, y: float = 100, who: str = "street") -> int:
    lon, lat = m_point(x, y)
    body = {"lon": lon, "lat": lat, "category": category, "description": f"测试{category}"}
    r = keyed(app, f"{who}-key").post("/api/v1/cases", json=body)
    assert r.status_code == 201, r.get_json()
    return int(r.get_json()["id"])


def step(app: Any, who: str, case_id: int, name: str, body: dict[str, Any]) -> Any:
    return keyed(app, f"{who}-key").post(f"/api/v1/cases/{case_id}/{name}", json=body)


def move(app: Any, who: str, case_id: int, to: str) -> Any:
    return step(app, who, case_id, "transitions", {"to": to})


def test_units_are_listed_and_loaded_row_by_row(app, session) -> None:  # type: ignore[no-untyped-def]
    c = keyed(app, "planner-key")
    departments = c.get("/api/v1/units?kind=department").get_json()
    assert [u["code"] for u in departments] == [f"U{STREET}CG", f"U{STREET}SJ"]
    assert {u["code"] for u in c.get(f"/api/v1/units?area={GRID_A}").get_json()} >= {
        f"U{GRID_A}WG",
        f"U{STREET}JD",  # serves the street, which holds the grid
    }
    rep = load_units(
        session,
        [
            {"编码": f"U{STREET}PCS", "名称": "派出所", "类型": "department", "服务区域": STREET},
            {"编码": "X1", "名称": "坏编码", "类型": "department", "服务区域": STREET},
            {"编码": "U1234", "名称": "坏类型", "类型": "police", "服务区域": STREET},
            {"编码": "U5678", "名称": "坏区域", "类型": "utility", "服务区域": "nowhere"},
            {"编码": f"U{STREET}CG", "名称": "改名中队", "类型": "department", "服务区域": STREET},
        ],
    )
    assert (rep["inserted"], rep["updated"]) == (1, 1)
    assert [r["row"] for r in rep["rejected"]] == [2, 3, 4]
    assert "U 加" in rep["rejected"][0]["reason"]
    assert session.execute(text("SELECT count(*) FROM units WHERE code LIKE 'U5678'")).scalar() == 0


def test_a_case_is_dispatched_to_the_unit_its_category_and_place_suggest(app, session) -> None:  # type: ignore[no-untyped-def]
    """物业服务 in the compound → its property company; 占道外摆 → the street's squad; 停车 →
    the grid; the unit hears of it (a notice written with the step)."""
    expected = {
        "property_service": f"U{COMPOUND}WY",
        "outdoor_display": f"U{STREET}CG",
        "parking": f"U{GRID_A}WG",
    }
    for category, unit in expected.items():
        case_id = report(app, category)
        suggested = keyed(app, "command-key").get(f"/api/v1/cases/{case_id}/suggested-unit")
        assert suggested.get_json()["code"] == unit
        r = step(app, "command", case_id, "dispatch", {"note": "请处理"})  # command dispatches
        assert r.status_code == 200, r.get_json()
        assert (r.get_json()["status"], r.get_json()["unit"]["code"]) == ("assigned", unit)
        told = (
            session.execute(
                text("SELECT kind FROM notices WHERE case_id = :c AND unit_code = :u"),
                {"c": case_id, "u": unit},
            )
            .scalars()
            .all()
        )
        assert told == ["dispatched"]
    other = report(app, "parking")
    unknown = step(app, "street", other, "dispatch", {"unit": "U999999"})
    assert unknown.status_code == 404
    assert "处置单位" in unknown.get_json()["message"]
    assert step(app, "worker_a", other, "dispatch", {}).status_code == 403  # not a dispatcher


def test_a_department_works_only_the_cases_dispatched_to_its_units(app) -> None:  # type: ignore[no-untyped-def]
    squad = keyed(app, "squad-key")
    mine, other = report(app, "outdoor_display"), report(app, "parking")
    assert squad.get(f"/api/v1/cases/{mine}").status_code == 403  # not dispatched yet
    assert step(app, "street", mine, "dispatch", {"unit": f"U{STREET}CG"}).status_code == 200
    step(app, "street", other, "dispatch", {})
    assert squad.get(f"/api/v1/cases/{mine}").status_code == 200
    assert squad.get(f"/api/v1/cases/{other}").status_code == 403
    listed = squad.get("/api/v1/cases").get_json()
    assert [c["id"] for c in listed["items"]] == [mine]
    assert squad.get("/api/v1/inbox?unread=true").get_json()["unread"] == 1
    assert move(app, "squad", mine, "accepted").status_code == 200
    assert move(app, "squad", mine, "resolved").status_code == 200
    assert move(app, "squad", mine, "closed").status_code == 403  # verifying is not the squad's
    assert move(app, "squad", other, "accepted").status_code == 403


def test_verification_is_someone_elses_and_a_failure_is_rework(app, session) -> None:  # type: ignore[no-untyped-def]
    case_id = report(app, "parking")
    step(app, "street", case_id, "dispatch", {})
    move(app, "worker_a", case_id, "accepted")
    move(app, "worker_a", case_id, "resolved")
    own = step(app, "worker_a", case_id, "verify", {"passed": True})
    assert own.status_code == 409
    assert "处置人以外" in own.get_json()["message"]
    assert move(app, "worker_a", case_id, "closed").status_code == 409  # the same rule
    failed = step(app, "inspector", case_id, "verify", {"passed": False, "note": "未清理干净"})
    assert failed.status_code == 200, failed.get_json()
    assert (failed.get_json()["status"], failed.get_json()["rework_count"]) == ("accepted", 1)
    inbox = keyed(app, "worker_a-key").get("/api/v1/inbox").get_json()
    assert [n["kind"] for n in inbox["items"]][:2] == ["rework", "resolved"]
    move(app, "worker_a", case_id, "resolved")
    passed = step(app, "street", case_id, "verify", {"passed": True})
    assert passed.get_json()["status"] == "closed"
    assert passed.get_json()["rework_count"] == 1
    kinds = [e["kind"] for e in passed.get_json()["events"]]
    assert kinds.count("verify") == 2
    assert step(app, "street", case_id, "verify", {"passed": True}).status_code == 409


def test_register_refuse_park_and_supervise(app, session) -> None:  # type: ignore[no-untyped-def]
    a, b, c = report(app, "parking"), report(app, "noise"), report(app, "dispute")
    # intake dispatches to the grid at once; a report waiting at the desk is 'reported'
    session.execute(text("UPDATE cases SET status = 'reported' WHERE id = :b"), {"b": b})
    assert step(app, "street", a, "refuse", {"reason": ""}).status_code == 400
    refused = step(app, "street", a, "refuse", {"reason": "非本平台受理范围，请拨打 12345"})
    assert refused.get_json()["status"] == "refused", refused.get_json()
    assert step(app, "street", a, "dispatch", {}).status_code == 409
    assert step(app, "street", b, "register", {"note": "符合立案条件"}).get_json()["status"] == (
        "registered"
    )
    queues = keyed(app, "street-key").get("/api/v1/cases/queues").get_json()
    assert queues["to_dispatch"] >= 1
    assert queues["to_register"] == 0  # b was the only report waiting
    parked = step(app, "street", b, "park", {"reason": "需改造资金", "review_on": "2027-03-01"})
    assert parked.get_json()["status"] == "parked"
    assert parked.get_json()["parked"] == {"reason": "需改造资金", "review_on": "2027-03-01"}
    assert parked.get_json()["warning"] == "none"  # the clock stops
    assert (
        step(app, "worker_a", b, "park", {"reason": "x", "review_on": "2027-03-01"}).status_code
        == 403
    )
    due = "2027-01-10T18:00:00+08:00"
    sup = step(app, "command", c, "supervise", {"level": 2, "due": due, "note": "三日内办结"})
    assert sup.get_json()["supervision"]["level"] == 2
    office = keyed(app, "street-key").get("/api/v1/inbox").get_json()["items"]
    assert [n["kind"] for n in office if n["case_id"] == c] == ["supervised"]  # the supervisor
    lower = step(app, "command", c, "supervise", {"level": 1, "due": due})
    assert lower.status_code == 409
    listed = keyed(app, "street-key").get("/api/v1/cases?queue=supervised").get_json()
    assert [x["id"] for x in listed["items"]] == [c]
    assert keyed(app, "street-key").get("/api/v1/cases?queue=parked").get_json()["total"] == 1


def test_the_desk_lists_the_callers_scope_paged_and_filtered(app) -> None:  # type: ignore[no-untyped-def]
    ids = [report(app, "parking", x=100 + i) for i in range(3)] + [report(app, "noise", x=300)]
    street = keyed(app, "street-key")
    page = street.get("/api/v1/cases?limit=2").get_json()
    assert page["total"] >= 4
    assert page["total_capped"] is False
    assert len(page["items"]) == 2
    assert page["items"][0]["id"] == max(ids)  # newest first
    # every case once, page after page, by the cursor each page gives
    seen, after = [c["id"] for c in page["items"]], page["next"]
    while after:
        more = street.get(f"/api/v1/cases?limit=2&after={after}").get_json()
        seen += [c["id"] for c in more["items"]]
        after = more["next"]
    assert len(seen) == len(set(seen)) == page["total"]
    assert set(ids) <= set(seen)
    by_due = street.get("/api/v1/cases?limit=3&sort=due").get_json()
    later = street.get(f"/api/v1/cases?limit=3&sort=due&after={by_due['next']}").get_json()
    dues = [c["due_at"] for c in by_due["items"] + later["items"]]
    assert dues == sorted(dues)
    assert street.get("/api/v1/cases?after=bm90LW91cnM").status_code == 422  # not a cursor
    assert street.get("/api/v1/cases?after=0").status_code == 422

    noise = street.get("/api/v1/cases?category=noise").get_json()["items"]
    assert [c["id"] for c in noise] == [ids[3]]
    in_b = street.get("/api/v1/cases?area=330105001001002").get_json()["items"]
    assert {c["id"] for c in in_b} == {ids[3]}
    assert keyed(app, "outsider-key").get("/api/v1/cases").get_json()["total"] == 0
    assert keyed(app, "planner-key").get("/api/v1/cases").status_code == 403
    assert street.get("/api/v1/cases?queue=nope").status_code == 400


def test_a_long_lists_total_is_counted_up_to_its_cap(app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import geo.cases.desk

    for i in range(3):
        report(app, "parking", x=100 + i)
    monkeypatch.setattr(geo.cases.desk, "COUNT_CAP", 2)
    page = keyed(app, "street-key").get("/api/v1/cases?limit=1").get_json()
    assert (page["total"], page["total_capped"]) == (2, True)
    assert page["next"] is not None


def test_an_extension_is_asked_by_the_unit_and_answered_by_the_dispatcher(app, session) -> None:  # type: ignore[no-untyped-def]
    case_id = report(app, "outdoor_display")
    step(app, "street", case_id, "dispatch", {"unit": f"U{STREET}CG"})
    due0 = session.execute(text("SELECT due_at FROM cases WHERE id = :i"), {"i": case_id}).scalar()
    asked = step(app, "squad", case_id, "extension", {"hours": 24, "reason": "需协调商户"})
    assert asked.status_code == 200, asked.get_json()
    assert asked.get_json()["extension_hours"] == 24
    again = step(app, "squad", case_id, "extension", {"hours": 8, "reason": "再延"})
    assert again.status_code == 409  # one at a time
    told = keyed(app, "street-key").get("/api/v1/inbox").get_json()["items"]
    assert told[0]["kind"] == "extension"
    assert told[0]["body"]["hours"] == 24
    assert step(app, "squad", case_id, "extension/decision", {"approved": True}).status_code == 403
    ok = step(app, "street", case_id, "extension/decision", {"approved": True, "note": "同意"})
    assert ok.get_json()["extension_hours"] is None
    due1 = session.execute(text("SELECT due_at FROM cases WHERE id = :i"), {"i": case_id}).scalar()
    assert (due1 - due0).total_seconds() == 24 * 3600  # 占道外摆 counts calendar hours
    assert (
        step(app, "street", case_id, "extension/decision", {"approved": False}).status_code == 409
    )


def test_yellow_and_red_notices_are_written_once_as_cases_cross_their_times(app, session) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime, timedelta

    from geo.cases.notices import write_warnings

    case_id = report(app, "outdoor_display")
    step(app, "street", case_id, "dispatch", {"unit": f"U{STREET}CG"})
    warn, due = session.execute(
        text("SELECT warn_at, due_at FROM cases WHERE id = :i"), {"i": case_id}
    ).one()
    mine = text(
        "SELECT body->>'level' FROM notices WHERE case_id = :i AND kind = 'warning' "
        "AND unit_code = 'U' || :s || 'CG'"
    ).bindparams(s=STREET)
    write_warnings(session, warn - timedelta(minutes=1))
    assert session.execute(mine, {"i": case_id}).scalars().all() == []
    write_warnings(session, warn + timedelta(minutes=1))
    assert session.execute(mine, {"i": case_id}).scalars().all() == ["yellow"]
    write_warnings(session, due + timedelta(minutes=1))
    write_warnings(session, due + timedelta(hours=5))  # once each, however often it runs
    assert sorted(session.execute(mine, {"i": case_id}).scalars().all()) == ["red", "yellow"]
    inbox = keyed(app, "squad-key").get("/api/v1/inbox").get_json()["items"]
    assert [n["body"]["level"] for n in inbox if n["kind"] == "warning"] == ["red", "yellow"]
    # and the unit's supervisor, the office of the case's street, read by the street's staff
    office = keyed(app, "street-key").get("/api/v1/inbox").get_json()["items"]
    told = [
        n["body"]["level"] for n in office if n["kind"] == "warning" and n["case_id"] == case_id
    ]
    assert told == ["red", "yellow"]
    assert keyed(app, "worker_a-key").get("/api/v1/inbox").get_json()["unread"] == 0
    step(app, "street", case_id, "park", {"reason": "待资金", "review_on": "2027-03-01"})
    other = report(app, "outdoor_display")
    step(app, "street", other, "dispatch", {"unit": f"U{STREET}CG"})
    session.execute(text("UPDATE cases SET status = 'parked' WHERE id = :i"), {"i": other})
    write_warnings(session, datetime.now(UTC) + timedelta(days=30))
    assert session.execute(mine, {"i": other}).scalars().all() == []  # parked: no clock


def actions(app: Any, who: str, case_id: int) -> list[str]:
    r = keyed(app, f"{who}-key").get(f"/api/v1/cases/{case_id}")
    assert r.status_code == 200, r.get_json()
    return list(r.get_json()["actions"])


def test_each_case_offers_the_steps_its_reader_may_take_now_and_no_other(app, session) -> None:  # type: ignore[no-untyped-def]
    """A case's answer lists the steps the caller may take (the desk's buttons), from the
    rules the steps apply: each one offered is taken, and one not offered is refused."""
    case_id = report(app, "outdoor_display")
    session.execute(
        text("UPDATE cases SET status = 'reported', reporter_phone = '13812345678' WHERE id = :c"),
        {"c": case_id},
    )
    staff = actions(app, "street", case_id)
    assert staff == ["register", "refuse", "dispatch", "supervise"]
    assert actions(app, "command", case_id) == ["register", "refuse", "dispatch", "supervise"]
    assert actions(app, "worker_a", case_id) == []  # nothing of the desk's is a worker's
    assert actions(app, "inspector", case_id) == []
    assert step(app, "street", case_id, "dispatch", {"unit": f"U{STREET}CG"}).status_code == 200
    assert actions(app, "squad", case_id) == ["accept", "return", "extension"]
    assert "park" in actions(app, "street", case_id)
    accepted = move(app, "squad", case_id, "accepted")
    assert accepted.status_code == 200
    assert accepted.get_json()["actions"] == ["resolve", "return", "extension"]
    # a department reads the reporter masked, after a move as before
    assert accepted.get_json()["reporter"]["phone"] == "138****5678"
    resolved = move(app, "squad", case_id, "resolved")
    assert resolved.get_json()["actions"] == []  # its own work is not the squad's to verify
    assert actions(app, "inspector", case_id) == ["verify"]
    assert actions(app, "street", case_id)[:1] == ["verify"]
    refused = step(app, "squad", case_id, "verify", {"passed": True})
    assert refused.status_code == 403  # and taking it anyway is refused
    closed = step(app, "inspector", case_id, "verify", {"passed": True})
    assert closed.get_json()["actions"] == []
    assert actions(app, "street", case_id) == []


def test_the_desks_list_exports_as_a_spreadsheet_with_the_same_rows(app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """GET /api/v1/cases/export: the list's filters and order, Chinese headers, a cell that
    reads like a formula made inert; CSV in UTF-8 with a BOM."""
    import pyogrio

    a = report(app, "parking")
    b = report(app, "parking")
    keyed(app, "street-key").post(
        "/api/v1/cases", json={**_body(), "description": '=HYPERLINK("http://x")'}
    )
    c = keyed(app, "street-key")
    listed = c.get("/api/v1/cases?category=parking&sort=created").get_json()
    r = c.get("/api/v1/cases/export?category=parking&sort=created")
    assert r.status_code == 200
    assert r.mimetype.endswith("spreadsheetml.sheet")
    f = tmp_path / "cases.xlsx"
    f.write_bytes(r.data)
    table = pyogrio.read_dataframe(f, read_geometry=False, HEADERS="FORCE")
    assert list(table.columns)[:4] == ["编号", "类别", "状态", "警示"]
    assert [int(x) for x in table["编号"]] == [i["id"] for i in listed["items"]]
    assert {a, b} <= {int(x) for x in table["编号"]}
    csv = c.get("/api/v1/cases/export?format=csv&text=HYPERLINK")
    body = csv.data.decode("utf-8")
    assert body.startswith("\ufeff编号,类别")
    assert "'=HYPERLINK" in body  # inert in a spreadsheet
    assert c.get("/api/v1/cases/export?format=pdf").status_code == 400


def _body() -> dict[str, Any]:
    lon, lat = m_point(100, 100)
    return {"lon": lon, "lat": lat, "category": "parking", "description": "停车"}
