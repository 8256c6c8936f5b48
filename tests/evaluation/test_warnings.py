"""事件预警 (issue #31): a planted spike is warned of and a flat series is not; a planted
recurring place is found and cases as far apart as a street are not."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import text

from geo.cases.partitions import ensure_months
from geo.evaluation.warnings import poisson_tail
from tests.conftest import keyed
from tests.fixtures import COMMUNITY, GRID_A, STREET, m_point

DAY = datetime(2026, 10, 28, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Wednesday


def _case(session, category: str, at: datetime, x: float = 100, y: float = 100) -> None:  # type: ignore[no-untyped-def]
    lon, lat = m_point(x, y)
    session.execute(
        text(
            "INSERT INTO cases (received_lon, received_lat, received_crs, geom, category_code, "
            "description, status, created_at, updated_at, grid_code, community_code, "
            "street_code) VALUES (:lon, :lat, 'wgs84', ST_SetSRID(ST_MakePoint(:lon, :lat), "
            "4326), :k, '预警', 'assigned', :t, :t, :g, :m, :s)"
        ),
        {"lon": lon, "lat": lat, "k": category, "t": at, "g": GRID_A, "m": COMMUNITY, "s": STREET},
    )


def _url(day: datetime) -> str:
    return f"/api/v1/stats/warnings?date={day.date().isoformat()}"


def test_a_spike_against_its_own_weekdays_is_warned_of_and_a_flat_series_is_not(  # type: ignore[no-untyped-def]
    app, session
) -> None:
    ensure_months(session, DAY - timedelta(days=60), DAY)
    for week in range(1, 9):  # one 停车 and two 噪声 every Wednesday for eight weeks
        _case(session, "parking", DAY - timedelta(weeks=week), x=20 + 20 * week)
        for i in range(2):
            _case(session, "noise", DAY - timedelta(weeks=week), x=150, y=10 + 90 * i)
    for i in range(7):  # today: seven 停车 spread over the grid, two 噪声 as ever
        _case(session, "parking", DAY + timedelta(minutes=i), x=10 + 25 * i, y=190)
    for i in range(2):
        _case(session, "noise", DAY, x=150, y=10 + 90 * i)
    session.commit()
    out = keyed(app, "street-key").get(_url(DAY)).get_json()
    assert [s["category"]["code"] for s in out["spikes"]] == ["parking"]
    (spike,) = out["spikes"]
    assert (spike["count"], spike["baseline_days"]) == (7, [1] * 8)
    assert abs(spike["p"] - poisson_tail(7, 8.5 / 8)) < 1e-12
    assert spike["community"]["code"] == COMMUNITY
    assert keyed(app, "outsider-key").get(_url(DAY)).get_json()["spikes"] == []


def test_the_poisson_tail() -> None:
    assert poisson_tail(0, 3.0) == 1.0
    assert abs(poisson_tail(1, 2.0) - (1 - 2.718281828459045**-2)) < 1e-12
    assert poisson_tail(7, 1.0) < 0.001 < poisson_tail(4, 1.0)


def test_a_recurring_place_is_found_and_cases_a_street_apart_are_not(app, session) -> None:  # type: ignore[no-untyped-def]
    ensure_months(session, DAY - timedelta(days=10), DAY)
    near = [(100, 100), (120, 110), (110, 140)]  # within 50 m of one another, over three days
    for i, (x, y) in enumerate(near):
        _case(session, "cooking_fumes", DAY - timedelta(days=i), x, y)
    for i, x in enumerate((20, 180, 340)):  # 160 m apart: no place
        _case(session, "dispute", DAY - timedelta(days=i), x, 30)
    _case(session, "cooking_fumes", DAY - timedelta(days=9), 105, 105)  # outside the 7 days
    session.commit()
    places = keyed(app, "street-key").get(_url(DAY)).get_json()["places"]
    assert [(p["category"]["code"], p["count"]) for p in places] == [("cooking_fumes", 3)]
    assert places[0]["grid"] == GRID_A


def test_the_offices_hear_of_each_warning_once(app, session) -> None:  # type: ignore[no-untyped-def]
    """`gridmap notify`'s pass: a spike and a recurring place are notices to the offices of
    their community and street, written once however often the pass runs; the street's staff
    read them in their inbox."""
    from geo.evaluation.warnings import notify_early_warnings

    ensure_months(session, DAY - timedelta(days=60), DAY)
    for week in range(1, 9):
        _case(session, "parking", DAY - timedelta(weeks=week), x=20 + 20 * week)
    for i in range(7):  # 60 m apart: a spike, not a place
        _case(session, "parking", DAY + timedelta(minutes=i), x=10 + 60 * i, y=190)
    for i, (x, y) in enumerate([(100, 100), (120, 110), (110, 140)]):
        _case(session, "cooking_fumes", DAY - timedelta(days=i), x, y)
    session.commit()
    day = DAY.date()
    assert notify_early_warnings(session, day, 0.01) == 4  # two warnings, two offices each
    assert notify_early_warnings(session, day, 0.01) == 0  # once
    session.commit()
    rows = session.execute(
        text("SELECT unit_code, body->>'warning' FROM notices WHERE kind = 'early_warning'")
    ).all()
    assert sorted(rows) == sorted(
        [
            (f"U{COMMUNITY}SQ", "spike"),
            (f"U{STREET}JD", "spike"),
            (f"U{COMMUNITY}SQ", "place"),
            (f"U{STREET}JD", "place"),
        ]
    )
    box = keyed(app, "street-key").get("/api/v1/inbox").get_json()["items"]
    assert {n["body"]["warning"] for n in box if n["kind"] == "early_warning"} == {"spike", "place"}
