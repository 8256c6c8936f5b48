"""事件预警: what is growing before it grows. Two kinds, for a district day:

- a spike: a community × category whose count that day is improbably high against its own
  baseline — the same weekday over the WEEKS weeks before — under a Poisson law of the baseline's
  mean (smoothed by half a case, so a category never seen there is not certain to stay unseen):
  the upper tail P(X ≥ count) below settings.warning_p (default 0.01), with at least MIN_CASES;
- a recurring place: PLACE_LEAST or more cases of one category within PLACE_RADIUS_M metres of
  one another (DBSCAN, EPSG:4549) in the PLACE_DAYS days up to the day.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.sql.loader import query

WEEKS = 8
MIN_CASES = 3  # fewer is no spike, however rare the category
PLACE_LEAST, PLACE_RADIUS_M, PLACE_DAYS = 3, 50.0, 7


def poisson_tail(k: int, lam: float) -> float:
    """P(X ≥ k) for X ~ Poisson(lam)."""
    if k <= 0:
        return 1.0
    term = math.exp(-lam)
    below = term
    for i in range(1, k):
        term *= lam / i
        below += term
    return max(0.0, 1.0 - below)


def _q(name: str) -> Any:
    return text(query("evaluation/warnings", name))


def _names(session: Session, table: str) -> dict[str, str]:
    sql = {
        "communities": "SELECT code, name FROM communities",
        "categories": "SELECT code, name FROM categories",
    }
    return {str(r[0]): str(r[1]) for r in session.execute(text(sql[table]))}


def warnings(session: Session, day: date, areas: list[str] | None, p: float) -> dict[str, Any]:
    """{"date", "spikes": [...], "places": [...]} for the day, in the areas."""
    counts: dict[tuple[str, str], dict[int, int]] = defaultdict(dict)
    for r in session.execute(_q("spikes"), {"day": day, "weeks": WEEKS, "areas": areas}):
        counts[(r.community_code, r.category_code)][r.weeks_ago] = int(r.n)
    names = _names(session, "communities")
    cats = _names(session, "categories")
    spikes: list[dict[str, Any]] = []
    for (community, category), by_week in counts.items():
        today = by_week.get(0, 0)
        if today < MIN_CASES:
            continue
        base = [by_week.get(w, 0) for w in range(1, WEEKS + 1)]
        lam = (sum(base) + 0.5) / WEEKS
        tail = poisson_tail(today, lam)
        if tail < p:
            spikes.append(
                {
                    "community": {"code": community, "name": names.get(community)},
                    "category": {"code": category, "name": cats.get(category)},
                    "count": today,
                    "baseline": round(lam, 3),
                    "baseline_days": base,
                    "p": tail,
                }
            )
    spikes.sort(key=lambda s: (float(s["p"]), -int(s["count"])))
    places = [
        {
            "category": {"code": r.category_code, "name": r.category_name},
            "count": r.n,
            "cases": list(r.cases),
            "community": {"code": r.community_code, "name": names.get(r.community_code)},
            "grid": r.grid_code,
            "lon": r.lon,
            "lat": r.lat,
        }
        for r in session.execute(
            _q("places"),
            {
                "day": day,
                "days": PLACE_DAYS,
                "radius": PLACE_RADIUS_M,
                "least": PLACE_LEAST,
                "areas": areas,
            },
        )
    ]
    return {"date": day.isoformat(), "spikes": spikes, "places": places}


NOTICE = (
    "INSERT INTO notices (unit_code, case_id, kind, body) "
    "SELECT u.unit, CAST(:case_id AS bigint), 'early_warning', CAST(:body AS jsonb) "
    "FROM (VALUES (CAST(:office AS text)), (CAST(:street_office AS text))) u(unit) "
    "WHERE NOT EXISTS (SELECT 1 FROM notices n WHERE n.kind = 'early_warning' "
    "AND n.unit_code = u.unit AND n.body ->> 'key' = CAST(:key AS text)) RETURNING id"
)


def notify_early_warnings(session: Session, day: date, p: float) -> int:
    """Tell the offices of each warning's community and street (their units' inboxes and
    webhooks), once a warning: a spike once a day, a recurring place once (named by its first
    case). How many notices were written. `gridmap notify` runs it every ten minutes."""
    found = warnings(session, day, None, p)
    written: list[int] = []
    items = [("spike", s, None) for s in found["spikes"]]
    items += [("place", pl, pl["cases"][0]) for pl in found["places"]]
    for kind, w, case_id in items:
        community = w["community"]["code"]
        if not community:
            continue
        if kind == "spike":
            key = f"spike:{found['date']}:{community}:{w['category']['code']}"
            what = f"今日{w['category']['name']} {w['count']} 件，往常约 {w['baseline']:.1f} 件"
        else:
            key = f"place:{w['category']['code']}:{case_id}"
            what = f"{w['category']['name']} 7 天内在同一处发生 {w['count']} 件"
        body = {"kind": "early_warning", "key": key, "warning": kind, "what": what, **w}
        written += session.execute(
            text(NOTICE),
            {
                "case_id": case_id,
                "body": orjson.dumps(body).decode(),
                "office": f"U{community}SQ",
                "street_office": f"U{community[:9]}JD",
                "key": key,
            },
        ).scalars()
    if written:  # and to every active webhook, as every notice goes
        session.execute(
            text(
                "INSERT INTO notice_deliveries (notice_id, webhook_id) "
                "SELECT n, w.id FROM unnest(CAST(:ids AS bigint[])) n, webhooks w "
                "WHERE w.disabled_at IS NULL"
            ),
            {"ids": written},
        )
    return len(written)
