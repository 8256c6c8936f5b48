"""Trends (issue #31): the planted October of tests/evaluation/test_evaluation.py by day, in
total and by street, against the days its rows say."""

from __future__ import annotations

from tests.conftest import keyed
from tests.evaluation.test_evaluation import MONTH, SEPTEMBER, T0, _plant
from tests.fixtures import STREET


def test_a_days_series_counts_what_each_day_saw(app, session) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    _plant(session, MONTH, T0)
    _plant(session, SEPTEMBER, T0 - timedelta(days=30))
    session.commit()
    url = (
        "/api/v1/stats/series?interval=day"
        "&since=2026-10-01T00:00:00%2B08:00&until=2026-10-11T00:00:00%2B08:00"
    )
    out = keyed(app, "street-key").get(url).get_json()
    assert len(out["buckets"]) == 10
    assert out["buckets"][4] == "2026-10-05T00:00:00+08:00"
    total = out["series"]["total"]
    assert total["reported"] == [0, 0, 0, 0, len(MONTH), 0, 0, 0, 0, 0]
    # closed at 22:00 on the 5th (two), and at 02:00 and 06:00 on the 7th
    assert total["closed"] == [0, 0, 0, 0, 2, 0, 2, 0, 0, 0]
    # due on the 6th and not dealt with by then: the late closure, the two still open; the
    # resolved one waits for 核查 (dealt with), the parked one's clock stopped
    assert total["overdue"] == [0, 0, 0, 0, 0, 3, 0, 0, 0, 0]
    by_street = keyed(app, "street-key").get(url + "&by=street").get_json()["series"]
    assert list(by_street) == [STREET]
    assert by_street[STREET] == total
    nothing = keyed(app, "outsider-key").get(url).get_json()["series"]["total"]
    assert sum(nothing["reported"]) == 0
    too_long = "/api/v1/stats/series?interval=hour&since=2026-01-01T00:00:00%2B08:00"
    assert keyed(app, "street-key").get(too_long).status_code == 422
