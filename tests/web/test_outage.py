"""A database that cannot be reached is a fast 503 JSON answer with Retry-After, never a 500
or an HTML page; and a connection the database dropped is not handed to the next request."""

from __future__ import annotations

import socket

from sqlalchemy import text

from geo.db import dispose_engines, get_engine
from tests.conftest import keyed
from tests.fixtures import SETTINGS, m_point


def unreachable_url() -> str:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"postgresql+psycopg://gridmap@127.0.0.1:{port}/gridmap?connect_timeout=2"


def test_every_kind_of_request_is_a_503_while_the_database_is_down() -> None:
    from webmap import create_app

    url = unreachable_url()
    client = keyed(create_app({"DATABASE_URL": url, "SETTINGS": SETTINGS}))
    lon, lat = m_point(100, 100)
    for method, path, kwargs in (
        ("get", f"/api/v1/locate?lon={lon}&lat={lat}", {}),
        ("get", "/healthz", {}),
        (
            "post",
            "/api/v1/cases",
            {"json": {"lon": lon, "lat": lat, "category": "parking", "description": "停车"}},
        ),
        ("get", "/open311/v2/requests.json", {}),
    ):
        r = getattr(client, method)(path, **kwargs)
        assert r.status_code == 503, path
        assert r.headers["Retry-After"].isdigit(), path
        body = r.get_json()
        message = body[0]["description"] if path.startswith("/open311") else body["message"]
        assert "数据库" in message, path
        if method == "post":  # it may have been written: retry with the same key
            assert "Idempotency-Key" in message
            assert body["retry_with_same_key"] is True
    dispose_engines(url)


def test_the_first_requests_after_the_connections_drop_succeed(db_url: str) -> None:
    """The database ends every backend of the app's pools (as a restart does): the next read
    is retried once on a new connection, and the next write begins on a pinged one; none of
    them fails, and the dead connections are not handed out again."""
    from webmap import create_app

    own = db_url + "&application_name=gridmap_outage_test"  # its own pools, found by name
    client = keyed(create_app({"DATABASE_URL": own, "SETTINGS": SETTINGS}))
    lon, lat = m_point(100, 100)
    locate = f"/api/v1/locate?lon={lon}&lat={lat}"
    areas = "/api/v1/coverage/areas?kind=canteen&threshold_m=450"  # a session's read
    case = {"lon": lon, "lat": lat, "category": "parking", "description": "断线后上报"}
    assert client.get(locate).status_code == 200  # connections now sit in both pools
    assert client.get(areas).status_code in (200, 503)  # 503: no walking graph in this db
    created = client.post("/api/v1/cases", json=case)
    assert created.status_code == 201
    with get_engine(db_url).connect() as admin:
        ended = admin.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE application_name = 'gridmap_outage_test'"
            )
        ).scalar()
    assert ended >= 2
    for _ in range(3):
        assert client.get(locate).status_code == 200
        again = client.post("/api/v1/cases", json=case)
        assert again.status_code == 201, again.get_json()
        assert client.get(f"/api/v1/cases/{again.get_json()['id']}").status_code == 200
    dispose_engines(own)


def test_a_request_past_its_time_budget_is_a_503_not_a_killed_worker(db_url: str) -> None:
    """The budget is PostgreSQL's statement_timeout on the app's connections: a statement that
    runs longer is cancelled and the request answered 503 with Retry-After."""
    from geo.settings import load_settings
    from webmap import create_app

    own = db_url + "&application_name=gridmap_budget_test"
    settings = load_settings({"GRIDMAP_RATE_LIMIT": "off", "GRIDMAP_REQUEST_BUDGET_S": "0.001"})
    client = keyed(create_app({"DATABASE_URL": own, "SETTINGS": settings}))
    r = client.get("/api/v1/coverage/areas?kind=canteen&threshold_m=450")  # a search
    assert r.status_code == 503
    assert "处理时限" in r.get_json()["message"]
    assert r.headers["Retry-After"].isdigit()
    dispose_engines(own)
