"""What the worker's phone asks of the cases API (issue #30): a move made offline carries the
case's version and is refused (412) if someone else's step came since; a worker's own report
is 主动发现 and names them; 是这件吗 before sending; the to-do list's queues."""

from __future__ import annotations

from sqlalchemy import text

from tests.cases.test_desk import move, report, step
from tests.conftest import keyed
from tests.fixtures import m_point


def test_a_move_against_an_old_version_is_refused_and_changes_nothing(app) -> None:  # type: ignore[no-untyped-def]
    case_id = report(app, "parking")
    worker = keyed(app, "worker_a-key")
    seen = worker.get(f"/api/v1/cases/{case_id}").get_json()["version"]
    # meanwhile the desk takes it back from the grid and dispatches it to the grid again
    assert move(app, "worker_a", case_id, "returned").status_code == 200
    assert step(app, "command", case_id, "dispatch", {}).status_code == 200
    late = worker.post(
        f"/api/v1/cases/{case_id}/transitions",
        json={"to": "accepted"},
        headers={"If-Match": f'"{seen}"'},
    )
    assert late.status_code == 412, late.get_json()
    assert "已被他人处理" in late.get_json()["message"]
    now = worker.get(f"/api/v1/cases/{case_id}").get_json()
    assert now["status"] == "assigned"  # nothing applied
    fresh = worker.post(
        f"/api/v1/cases/{case_id}/transitions",
        json={"to": "accepted"},
        headers={"If-Match": now["version"]},
    )
    assert fresh.status_code == 200
    assert fresh.get_json()["version"] != now["version"]
    verify = keyed(app, "inspector-key").post(
        f"/api/v1/cases/{case_id}/verify", json={"passed": True}, headers={"If-Match": seen}
    )
    assert verify.status_code == 412  # the desk's steps read it too


def test_a_workers_own_report_is_主动发现_and_names_them(app, session) -> None:  # type: ignore[no-untyped-def]
    mine = report(app, "parking", who="worker_a")
    theirs = report(app, "parking", who="street")
    rows = dict(
        session.execute(
            text(
                "SELECT c.id, c.source || '/' || e.actor FROM cases c JOIN case_events e "
                "ON e.case_id = c.id AND e.kind = 'created' WHERE c.id IN (:a, :b)"
            ),
            {"a": mine, "b": theirs},
        ).all()
    )
    assert rows == {mine: "grid_worker/worker_a", theirs: "api/street"}


def test_before_sending_the_phone_asks_是这件吗(app) -> None:  # type: ignore[no-untyped-def]
    near = report(app, "parking", 100, 100)
    report(app, "noise", 100, 100)  # another category
    report(app, "parking", 100, 190)  # 90 m away: inside the 250 m radius too
    lon, lat = m_point(105, 100)
    worker = keyed(app, "worker_a-key")
    found = worker.get(f"/api/v1/cases/nearby?lon={lon}&lat={lat}&category=parking").get_json()
    assert found[0]["id"] == near
    assert found[0]["description"] == "测试parking"
    assert {f["distance_m"] < 100 for f in found} == {True}
    assert len(found) == 2
    planner = keyed(app, "planner-key")
    assert (
        planner.get(f"/api/v1/cases/nearby?lon={lon}&lat={lat}&category=parking").status_code == 403
    )


def test_the_to_do_lists_queues_count_what_waits_for_acceptance_and_what_is_in_hand(app) -> None:  # type: ignore[no-untyped-def]
    worker = keyed(app, "worker_a-key")
    a, b = report(app, "parking"), report(app, "parking")
    assert move(app, "worker_a", b, "accepted").status_code == 200
    queues = worker.get("/api/v1/cases/queues").get_json()
    assert (queues["to_accept"], queues["in_hand"]) == (1, 1)
    listed = worker.get("/api/v1/cases?queue=to_accept").get_json()["items"]
    assert [c["id"] for c in listed] == [a]
    assert keyed(app, "worker_b-key").get("/api/v1/cases?queue=to_accept").get_json()["items"] == []
