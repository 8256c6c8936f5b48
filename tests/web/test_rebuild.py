"""Reads never write: a request that finds a derived table stale answers 503 with Retry-After
and does not rebuild it; a rebuild queued off the request path does, and then it answers."""

from __future__ import annotations

import time

from sqlalchemy import create_engine, text

from geo.db import dispose_engines
from tests.conftest import keyed, scratch_database
from tests.fixtures import SETTINGS, m_point


def test_a_stale_table_is_a_503_until_the_queued_rebuild_has_run(cluster) -> None:  # type: ignore[no-untyped-def]
    from webmap import create_app

    url = scratch_database(cluster, "gridmap_rebuild")
    engine = create_engine(url)
    lon, lat = m_point(300, 50)
    with engine.begin() as c:  # a change made outside the loaders: nothing rebuilds it
        c.execute(
            text(
                "INSERT INTO facilities (code, name, kind, geom) VALUES "
                "('C9', '新食堂', 'canteen', ST_SetSRID(ST_MakePoint(:x, :y), 4326))"
            ),
            {"x": lon, "y": lat},
        )
    client = keyed(create_app({"DATABASE_URL": url, "SETTINGS": SETTINGS}))
    first = client.get("/api/v1/coverage?kind=canteen&threshold_m=500")
    assert first.status_code == 503
    assert first.headers["Retry-After"].isdigit()
    assert "facility_walks" in first.get_json()["message"]
    deadline = time.monotonic() + 60
    while True:
        r = client.get("/api/v1/coverage?kind=canteen&threshold_m=500")
        if r.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert r.status_code == 200
    assert r.get_json()["facilities"] == 1
    with engine.connect() as c:
        assert c.execute(text("SELECT bool_or(stale) FROM derived_tables")).scalar() is False
    engine.dispose()
    dispose_engines(url)
