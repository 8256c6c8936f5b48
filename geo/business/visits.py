"""Visits to firms with the least disturbance (issue #18: 扫楼跑企, 湖数通「聚宝盆」).

A department files a request (firm, purpose, earliest and latest day, urgent or not). The
dispatcher, in the same transaction:
1. joins it to the firm's planned visit whose window overlaps its own (the visit's window
   becomes the overlap; an urgent request makes the visit urgent), else
2. makes a visit on a working day of its window (not before today) — a non-urgent visit never
   within `gap_days` of another non-urgent visit of the same firm (refused with the first day
   that would do) —
3. to the commissioner of the firm's building (the building_commissioner account whose area
   holds the building, the most specific), on the day of the window with the fewest visits
   already planned for them (the earliest among equals).
The firm's visits are locked while this is decided, so two requests at once cannot both make a
visit.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.business.answers import BusinessCommunity, BusinessStats, Visit, VisitRequestFiled
from geo.business.words import NEED_CATEGORIES, VISIT_STATUSES
from geo.errors import Conflict, NotFound, Unprocessable
from geo.sql.loader import query
from geo.vocabulary import DISTRICT_TZ, PARTY_ORG_KINDS


def _q(name: str) -> Any:
    return text(query("business/visits", name))


def district_today() -> date:
    """Today in the district (Beijing), whatever the server's clock zone."""
    return datetime.now(ZoneInfo(DISTRICT_TZ)).date()


def _working_days(start: date, end: date) -> list[date]:
    days, d = [], start
    while d <= end:
        if d.weekday() < 5:
            days.append(d)
        d += timedelta(days=1)
    return days


def _pick_day(
    session: Session,
    commissioner_id: int,
    days: list[date],
    firm_visits: list[Any],
    urgent: bool,
    gap_days: int,
    exclude: int | None = None,
) -> date | None:
    """The least loaded allowed day for the commissioner, or None."""
    if not urgent:
        taken = [v.visit_on for v in firm_visits if not v.urgent and v.id != exclude]
        days = [d for d in days if all(abs((d - t).days) >= gap_days for t in taken)]
    if not days:
        return None
    load = dict(
        session.execute(
            _q("load"), {"c": commissioner_id, "first": days[0], "last": days[-1]}
        ).all()
    )
    return min(days, key=lambda d: (load.get(d, 0), d))


def file_request(
    session: Session, req: dict[str, Any], actor: str, gap_days: int, today: date
) -> VisitRequestFiled:
    """File a visit request (firm, department, purpose, earliest, latest, urgent); return the
    request with `visit_id` and whether it `joined` a visit already planned."""
    firm = session.execute(_q("firm"), {"firm": req["firm"]}).one_or_none()
    if firm is None:
        raise NotFound(f"没有统一社会信用代码为 {req['firm']} 的企业")
    if firm.commissioner_id is None:
        raise Unprocessable(f"楼宇 {firm.building_code} 没有楼宇专员")
    start, end = max(req["earliest"], today), req["latest"]
    if end < start:
        raise Unprocessable(f"走访期限 {end} 早于今天（{today}）")
    session.execute(_q("lock_firm"), {"firm": firm.code})  # then its visits, one request at a time
    visits = list(session.execute(_q("firm_visits"), {"firm": firm.code}).all())
    joined = None
    for v in visits:
        if v.status != "planned":
            continue
        lo, hi = max(v.window_start, start), min(v.window_end, end)
        days = _working_days(max(lo, today), hi)
        if not days:
            continue
        urgent = v.urgent or req["urgent"]
        day = (
            v.visit_on
            if lo <= v.visit_on <= hi
            else _pick_day(session, v.commissioner_id, days, visits, urgent, gap_days, v.id)
        )
        if day is None:
            continue
        session.execute(_q("join"), {"id": v.id, "lo": lo, "hi": hi, "day": day, "urgent": urgent})
        joined = v.id
        break
    visit_id = joined
    if visit_id is None:
        days = _working_days(start, end)
        if not days:
            raise Unprocessable(f"{start} 至 {end} 之间没有工作日")
        day = _pick_day(session, firm.commissioner_id, days, visits, req["urgent"], gap_days)
        if day is None:
            taken = max(v.visit_on for v in visits if not v.urgent)
            raise Conflict(
                f"企业 {firm.code} 已于 {taken} 安排走访，{gap_days} 天内不再安排非紧急走访；"
                f"请申请 {taken + timedelta(days=gap_days)} 或之后，或标为紧急"
            )
        visit_id = session.execute(
            _q("insert_visit"),
            {
                "firm": firm.code,
                "c": firm.commissioner_id,
                "day": day,
                "lo": start,
                "hi": end,
                "urgent": req["urgent"],
            },
        ).scalar_one()
    request_id = session.execute(
        _q("insert_request"), {**req, "visit_id": visit_id, "actor": actor}
    ).scalar_one()
    return {
        "id": int(request_id),
        "firm": req["firm"],
        "department": req["department"],
        "purpose": req["purpose"],
        "earliest": str(req["earliest"]),  # a date or its ISO text
        "latest": str(req["latest"]),
        "urgent": bool(req.get("urgent", False)),
        "visit_id": int(visit_id),
        "joined": joined is not None,
    }


def get_visit(session: Session, visit_id: int) -> Visit:
    v = session.execute(_q("visit"), {"id": visit_id}).one_or_none()
    if v is None:
        raise NotFound(f"没有编号为 {visit_id} 的走访")
    requests = session.execute(_q("requests_of"), {"id": visit_id}).all()
    return {
        "id": int(v.id),
        "firm": {"code": v.firm_code, "name": v.firm_name},
        "building": {"code": v.building_code, "name": v.building_name},
        "commissioner": v.commissioner,
        "visit_on": v.visit_on.isoformat(),
        "window": [v.window_start.isoformat(), v.window_end.isoformat()],
        "urgent": bool(v.urgent),
        "status": v.status,
        "outcome": v.outcome,
        "purposes": [{"department": r.department, "purpose": r.purpose} for r in requests],
    }


def record_outcome(
    session: Session, visit_id: int, outcome: str, needs: list[dict[str, Any]], actor: str
) -> list[int]:
    """A visit done: its outcome, and the needs found put on the three lists (open)."""
    for n in needs:
        if n["category"] not in NEED_CATEGORIES[n["kind"]]:
            allowed = "/".join(NEED_CATEGORIES[n["kind"]])
            raise Unprocessable(f"{n['kind']} need category {n['category']!r}: one of {allowed}")
    v = session.execute(_q("lock_visit"), {"id": visit_id}).one_or_none()
    if v is None:
        raise NotFound(f"没有编号为 {visit_id} 的走访")
    if v.status != "planned":
        raise Conflict(f"走访 {visit_id} {VISIT_STATUSES.get(v.status, v.status)}")
    session.execute(_q("done"), {"id": visit_id, "outcome": outcome})
    return [
        int(
            session.execute(
                _q("insert_need"), {**n, "firm": v.firm_code, "visit": visit_id}
            ).scalar_one()
        )
        for n in needs
    ]


def business_stats(session: Session, prefix: str) -> BusinessStats:
    """The business side's figures for buildings whose code begins prefix: requests against
    visits (the disturbance saved), visits per firm per month, needs closed and where."""
    r = session.execute(_q("business_stats"), {"prefix": prefix}).one()
    levels = dict(session.execute(_q("settled"), {"prefix": prefix}).all())

    def pct(a: int, b: int) -> float | None:
        return round(100.0 * a / b, 2) if b else None

    return {
        "firms": int(r.firms),
        "firms_served": int(r.firms_served),
        "key_taxpayers": int(r.key_taxpayers),
        "key_taxpayers_visited": int(r.key_taxpayers_visited),
        "key_taxpayer_coverage_pct": pct(r.key_taxpayers_visited, r.key_taxpayers),
        "requests": int(r.requests),
        "visits": int(r.visits),
        "visits_done": int(r.visits_done),
        "visits_this_month": int(r.visits_this_month),
        "disturbance_saved": int(r.requests - r.visits),
        # in the months a firm is visited: visits, and the requests that would each have been
        # a visit without merging
        "visits_per_firm_month": round(r.visits / r.firm_months, 3) if r.firm_months else None,
        "requests_per_firm_month": round(r.requests / r.firm_months, 3) if r.firm_months else None,
        "needs": int(r.needs),
        "closed": int(r.closed),
        "closure_rate_pct": pct(r.closed, r.needs),
        "by_settled_level": {k: int(v) for k, v in levels.items()},
    }


def business_community(session: Session, code: str) -> BusinessCommunity:
    """A business community with its buildings, firms and the figures of its first year (from
    its founding date; none known: the last 365 days)."""
    r = session.execute(_q("business_community"), {"code": code}).one_or_none()
    if r is None:
        raise NotFound(f"没有编码为 {code} 的商务社区")
    return {
        "code": r.code,
        "name": r.name,
        "street_code": r.street_code,
        "established_on": r.established_on.isoformat() if r.established_on else None,
        "buildings": int(r.buildings),
        "firms": int(r.firms),
        "first_year": {
            "from": r.y0.isoformat(),
            "disputes_settled": int(r.disputes_settled),
            "needs_solved": int(r.needs_solved),
            "activities": int(r.activities),
            "firms_covered": int(r.firms),
        },
        "stats": business_stats(session, code),
        "party_orgs": [
            {
                "code": o.code,
                "name": o.name,
                "kind": o.kind,
                "kind_label": PARTY_ORG_KINDS[o.kind],
                "firms": int(o.firms),
            }
            for o in session.execute(_q("community_party_orgs"), {"code": code})
        ],
    }
