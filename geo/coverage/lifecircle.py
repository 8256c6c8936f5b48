"""Life circles by the standard (生活圈, issue #32): for the 5-, 10- or 15-minute circle, which of
its required services (geo/coverage/lifecircle.toml, after GB 50180-2018) each compound reaches
along the real road network within the circle's distance, which are missing, and per community
and in total the share of compounds (and households) that reach them all: 达标率.

A service is provided by a facility of one of its kinds or listing it among its services (one
facility may answer for several: an integrated 党群服务中心 for its canteen, reading room and
sports room). Walks are the stored ones (coverage's facility_walks); a circle beyond their reach
is refused, as coverage refuses it."""

from __future__ import annotations

import os
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.coverage.freshness import built_reach, require_fresh
from geo.errors import Unprocessable
from geo.sql.loader import query

SETS = Path(__file__).with_name("lifecircle.toml")


@cache
def circles(path: str | None = None) -> dict[str, Any]:
    """The circles and services (GRIDMAP_LIFECIRCLE, else geo/coverage/lifecircle.toml)."""
    chosen = Path(path or os.environ.get("GRIDMAP_LIFECIRCLE") or SETS)
    data = tomllib.loads(chosen.read_text(encoding="utf-8"))
    for level, c in data["circles"].items():
        unknown = set(c["services"]) - set(data["services"])
        if unknown:
            raise ValueError(f"{chosen}: circle {level} names services not defined: {unknown}")
    return data


def _rate(n: int, d: int) -> float | None:
    return round(100 * n / d, 2) if d else None


def lifecircle(session: Session, level: str, prefix: str = "") -> dict[str, Any]:
    """{"level", "threshold_m", "services", "compounds": [{code, name, households, community,
    reached, missing, complete}], "communities": [{code, name, compounds, complete, rate_pct,
    households, households_complete, missing: {service: compounds}}], "totals"}."""
    data = circles()
    if level not in data["circles"]:
        raise Unprocessable(f"生活圈须为 {'、'.join(data['circles'])} 分钟之一")
    circle = data["circles"][level]
    threshold = float(circle["threshold_m"])
    reach = built_reach(session)
    if threshold > reach:
        raise Unprocessable(
            f"{level} 分钟生活圈 {threshold:g} 米：步行距离只保存到 {reach:g} 米"
            "（GRIDMAP_COVERAGE_REACH_M）"
        )
    require_fresh(session, "facility_walks")
    wanted = list(circle["services"])
    spec = data["services"]
    rows = session.execute(
        text(query("coverage/lifecircle", "reached")),
        {
            "services": wanted,
            "kinds": [",".join(spec[s].get("kinds", [])) for s in wanted],
            "offered": [",".join(spec[s].get("offered", [])) for s in wanted],
            "threshold": threshold,
            "prefix": prefix,
        },
    ).all()
    compounds: list[dict[str, Any]] = []
    communities: dict[str, dict[str, Any]] = {}
    for r in rows:
        missing = [s for s in wanted if s not in r.reached]
        compounds.append(
            {
                "code": r.code,
                "name": r.name,
                "households": r.households,
                "community": r.community_code,
                "reached": [s for s in wanted if s in r.reached],
                "missing": missing,
                "complete": not missing,
            }
        )
        m = communities.setdefault(
            r.community_code,
            {
                "code": r.community_code,
                "name": r.community_name,
                "compounds": 0,
                "complete": 0,
                "households": 0,
                "households_complete": 0,
                "missing": dict.fromkeys(wanted, 0),
            },
        )
        m["compounds"] += 1
        m["households"] += r.households or 0
        if not missing:
            m["complete"] += 1
            m["households_complete"] += r.households or 0
        for s in missing:
            m["missing"][s] += 1
    for m in communities.values():
        m["rate_pct"] = _rate(m["complete"], m["compounds"])
        m["missing"] = {s: n for s, n in m["missing"].items() if n}
    n = len(compounds)
    done = sum(c["complete"] for c in compounds)
    return {
        "level": level,
        "threshold_m": threshold,
        "services": wanted,
        "compounds": compounds,
        "communities": sorted(communities.values(), key=lambda m: m["code"]),
        "totals": {
            "compounds": n,
            "complete": done,
            "rate_pct": _rate(done, n),
            "missing": {s: sum(s in c["missing"] for c in compounds) for s in wanted},
        },
    }
