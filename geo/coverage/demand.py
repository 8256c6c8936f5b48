"""Demand beyond compounds (issue #32): a 楼宇服务站 serves the people who work in business
buildings, a 小哥驿站 the couriers who work the shops and markets, not the households. For the
kinds lifecircle.toml's [demand] names, how much of that demand a facility of the kind reaches
within a planner's walking distance: business buildings weighted by their firms' employees, or
shops and market stalls one each; per area (business community, open block) and in total, with
the largest gaps.

Reached means inside one of the kind's stored walking areas at that distance
(geo/coverage/sql/demand.sql states the rule), so only the stored distances are offered."""

from __future__ import annotations

import heapq
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.coverage.freshness import require_fresh
from geo.coverage.lifecircle import circles
from geo.coverage.walking_areas import BUFFER_M, OFFERED_M
from geo.errors import Unprocessable
from geo.sql.loader import query

POINTS = query("coverage/demand", "points")
SOURCES = query("coverage/demand", "sources")
# What each demand counts: its points, its weight, its areas.
OF = {
    "employees": {"label": "楼宇员工", "points": "楼宇", "unit": "人", "area": "商务社区"},
    "shops": {"label": "商铺与市场摊位", "points": "商铺摊位", "unit": "处", "area": "开放式街区"},
}


def demand_of(kind: str) -> str | None:
    """The demand `kind` serves beyond households (lifecircle.toml [demand]), or None."""
    of = circles().get("demand", {}).get(kind)
    return None if of is None else str(of)


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 2) if whole else None


def demand(session: Session, kind: str, threshold_m: float) -> dict[str, Any]:
    """{"kind", "threshold_m", "of", "words", "rule", "facilities", "totals": {points, weight,
    points_reached, weight_reached, weight_pct}, "areas": [...], "gaps": [...]}; "of" None (and
    no totals) when the kind serves households only."""
    of = demand_of(kind)
    if of is not None and of not in OF:
        raise ValueError(f"lifecircle.toml [demand]: {kind} = {of!r}, not one of {sorted(OF)}")
    out: dict[str, Any] = {"kind": kind, "threshold_m": threshold_m, "of": of}
    if of is None:
        return out
    if threshold_m not in OFFERED_M:
        raise Unprocessable(
            f"需求覆盖只按规划距离计算：{'、'.join(f'{t:g}' for t in OFFERED_M)} 米"
        )
    require_fresh(session, "walking_areas")
    rows = session.execute(text(POINTS), {"of": of, "kind": kind, "threshold": threshold_m}).all()
    areas: dict[str | None, dict[str, Any]] = {}
    for r in rows:
        a = areas.setdefault(
            r.area_code,
            {
                "code": r.area_code,
                "name": r.area_name,
                "points": 0,
                "weight": 0,
                "weight_reached": 0,
            },
        )
        a["points"] += 1
        a["weight"] += r.weight
        a["weight_reached"] += r.weight if r.reached else 0
    for a in areas.values():
        a["weight_pct"] = _pct(a["weight_reached"], a["weight"])
    weight = sum(r.weight for r in rows)
    reached = sum(r.weight for r in rows if r.reached)
    return out | {
        "words": OF[of],
        "rule": f"在该类设施 {threshold_m:g} 米步行范围（路网两侧各 {BUFFER_M:g} 米）内",
        "facilities": session.execute(text(SOURCES), {"kind": kind}).scalar_one(),
        "totals": {
            "points": len(rows),
            "points_reached": sum(1 for r in rows if r.reached),
            "weight": weight,
            "weight_reached": reached,
            "weight_pct": _pct(reached, weight),
        },
        "areas": sorted(areas.values(), key=lambda a: (a["weight_pct"] or 0, a["code"] or "")),
        "gaps": [
            {
                "code": r.code,
                "name": r.name,
                "weight": r.weight,
                "area": r.area_name,
                "lon": r.lon,
                "lat": r.lat,
            }
            for r in heapq.nsmallest(
                50, (r for r in rows if not r.reached), key=lambda r: (-r.weight, r.code)
            )
        ],
    }
