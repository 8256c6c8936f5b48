"""Visits with the least disturbance (issue #18): overlapping requests merge into one visit, no
firm gets a second non-urgent visit within 14 days (urgent ones may), each visit goes to the
commissioner of the firm's building on their least loaded day; outcomes put needs on the lists;
the commissioner's route is never longer than filing order (demo)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.business.credit_code import check_char
from geo.business.visits import business_stats, file_request
from geo.errors import Conflict, Unprocessable
from tests.conftest import keyed
from tests.fixtures import B1

MONDAY = date(2026, 12, 7)
F1, F2 = (
    ("91330105" + b)[:17] + check_char(("91330105" + b)[:17]) for b in ("MA2H0AAA1", "MA2H0BBB2")
)


@pytest.fixture
def firms(session: Session, towers) -> None:  # type: ignore[no-untyped-def]
    for code, name in ((F1, "甲科技有限公司"), (F2, "乙贸易有限公司")):
        session.execute(
            text("INSERT INTO firms (code, name, building_code) VALUES (:c, :n, :b)"),
            {"c": code, "n": name, "b": B1},
        )


def req(firm: str, dept: str, first: date, last: date, urgent: bool = False) -> dict[str, object]:
    return {
        "firm": firm,
        "department": dept,
        "purpose": f"{dept}走访",
        "earliest": first,
        "latest": last,
        "urgent": urgent,
    }


def day(n: int) -> date:
    return MONDAY + timedelta(days=n)


def test_requests_merge_and_no_second_non_urgent_visit_within_14_days(  # type: ignore[no-untyped-def]
    session: Session, firms
) -> None:
    def file(r: dict[str, object]) -> dict[str, object]:
        return file_request(session, r, "test", 14, MONDAY)

    first = file(req(F1, "市场监管", day(0), day(11)))
    assert not first["joined"]
    visit = session.execute(
        text("SELECT * FROM visits WHERE id = :v"), {"v": first["visit_id"]}
    ).one()
    assert visit.visit_on == day(0)
    commissioner = session.execute(
        text("SELECT username FROM accounts WHERE id = :a"), {"a": visit.commissioner_id}
    ).scalar()
    assert commissioner == "building"  # the fixture's commissioner of the firm's building
    second = file(req(F1, "税务", day(3), day(13)))
    assert second["joined"]
    assert second["visit_id"] == first["visit_id"]
    merged = session.execute(
        text("SELECT * FROM visits WHERE id = :v"), {"v": first["visit_id"]}
    ).one()
    assert (merged.window_start, merged.window_end, merged.visit_on) == (day(3), day(11), day(3))
    with pytest.raises(Conflict, match=f"请申请 {day(17)} 或之后"):
        file(req(F1, "统计", day(14), day(16)))  # 11 days after the visit
    urgent = file(req(F1, "统计", day(14), day(16), urgent=True))
    assert not urgent["joined"]
    assert urgent["visit_id"] != first["visit_id"]
    later = file(req(F1, "商务", day(28), day(32)))  # 25 days on; the urgent one does not count
    assert not later["joined"]
    with pytest.raises(Unprocessable, match="没有工作日"):
        file(req(F2, "人社", day(5), day(6)))  # a weekend
    balanced = file(req(F2, "人社", day(3), day(4)))
    placed = session.execute(
        text("SELECT visit_on FROM visits WHERE id = :v"), {"v": balanced["visit_id"]}
    ).scalar()
    assert placed == day(4)  # the commissioner already visits on day(3)
    stats = business_stats(session, B1[:14])
    assert (stats["requests"], stats["visits"], stats["disturbance_saved"]) == (5, 4, 1)


def test_the_api_files_requests_and_records_outcomes(app, firms) -> None:  # type: ignore[no-untyped-def]
    dept = keyed(app, "department-key")
    today = date.today()
    body = {
        "firm": F1,
        "department": "市场监管",
        "purpose": "年报指导",
        "earliest": today.isoformat(),
        "latest": (today + timedelta(days=10)).isoformat(),
    }
    made = dept.post("/api/v1/visit-requests", json=body)
    assert made.status_code == 201, made.get_json()
    out = made.get_json()
    assert out["visit"]["commissioner"] == "building"
    assert out["visit"]["purposes"] == [{"department": "市场监管", "purpose": "年报指导"}]
    assert keyed(app, "planner-key").post("/api/v1/visit-requests", json=body).status_code == 403
    unknown = dept.post("/api/v1/visit-requests", json={**body, "firm": F1[:17] + "0"})
    assert unknown.status_code in (404, 400)
    bad = dept.post("/api/v1/visit-requests", json={**body, "department": "外星"})
    assert bad.status_code == 400
    vid = out["visit_id"]
    me = keyed(app, "building-key")
    wrong = me.post(
        f"/api/v1/visits/{vid}/outcome",
        json={"outcome": "已走访", "needs": [{"kind": "firm", "category": "食堂", "text": "x"}]},
    )
    assert wrong.status_code == 400  # 食堂 is an employee's wish: the description lists a firm's
    done = me.post(
        f"/api/v1/visits/{vid}/outcome",
        json={
            "outcome": "企业反映停车难、员工希望就近托育",
            "needs": [
                {"kind": "firm", "category": "停车", "text": "访客停车位不足"},
                {"kind": "employee", "category": "托育", "text": "希望楼宇附近有托育点"},
            ],
        },
    )
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["status"] == "done"
    assert len(done.get_json()["needs"]) == 2
    assert me.post(f"/api/v1/visits/{vid}/outcome", json={"outcome": "again"}).status_code == 409
    assert (
        keyed(app, "outsider-key")
        .post(f"/api/v1/visits/{vid}/outcome", json={"outcome": "x"})
        .status_code
        == 403
    )
    stats = keyed(app, "command-key").get(f"/api/v1/stats/business?community={B1[:14]}").get_json()
    assert (stats["needs"], stats["closed"], stats["visits_done"]) == (2, 0, 1)


@pytest.mark.demo
def test_a_commissioners_route_is_never_longer_than_filing_order(demo_url: str) -> None:
    """On the demo: five commissioners each get the requests of eight of their firms for one
    day; each day's route over the real road network is at most the filing order's length."""
    from sqlalchemy import create_engine

    from geo.business.routes import day_route

    engine = create_engine(demo_url)
    with Session(engine) as s:
        target = date.today() + timedelta(days=30)
        while target.weekday() >= 5:
            target += timedelta(days=1)
        people = s.execute(
            text(
                "SELECT a.username, min(r.code) AS area FROM accounts a "
                "JOIN account_areas r ON r.account_id = a.id "
                "WHERE a.role = 'building_commissioner' GROUP BY a.username "
                "ORDER BY a.username LIMIT 5"
            )
        ).all()
        saved = []
        for who, _area in people:
            firms = s.execute(
                text(
                    "SELECT f.code FROM firms f JOIN account_areas r ON f.building_code LIKE "
                    "r.code || '%' JOIN accounts a ON a.id = r.account_id "
                    "WHERE a.username = :u AND NOT EXISTS (SELECT 1 FROM visits v "
                    "WHERE v.firm_code = f.code AND v.status <> 'cancelled' "
                    "AND abs(v.visit_on - CAST(:d AS date)) < 14) "
                    "ORDER BY md5(f.code) LIMIT 8"
                ),
                {"u": who, "d": target},
            ).scalars()
            for f in firms:
                file_request(s, req(f, "市场监管", target, target), "test", 14, date.today())
            route = day_route(s, who, target)
            assert len(route["stops"]) >= 3
            assert route["route_m"] <= route["filing_order_m"] + 1e-6
            assert route["route_m"] > 0
            saved.append(route["filing_order_m"] - route["route_m"])
        assert max(saved) > 0  # filing order is rarely the best walk
        s.rollback()
    engine.dispose()


def test_needs_are_assigned_and_closed_at_their_level(app, firms, session: Session) -> None:  # type: ignore[no-untyped-def]
    today = date.today()
    made = file_request(session, req(F1, "商务", today, today + timedelta(days=5)), "t", 14, today)
    me = keyed(app, "building-key")
    out = me.post(
        f"/api/v1/visits/{made['visit_id']}/outcome",
        json={
            "outcome": "走访完成",
            "needs": [
                {"kind": "firm", "category": "停车", "text": "访客停车难"},
                {"kind": "employee", "category": "食堂", "text": "午餐不便"},
            ],
        },
    ).get_json()
    parking, lunch = out["needs"]
    # the list holds the needs of the caller's areas only
    assert {n["id"] for n in me.get("/api/v1/needs").get_json()} >= {parking, lunch}
    assert keyed(app, "outsider-key").get("/api/v1/needs").get_json() == []
    offer = session.execute(
        text(
            "INSERT INTO offers (kind, category, title) VALUES ('measure', '停车', '错峰共享停车') "
            "RETURNING id"
        )
    ).scalar_one()
    matched = me.get(f"/api/v1/needs/{parking}/matches").get_json()
    assert [m["title"] for m in matched] == ["错峰共享停车"]
    assert matched[0]["walk_m"] is None
    assigned = me.post(
        f"/api/v1/needs/{parking}/assign", json={"assignee": "物业", "offer_id": offer}
    ).get_json()
    assert (assigned["status"], assigned["offer_id"]) == ("assigned", offer)
    closed = me.post(
        f"/api/v1/needs/{parking}/close", json={"level": "building", "note": "开放夜间车位"}
    )
    assert closed.status_code == 200
    assert closed.get_json()["settled_level"] == "building"
    again = me.post(f"/api/v1/needs/{parking}/close", json={"level": "street", "note": "x"})
    assert again.status_code == 409
    bad = me.post(f"/api/v1/needs/{lunch}/close", json={"level": "province", "note": "x"})
    assert bad.status_code == 400
    assert (
        keyed(app, "outsider-key")
        .post(f"/api/v1/needs/{lunch}/close", json={"level": "street", "note": "x"})
        .status_code
        == 403
    )
    stats = keyed(app, "command-key").get(f"/api/v1/stats/business?community={B1[:14]}").get_json()
    assert (stats["needs"], stats["closed"], stats["closure_rate_pct"]) == (2, 1, 50.0)
    assert stats["by_settled_level"] == {"building": 1}
    listed = me.get(f"/api/v1/needs?community={B1[:14]}&status=open").get_json()
    assert [n["id"] for n in listed] == [lunch]


@pytest.mark.demo
def test_demo_needs_match_offers_nearest_on_foot(demo_url: str) -> None:
    from tests.fixtures import SETTINGS
    from webmap import create_app

    c = keyed(create_app({"DATABASE_URL": demo_url, "SETTINGS": SETTINGS}), SETTINGS.demo_key)
    lunch = next(
        n
        for n in c.get("/api/v1/needs?kind=employee&limit=1000").get_json()
        if n["category"] == "食堂"
    )
    offers = c.get(f"/api/v1/needs/{lunch['id']}/matches").get_json()
    walks = [o["walk_m"] for o in offers if o["walk_m"] is not None]
    assert len(walks) >= 3
    assert walks == sorted(walks)
    assert any(o["kind"] == "measure" for o in offers)  # 楼宇食堂与助餐点, with no place


def test_a_building_commissioner_reads_only_their_own_visits(app, firms, session: Session) -> None:  # type: ignore[no-untyped-def]
    """As with the day's route, one commissioner cannot read another's visit by its number;
    the department that asked for it and the visit's own commissioner can."""
    from geo.accounts.accounts import add_account
    from geo.accounts.apikeys import create_key

    today = date.today()
    made = keyed(app, "department-key").post(
        "/api/v1/visit-requests",
        json={
            "firm": F1,
            "department": "税务",
            "purpose": "政策辅导",
            "earliest": today.isoformat(),
            "latest": (today + timedelta(days=10)).isoformat(),
        },
    )
    vid = made.get_json()["visit_id"]
    add_account(
        session,
        "building_b",
        "building_commissioner",
        [B1],
        "pw-building-b-2026",
        must_change=False,
    )
    create_key(session, "b", key="building-b-key", account="building_b")
    session.flush()
    assert keyed(app, "building-b-key").get(f"/api/v1/visits/{vid}").status_code == 403
    assert keyed(app, "building-key").get(f"/api/v1/visits/{vid}").status_code == 200
    assert keyed(app, "department-key").get(f"/api/v1/visits/{vid}").status_code == 200


def test_two_first_requests_for_a_firm_at_once_make_one_visit(cluster) -> None:  # type: ignore[no-untyped-def]
    """Two departments ask for a firm with no visit yet at the same moment: the second waits
    for the first (the firm's row is locked; there was no visit row to lock) and joins its
    visit, where both made one before."""
    import threading
    import time

    from sqlalchemy import create_engine

    from tests.conftest import scratch_database
    from tests.fixtures import add_towers

    engine = create_engine(scratch_database(cluster, "gridmap_visit_race"))
    with Session(engine) as s:
        add_towers(s)
        s.execute(
            text("INSERT INTO firms (code, name, building_code) VALUES (:c, '甲', :b)"),
            {"c": F1, "b": B1},
        )
        s.commit()
    first, second = Session(engine), Session(engine)
    answers: dict[str, object] = {}
    try:
        made = file_request(first, req(F1, "市场监管", day(0), day(11)), "a", 14, MONDAY)

        def other() -> None:
            answers.update(file_request(second, req(F1, "税务", day(0), day(11)), "b", 14, MONDAY))
            second.commit()

        t = threading.Thread(target=other)
        t.start()
        time.sleep(0.5)
        assert t.is_alive(), "the second request did not wait for the first"
        first.commit()
        t.join(10)
        assert answers["joined"] is True
        assert answers["visit_id"] == made["visit_id"]
        with Session(engine) as s:
            n = s.execute(text("SELECT count(*) FROM visits WHERE firm_code = :f"), {"f": F1})
            assert n.scalar_one() == 1
    finally:
        first.close()
        second.close()
        engine.dispose()
