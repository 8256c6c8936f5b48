"""Case intake, idempotency, duplicates, lifecycle, masking and reassignment."""

from pathlib import Path

import geopandas as gpd
import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from data.load.upsert import load_layer
from tests.fixtures import COMMUNITY, GRID_A, GRID_B, SETTINGS, WORKER_A, m_point, m_poly

DISPATCH = {"X-API-Key": "dispatch-key"}
INSPECTOR = {"X-API-Key": "inspector-key"}  # closes (verifies) what others resolved


def new_case(client, x: float = 300, y: float = 100, key: str | None = None, **extra):  # type: ignore[no-untyped-def]
    lon, lat = m_point(x, y)
    body = {
        "lon": lon,
        "lat": lat,
        "category": "parking",
        "description": "门口车辆乱停",
        "reporter": {"name": "张三丰", "phone": "13812341234"},
        **extra,
    }
    return client.post("/api/v1/cases", json=body, headers={"Idempotency-Key": key} if key else {})


def count(session: Session) -> int:
    return session.execute(text("SELECT count(*) FROM cases")).scalar_one()


def test_new_case_is_assigned_at_once_with_an_event_trail(client) -> None:  # type: ignore[no-untyped-def]
    r = new_case(client)
    assert r.status_code == 201
    assert r.headers["Location"] == f"/api/v1/cases/{r.get_json()['id']}"
    body = r.get_json()
    assert body["status"] == "assigned"
    assert body["assignment"]["grid"]["code"] == GRID_B
    assert [(e["from"], e["to"]) for e in body["events"]] == [
        (None, "reported"),
        ("reported", "assigned"),
    ]
    assert body["category"]["sla_hours"] == 24
    assert body["overdue"] is False


def test_retry_with_the_same_idempotency_key_returns_the_same_case(client, session) -> None:  # type: ignore[no-untyped-def]
    first = new_case(client, key="abc-123")
    before = count(session)
    again = new_case(client, key="abc-123")
    assert again.status_code == 200
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["id"] == first.get_json()["id"]
    assert count(session) == before


def test_same_key_for_a_different_request_is_refused(client) -> None:  # type: ignore[no-untyped-def]
    new_case(client, key="k-1")
    r = new_case(client, key="k-1", description="另一件事")
    assert r.status_code == 422
    assert "另一请求" in r.get_json()["message"]


@pytest.mark.parametrize(
    ("patch", "status", "says"),
    [
        ({"category": "nope"}, 422, "未知的案件类别"),
        ({"description": ""}, 400, "description"),
        ({"colour": "red"}, 400, "colour"),
        ({"lon": 30.29, "lat": 120.0}, 400, "经纬度颠倒"),  # outside the described extent
        ({"crs": "mars"}, 400, "crs"),
    ],
)
def test_bad_case_requests_are_4xx_and_store_nothing(client, session, patch, status, says) -> None:  # type: ignore[no-untyped-def]
    before = count(session)
    r = new_case(client, **patch)
    assert r.status_code == status
    assert says in r.get_json()["message"]
    assert count(session) == before


def test_possible_duplicates_are_open_same_category_cases_within_250_m(client) -> None:  # type: ignore[no-untyped-def]
    first = new_case(client, 300, 100).get_json()["id"]
    far = new_case(client, 20, 100 + 0).get_json()["id"]  # 280 m west: too far
    other = new_case(client, 310, 100, category="noise").get_json()["id"]
    r = new_case(client, 320, 120).get_json()
    ids = [d["id"] for d in r["possible_duplicates"]]
    assert ids == [first]
    assert far not in ids
    assert other not in ids
    assert r["possible_duplicates"][0]["distance_m"] == pytest.approx(28.3, abs=0.5)


def test_lifecycle_moves_are_checked_and_recorded(client) -> None:  # type: ignore[no-untyped-def]
    cid = new_case(client).get_json()["id"]
    url = f"/api/v1/cases/{cid}/transitions"
    bad = client.post(url, json={"to": "closed"}, headers=DISPATCH)
    assert bad.status_code == 409
    assert "可转为：accepted、returned、duplicate、refused、parked" in bad.get_json()["message"]
    for to, who in (("accepted", DISPATCH), ("resolved", DISPATCH), ("closed", INSPECTOR)):
        r = client.post(url, json={"to": to, "note": "处理中"}, headers=who)
        assert r.status_code == 200
        assert r.get_json()["status"] == to
    final = client.post(url, json={"to": "accepted"}, headers=DISPATCH)
    assert final.status_code == 409
    assert "无（终态）" in final.get_json()["message"]
    body = client.get(f"/api/v1/cases/{cid}").get_json()
    assert [e["to"] for e in body["events"]][-3:] == ["accepted", "resolved", "closed"]
    assert body["events"][-2]["actor"] == "street"  # the account dispatch-key acts for
    assert body["events"][-1]["actor"] == "inspector"  # closing is someone else's check
    assert body["closed_at"]


def test_returned_case_goes_back_to_dispatch(client) -> None:  # type: ignore[no-untyped-def]
    cid = new_case(client).get_json()["id"]
    url = f"/api/v1/cases/{cid}/transitions"
    assert (
        client.post(url, json={"to": "returned"}, headers=DISPATCH).get_json()["status"]
        == "returned"
    )
    assert (
        client.post(url, json={"to": "assigned"}, headers=DISPATCH).get_json()["status"]
        == "assigned"
    )


def test_transitions_need_a_valid_key_and_an_existing_case(client, anonymous) -> None:  # type: ignore[no-untyped-def]
    cid = new_case(client).get_json()["id"]
    assert (
        anonymous.post(f"/api/v1/cases/{cid}/transitions", json={"to": "accepted"}).status_code
        == 401
    )
    assert (
        client.post(
            f"/api/v1/cases/{cid}/transitions",
            json={"to": "accepted"},
            headers={"X-API-Key": "wrong"},
        ).status_code
        == 403
    )
    r = client.post("/api/v1/cases/999999/transitions", json={"to": "accepted"}, headers=DISPATCH)
    assert r.status_code == 404
    assert r.get_json()["message"] == "没有编号为 999999 的案件"
    assert (
        client.post(
            f"/api/v1/cases/{cid}/transitions", json={"to": "flying"}, headers=DISPATCH
        ).status_code
        == 400
    )


def test_overdue_is_past_the_time_limit_and_not_resolved(client, session) -> None:  # type: ignore[no-untyped-def]
    cid = new_case(client).get_json()["id"]
    session.execute(
        text("UPDATE cases SET due_at = now() - interval '1 hour' WHERE id = :i"), {"i": cid}
    )
    assert client.get(f"/api/v1/cases/{cid}").get_json()["overdue"] is True
    for to in ("accepted", "resolved"):
        client.post(f"/api/v1/cases/{cid}/transitions", json={"to": to}, headers=DISPATCH)
    assert client.get(f"/api/v1/cases/{cid}").get_json()["overdue"] is False


def test_reporter_is_masked_except_for_the_cases_own_worker(client) -> None:  # type: ignore[no-untyped-def]
    """In full to its grid's worker and the street's staff; masked to the command centre;
    refused to the other grid's worker (geo/access.py)."""
    created = new_case(client, 100, 100).get_json()  # grid A: worker A's case
    assert created["reporter"] == {"name": "张**", "phone": "138****1234"}
    url = f"/api/v1/cases/{created['id']}"
    assert client.get(url).get_json()["reporter"]["phone"] == "138****1234"  # command
    assert client.get(url, headers=DISPATCH).get_json()["reporter"]["phone"] == "13812341234"
    assert client.get(url, headers={"X-API-Key": "worker_b-key"}).status_code == 403
    own = client.get(url, headers={"X-API-Key": "worker-a-key"}).get_json()
    assert own["assignment"]["worker"]["id"] == WORKER_A
    assert own["reporter"] == {"name": "张三丰", "phone": "13812341234"}
    other = new_case(client, 300, 100).get_json()["id"]  # grid B: not worker A's
    assert (
        client.get(f"/api/v1/cases/{other}", headers={"X-API-Key": "worker-a-key"}).status_code
        == 403
    )


def test_reloading_grids_reassigns_open_cases_and_leaves_closed_ones(
    client, session, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    open_id = new_case(client, 250, 100).get_json()["id"]
    closed_id = new_case(client, 260, 100).get_json()["id"]
    for to in ("accepted", "resolved", "closed"):
        who = INSPECTOR if to == "closed" else DISPATCH
        client.post(f"/api/v1/cases/{closed_id}/transitions", json={"to": to}, headers=who)
    # The shared edge moves from x = 200 to x = 300: both points now lie in grid A.
    f = tmp_path / "grids.geojson"
    gpd.GeoDataFrame(
        {"code": [GRID_A, GRID_B], "name": ["一", "二"], "community_code": [COMMUNITY] * 2},
        geometry=[
            m_poly((0, 0), (300, 0), (300, 200), (0, 200)),
            m_poly((300, 0), (400, 0), (400, 200), (300, 200)),
        ],
        crs=4326,
    ).to_file(f)
    report = load_layer(session, SETTINGS, "grids", f)
    assert report.updated == 2
    assert report.reassigned_cases == 1
    moved = client.get(f"/api/v1/cases/{open_id}").get_json()
    assert moved["assignment"]["grid"]["code"] == GRID_A
    assert moved["assignment"]["worker"]["id"] == WORKER_A
    ev = session.execute(
        text("SELECT actor, data FROM case_events WHERE case_id = :i AND kind = 'reassigned'"),
        {"i": open_id},
    ).one()
    assert ev.actor == "loader"
    assert ev.data["from"]["grid_code"] == GRID_B
    assert ev.data["to"]["grid_code"] == GRID_A
    kept = client.get(f"/api/v1/cases/{closed_id}").get_json()
    assert kept["assignment"]["grid"]["code"] == GRID_B
    assert kept["status"] == "closed"


def test_openapi_document_is_generated_from_the_request_schemas(client) -> None:  # type: ignore[no-untyped-def]
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    params = {p["name"] for p in doc["paths"]["/api/v1/locate"]["get"]["parameters"]}
    assert {"lon", "lat", "crs"} <= params
    assert "/api/v1/cases" in doc["paths"]
    assert "/api/v1/cases/batch" in doc["paths"]
    assert "http" not in str(doc.get("servers", ""))  # no external servers listed
