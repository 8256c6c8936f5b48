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
    assert rows == {mine: "worker_patrol/worker_a", theirs: "api/street"}
    # counted per worker: the desk's list by source and reporter (me: the caller)
    listed = keyed(app, "worker_a-key").get("/api/v1/cases?source=worker_patrol&reporter=me")
    assert [c["id"] for c in listed.get_json()["items"]] == [mine]
    by_staff = keyed(app, "street-key").get("/api/v1/cases?reporter=worker_a").get_json()
    assert (by_staff["total"], by_staff["items"][0]["id"]) == (1, mine)


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


def test_a_step_retried_under_its_key_is_taken_once_even_after_anothers_step(app) -> None:  # type: ignore[no-untyped-def]
    """A phone that sent an accept and never got the answer sends it again, with the same key
    and the version it was made against: the case is answered as it stands (not a 412: the step
    was the worker's own), and the trail holds one accept."""
    case_id = report(app, "parking")
    worker = keyed(app, "worker_a-key")
    seen = worker.get(f"/api/v1/cases/{case_id}").get_json()["version"]
    sent = {"If-Match": seen, "Idempotency-Key": "phone-1"}
    url = f"/api/v1/cases/{case_id}/transitions"
    first = worker.post(url, json={"to": "accepted"}, headers=sent)
    assert first.status_code == 200
    assert (
        step(
            app, "command", case_id, "supervise", {"level": 1, "due": "2030-01-01T00:00:00+08:00"}
        ).status_code
        == 200
    )
    again = worker.post(url, json={"to": "accepted"}, headers=sent)
    assert again.status_code == 200, again.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    accepts = [
        e for e in again.get_json()["events"] if e["kind"] == "transition" and e["to"] == "accepted"
    ]
    assert len(accepts) == 1
    other = worker.post(
        url, json={"to": "resolved", "note": "好了"}, headers={**sent, "Idempotency-Key": "phone-2"}
    )
    assert other.status_code == 412  # a new step against the old version: overtaken
    desk_key = {"Idempotency-Key": "desk-1"}
    c = keyed(app, "command-key")
    once = c.post(
        f"/api/v1/cases/{case_id}/supervise",
        json={"level": 2, "due": "2030-01-02T00:00:00+08:00"},
        headers=desk_key,
    )
    twice = c.post(
        f"/api/v1/cases/{case_id}/supervise",
        json={"level": 2, "due": "2030-01-02T00:00:00+08:00"},
        headers=desk_key,
    )
    assert (once.status_code, twice.status_code) == (200, 200)
    assert twice.headers.get("Idempotent-Replayed") == "true"
    events = [e for e in twice.get_json()["events"] if e["kind"] == "supervise"]
    assert len(events) == 2  # the first 督办 and this one, not a third
