"""A database that cannot be reached is a fast 503 JSON answer with Retry-After, never a 500
or an HTML page; and a connection the database dropped is not handed to the next request."""

from __future__ import annotations

import socket

from sqlalchemy import text

from geo.db import dispose_engines, get_engine
from tests.fixtures import SETTINGS, m_point


def unreachable_url() -> str:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"postgresql+psycopg://gridmap@127.0.0.1:{port}/gridmap?connect_timeout=2"


def test_every_kind_of_request_is_a_503_while_the_database_is_down() -> None:
    from webmap import create_app

    url = unreachable_url()
    client = create_app({"DATABASE_URL": url, "SETTINGS": SETTINGS}).test_client()
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
    dispose_engines(url)


def test_a_dropped_read_connection_is_not_reused(db_url: str) -> None:
    """The database ends the backend under a pooled /locate connection: that request is a 503,
    and the next one gets a new connection and succeeds."""
    from webmap import create_app

    own = db_url + "&application_name=gridmap_outage_test"  # its own pools, found by name
    client = create_app({"DATABASE_URL": own, "SETTINGS": SETTINGS}).test_client()
    url = "/api/v1/locate?lon={}&lat={}".format(*m_point(100, 100))
    assert client.get(url).status_code == 200  # a connection now sits in the pool
    with get_engine(db_url).connect() as admin:
        admin.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = 'gridmap_outage_test'"
            )
        )
    assert client.get(url).status_code == 503  # the pool hands out the dead connection once
    assert client.get(url).status_code == 200  # … and never again: a new one answers
    dispose_engines(own)


def test_a_request_past_its_time_budget_is_a_503_not_a_killed_worker(db_url: str) -> None:
    """The budget is PostgreSQL's statement_timeout on the app's connections: a statement that
    runs longer is cancelled and the request answered 503 with Retry-After."""
    from geo.settings import load_settings
    from webmap import create_app

    own = db_url + "&application_name=gridmap_budget_test"
    settings = load_settings({"GRIDMAP_RATE_LIMIT": "off", "GRIDMAP_REQUEST_BUDGET_S": "0.001"})
    client = create_app({"DATABASE_URL": own, "SETTINGS": settings}).test_client()
    r = client.get("/api/v1/coverage/areas?kind=canteen&threshold_m=500")
    assert r.status_code == 503
    assert "处理时限" in r.get_json()["message"]
    assert r.headers["Retry-After"].isdigit()
    dispose_engines(own)
