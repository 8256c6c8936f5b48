"""The cockpit's running counts (case_tallies, 66_case_tallies.sql) against a recount of the
cases, after every kind of write: intake, transitions, reassignment, a deletion, a batch
import, COPY (the demo build), folding, and a month archived and restored."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from geo.assign import reassign_open_cases
from geo.cases.dashboard import cockpit_stats
from geo.cases.workflow import NewCase, create_case, transition
from tests import fixtures

# The counts as the cockpit computed them before the tallies: every case, read once.
RECOUNT = """
SELECT count(*) FILTER (WHERE case_is_open(status)) AS open,
       count(*) FILTER (WHERE case_is_done(status) AND closed_at IS NOT NULL) AS done,
       count(*) FILTER (WHERE case_is_done(status) AND closed_at <= due_at) AS done_in_time,
       count(*) AS total
FROM cases c WHERE in_area(c.grid_code, c.zone_code, CAST(:areas AS text[]))
"""
BY_STREET = """
SELECT street_code, count(*) FILTER (WHERE case_is_open(status)) FROM cases
WHERE in_area(grid_code, zone_code, CAST(:areas AS text[])) GROUP BY 1
"""
BY_CATEGORY = """
SELECT category_code, count(*) FILTER (WHERE case_is_open(status)) FROM cases
WHERE in_area(grid_code, zone_code, CAST(:areas AS text[])) GROUP BY 1
"""


def assert_tallies_equal_a_recount(s: Session, areas: list[str] | None = None) -> dict[str, Any]:
    stats = cockpit_stats(s, areas)
    a = {"areas": areas}
    recount = s.execute(text(RECOUNT), a).one()
    assert (stats["open"], stats["total"]) == (recount.open, recount.total)
    pct = round(100.0 * recount.done_in_time / recount.done, 1) if recount.done else None
    assert stats["resolved_in_time_pct"] == pct
    streets = {k: v for k, v in s.execute(text(BY_STREET), a).all() if v and k}
    assert {r["code"]: r["open"] for r in stats["by_street"] if r["open"]} == streets
    categories = {k: v for k, v in s.execute(text(BY_CATEGORY), a).all() if v}
    assert {r["code"]: r["open"] for r in stats["by_category"] if r["open"]} == categories
    return stats


def test_every_kind_of_write_keeps_the_tallies_equal_to_a_recount(client, session: Session) -> None:  # type: ignore[no-untyped-def]
    start = assert_tallies_equal_a_recount(session)
    ids = [
        create_case(
            session,
            fixtures.SETTINGS,
            NewCase(*fixtures.m_point(x, 50), "wgs84", cat, f"第{x}号"),
        ).id
        for x, cat in ((50, "parking"), (150, "parking"), (250, "noise"), (350, "parking"))
    ]
    after_intake = assert_tallies_equal_a_recount(session)
    assert after_intake["open"] == start["open"] + 4
    assert after_intake["total"] == start["total"] + 4
    for to in ("accepted", "resolved", "closed"):
        transition(session, ids[0], to, "inspector" if to == "closed" else "worker")
    transition(session, ids[1], "duplicate", "worker")
    done = assert_tallies_equal_a_recount(session)
    assert done["open"] == start["open"] + 2
    assert done["resolved_in_time_pct"] is not None
    # a grid's code changes under an open case: the reassignment moves it between keys
    session.execute(
        text("UPDATE cases SET grid_code = NULL, zone_code = NULL WHERE id = :i"), {"i": ids[2]}
    )
    assert_tallies_equal_a_recount(session)
    reassign_open_cases(session, "test", "网格调整", fixtures.SETTINGS.snap_distance_m)
    assert_tallies_equal_a_recount(session)
    assert_tallies_equal_a_recount(session, [fixtures.GRID_A])  # one area only
    session.execute(text("DELETE FROM cases WHERE id = :i"), {"i": ids[3]})
    assert_tallies_equal_a_recount(session)
    points = [fixtures.m_point(20 + 30 * i, 120) for i in range(6)]
    rows = "lon,lat,crs,category,description\n" + "".join(
        f"{x},{y},wgs84,parking,导入{i}\n" for i, (x, y) in enumerate(points)
    )
    r = client.post(
        "/api/v1/cases/batch",
        data=rows.encode(),
        headers={"X-API-Key": "dispatch-key", "Content-Type": "text/csv"},
    )
    assert r.get_json()["accepted"] == 6
    after_import = assert_tallies_equal_a_recount(session)
    assert after_import["total"] == start["total"] + 3 + 6
    session.execute(text("SELECT fold_case_tallies()"))  # one row per key, sums unchanged
    keys = "SELECT count(*) - count(DISTINCT (street_code, grid_code, zone_code, category_code))"
    assert session.execute(text(keys + " FROM case_tallies")).scalar_one() == 0
    assert_tallies_equal_a_recount(session)


@pytest.mark.demo
def test_the_demo_builds_tallies_equal_to_a_recount(demo_url: str) -> None:
    """Written by COPY, assigned and dated by bulk updates, with months archived back."""
    engine = create_engine(demo_url)
    with Session(engine) as s:
        assert_tallies_equal_a_recount(s)
        street = s.execute(text("SELECT code FROM streets ORDER BY code LIMIT 1")).scalar_one()
        grid = s.execute(
            text("SELECT code FROM grids WHERE code LIKE :s ORDER BY code LIMIT 1"),
            {"s": street + "%"},
        ).scalar_one()
        assert_tallies_equal_a_recount(s, [grid[:12] + "%"])
        s.rollback()
    engine.dispose()
