"""综合评价 (issue #31) against a recount written here: a hand-made October of cases over every
path — on time, late, rework, 挂账, 延期, 不予立案, 督办, 主动发现 — and a September to change
against, in two grids of one street."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from geo.cases.partitions import ensure_months
from geo.evaluation.evaluation import period_bounds, score
from tests.conftest import keyed
from tests.fixtures import COMMUNITY, GRID_A, GRID_B, STREET, WORKER_A, WORKER_B, m_point

T0 = datetime(2026, 10, 5, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
H = timedelta(hours=1)
# (grid, status, dispatched after, resolved after, closed after, due after, extras)
MONTH: list[tuple[str, str, float | None, float | None, float | None, float, dict[str, Any]]] = [
    (GRID_A, "closed", 0.2, 10, 12, 24, {}),  # on time all the way
    (GRID_A, "closed", 2.0, 30, 40, 24, {}),  # dispatched late, resolved and closed late
    (GRID_B, "closed", 0.5, 5, 8, 24, {"rework_count": 1}),  # closed in time after rework
    (GRID_A, "parked", 0.3, None, None, 24, {}),  # 挂账
    (GRID_B, "closed", 0.4, 40, 44, 48, {"extended": True}),  # 延期 approved: due moved
    (GRID_A, "refused", None, None, None, 24, {}),  # 不予立案
    (GRID_A, "accepted", 0.1, None, None, 24, {"supervision_level": 2}),  # 督办, in hand
    (GRID_A, "assigned", 0.0, None, None, 24, {"source": "worker_patrol"}),  # 主动发现
    (GRID_B, "resolved", 0.5, 20, None, 24, {}),  # resolved, not yet verified
]
SEPTEMBER = [(GRID_A, "closed", 0.2, 30, 40, 24, {})]  # grid A was late in September


def _plant(session: Any, cases: list, t0: datetime) -> None:  # type: ignore[type-arg]
    ensure_months(session, t0, t0 + timedelta(days=2))
    for grid, status, disp, res, closed, due, extra in cases:
        x = 50 if grid == GRID_A else 250
        lon, lat = m_point(x, 100)
        cid = session.execute(
            text(
                "INSERT INTO cases (received_lon, received_lat, received_crs, geom, "
                "category_code, description, status, created_at, updated_at, grid_code, "
                "community_code, street_code, worker_id, source, due_at, dispatch_due_at, "
                "dispatched_at, closed_at, rework_count, supervision_level) "
                "VALUES (:lon, :lat, 'wgs84', ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), "
                "'parking', '评价', :status, :t, :t, "
                ":grid, :community, :street, :worker, :source, :due, :ddue, :disp, :closed, "
                ":rework, :sup) RETURNING id"
            ),
            {
                "lon": lon,
                "lat": lat,
                "status": status,
                "t": t0,
                "grid": grid,
                "community": COMMUNITY,
                "street": STREET,
                "worker": WORKER_A if grid == GRID_A else WORKER_B,
                "source": extra.get("source", "api"),
                "due": t0 + due * H,
                "ddue": t0 + 1 * H,
                "disp": None if disp is None else t0 + disp * H,
                "closed": None if closed is None else t0 + closed * H,
                "rework": extra.get("rework_count", 0),
                "sup": extra.get("supervision_level"),
            },
        ).scalar_one()
        events = []
        if res is not None:
            events.append(("transition", "resolved", t0 + res * H, None))
        if extra.get("extended"):
            events.append(("extension_decision", None, t0 + 2 * H, '{"approved": true}'))
        for kind, to, at, data in events:
            session.execute(
                text(
                    "INSERT INTO case_events (case_id, case_created_at, at, actor, kind, "
                    "to_status, data) VALUES (:c, :t, :at, 'test', :k, :to, CAST(:d AS jsonb))"
                ),
                {"c": cid, "t": t0, "at": at, "k": kind, "to": to, "d": data},
            )


def _recount(cases: list) -> dict[str, float | int | None]:  # type: ignore[type-arg]
    """The indicators by their definitions, counted here from the planted rows."""
    reg = [c for c in cases if c[1] not in ("refused", "reported", "duplicate")]
    disp = [c for c in reg if c[2] is not None]
    handled = [c for c in reg if c[1] in ("resolved", "closed")]
    closed = [c for c in reg if c[1] == "closed"]
    parked = [c for c in reg if c[1] == "parked"]

    def rate(a: int, b: int) -> float | None:
        return round(a / b, 4) if b else None

    return {
        "reported": len(cases),
        "found": sum(c[6].get("source") == "worker_patrol" for c in cases),
        "registered": len(reg),
        "registered_rate": rate(len(reg), len(cases)),
        "dispatched": len(disp),
        "dispatched_on_time_rate": rate(sum(c[2] <= 1 for c in disp), len(disp)),
        "handled": len(handled),
        "handled_on_time_rate": rate(sum(c[3] <= c[5] for c in handled), len(handled)),
        "closed": len(closed),
        "closed_rate": rate(len(closed), len(reg) - len(parked)),
        "closed_on_time_rate": rate(sum(c[4] <= c[5] for c in closed), len(closed)),
        "rework_rate": rate(sum(c[6].get("rework_count", 0) > 0 for c in closed), len(closed)),
        "supervised": sum("supervision_level" in c[6] for c in reg),
        "extended": sum(bool(c[6].get("extended")) for c in reg),
        "parked": len(parked),
    }


@pytest.fixture
def planted(session):  # type: ignore[no-untyped-def]
    _plant(session, MONTH, T0)
    _plant(session, SEPTEMBER, T0 - timedelta(days=30))
    session.commit()


def test_the_street_and_grids_figures_match_a_recount(app, planted) -> None:  # type: ignore[no-untyped-def]
    c = keyed(app, "street-key")
    street = c.get("/api/v1/stats/evaluation?level=street&period=2026-10").get_json()
    (s,) = street["entities"]
    got = {k: s["indicators"][k] for k in _recount(MONTH)}
    assert got == _recount(MONTH)
    assert s["name"] == "米市巷街道"
    assert s["indicators"]["mean_hours"] > 0
    grids = c.get("/api/v1/stats/evaluation?level=grid&period=2026-10").get_json()
    by_code = {e["code"]: e for e in grids["entities"]}
    for grid in (GRID_A, GRID_B):
        mine = [m for m in MONTH if m[0] == grid]
        expected = _recount(mine)
        assert {k: by_code[grid]["indicators"][k] for k in expected} == expected
        assert by_code[grid]["score"] == score(by_code[grid]["indicators"])
    # grid B closed everything in time; grid A was late: B ranks first
    assert [e["code"] for e in grids["entities"]] == [GRID_B, GRID_A]
    assert [e["rank"] for e in grids["entities"]] == [1, 2]
    september = score(_recount([m for m in SEPTEMBER if m[0] == GRID_A]))
    assert by_code[GRID_A]["change"] == round(by_code[GRID_A]["score"] - september, 2)
    assert by_code[GRID_B]["change"] is None  # nothing in September
    assert grids["previous"] == "2026-09"
    assert grids["definitions"]["closed_rate"]["name"] == "结案率"


def test_workers_get_their_patrols_and_the_caller_sees_only_its_areas(app, planted) -> None:  # type: ignore[no-untyped-def]
    workers = keyed(app, "command-key").get("/api/v1/stats/evaluation?level=worker&period=2026-10")
    by_code = {e["code"]: e for e in workers.get_json()["entities"]}
    assert by_code[WORKER_A]["indicators"]["found"] == 1
    assert by_code[WORKER_A]["indicators"]["patrol_km"] == 0.0  # no patrol in October
    outsider = keyed(app, "outsider-key").get(
        "/api/v1/stats/evaluation?level=street&period=2026-10"
    )
    assert outsider.get_json()["entities"] == []
    assert (
        keyed(app, "worker_a-key")
        .get("/api/v1/stats/evaluation?level=grid&period=2026-10")
        .status_code
        == 403
    )
    bad = keyed(app, "command-key").get("/api/v1/stats/evaluation?level=grid&period=2026-13")
    assert bad.status_code == 400


def test_periods_are_months_quarters_and_years_in_district_time() -> None:
    tz = ZoneInfo("Asia/Shanghai")
    assert period_bounds("2026-01") == (
        datetime(2026, 1, 1, tzinfo=tz),
        datetime(2026, 2, 1, tzinfo=tz),
        "2025-12",
    )
    assert period_bounds("2026-Q4")[1:] == (datetime(2027, 1, 1, tzinfo=tz), "2026-Q3")
    assert period_bounds("2026-Q1")[2] == "2025-Q4"
    assert period_bounds("2026")[:2] == (
        datetime(2026, 1, 1, tzinfo=tz),
        datetime(2027, 1, 1, tzinfo=tz),
    )


def test_the_month_exports_as_a_workbook_a_sheet_per_level_and_its_definitions(
    app, planted, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import pyogrio

    # GDAL tells a header row by its types; a sheet all of text needs telling (Excel needs not)
    monkeypatch.setenv("OGR_XLSX_HEADERS", "FORCE")
    r = keyed(app, "street-key").get("/api/v1/stats/evaluation/export?period=2026-10")
    assert r.status_code == 200
    assert "evaluation-2026-10.xlsx" in r.headers["Content-Disposition"]
    book = tmp_path / "book.xlsx"
    book.write_bytes(r.data)
    sheets = [name for name, _ in pyogrio.list_layers(book)]
    assert sheets == ["街道", "社区", "网格", "处置单位", "网格员", "指标定义"]
    grids = pyogrio.read_dataframe(book, layer="网格")
    assert list(grids["编码"].astype(str)) == [GRID_B, GRID_A]  # ranked
    assert list(grids["排名"]) == [1, 2]
    api = keyed(app, "street-key").get("/api/v1/stats/evaluation?level=grid&period=2026-10")
    first = api.get_json()["entities"][0]
    assert grids["综合得分"][0] == first["score"]
    assert grids["按期结案率"][0] == first["indicators"]["closed_on_time_rate"]
    defs = pyogrio.read_dataframe(book, layer="指标定义")
    assert "挂账" in " ".join(defs["定义"])


def test_mean_working_hours_are_the_calendars_as_hours_between_counts_them(  # type: ignore[no-untyped-def]
    app, planted, session
) -> None:
    """The evaluation counts working hours by joins on the working clock's tables (fast for a
    month of cases); hours_between walks the calendar day by day. They agree, to the second,
    also after a holiday is added (the clock follows the calendar)."""
    c = keyed(app, "street-key")

    def both() -> list[tuple[float, float]]:
        grids = c.get("/api/v1/stats/evaluation?level=grid&period=2026-10").get_json()
        walked = dict(
            session.execute(
                text(
                    "SELECT c.grid_code, avg(hours_between(c.dispatched_at, "
                    "COALESCE((SELECT min(e.at) FROM case_events e WHERE e.case_id = c.id "
                    "AND e.kind = 'transition' AND e.to_status = 'resolved'), c.closed_at), "
                    "true)) FROM cases c WHERE c.created_at >= :s AND c.created_at < :e "
                    "AND c.status IN ('resolved', 'closed') AND c.dispatched_at IS NOT NULL "
                    "GROUP BY c.grid_code"
                ),
                {"s": T0 - H, "e": T0 + H},
            ).all()
        )
        return [
            (e["indicators"]["mean_hours"], round(walked[e["code"]], 2)) for e in grids["entities"]
        ]

    before = both()
    assert all(a == b for a, b in before), before
    session.execute(
        text(
            "INSERT INTO calendar_days (day, working, note) VALUES ('2026-10-06', false, '测试') "
            "ON CONFLICT (day) DO UPDATE SET working = false"
        )
    )
    session.commit()
    after = both()
    assert all(a == b for a, b in after), after
    assert after != before  # the holiday took its working hours out
