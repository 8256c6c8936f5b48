"""Walking coverage of service facilities over the real road network (PostGIS + pgRouting).

Distances are metres along the main network (geo/coverage/network.py), snap distances to and from
the
road included; straight-line distances are geodesic metres, shown beside them. Life-circle
thresholds of GB 50180-2018: 5 minutes = 300 m, 10 minutes = 500 m, 15 minutes = 800–1000 m.
A threshold given in minutes is minutes × 60 × walking speed (default 1.0 m/s).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.coverage.answers import Coverage, Scenario, ScenarioDelta
from geo.coverage.freshness import built_reach, require_fresh
from geo.errors import Unprocessable
from geo.sql.loader import query

TABLE = query("coverage/coverage", "table")
# Network distances are known to twice the threshold, and at most as far as the stored reach
# (settings.coverage_reach_m, as built: geo.coverage.derived.built_reach): a compound farther than
# that
# from every facility has network_m None ("more than network_limit_m"). Thresholds beyond the
# stored reach are refused.
NETWORK_LIMIT = 2.0
# Requests beyond this are malformed whatever the reach (no life circle is 10 km long).
MAX_WALK_M = 10_000.0

LIFE_CIRCLES_M = {5: 300.0, 10: 500.0, 15: 1000.0}
WALKING_SPEED_MS = 1.0


@dataclass(frozen=True)
class Site:
    lon: float
    lat: float
    label: str = "候选点"


def network_limit(threshold_m: float, reach_m: float) -> float:
    return min(NETWORK_LIMIT * threshold_m, reach_m)


def threshold_from(
    threshold_m: float | None, minutes: float | None, speed_ms: float = WALKING_SPEED_MS
) -> float:
    if threshold_m is not None:
        return float(threshold_m)
    if minutes is not None:
        return float(minutes) * 60.0 * speed_ms
    return LIFE_CIRCLES_M[10]


def reach_table(
    session: Session,
    kind: str | None,
    remove: Iterable[str],
    add: Sequence[Site],
    limit_m: float,
    straight: bool,
    refs: Sequence[str] | None = None,
    with_refs: bool = False,
) -> list[Any]:
    """Per compound, with its community (coverage.sql): network_m and the nearest source
    within limit_m along the network, with `with_refs` refs (every source within limit_m), and
    with `straight` the straight-line distance to the nearest source (else None, and only the
    compounds some source reaches are listed). Sources: the
    kind's facilities less `remove`, plus `add` (refs default to candidate:1, candidate:2, …).
    One query, on the stored walks and reach (Rebuilding if they are stale)."""
    require_fresh(session, "facility_walks")
    params = {
        "kind": kind,
        "remove": list(remove),
        "refs": list(refs or [f"candidate:{i}" for i in range(1, len(add) + 1)]),
        "xs": [s.lon for s in add],
        "ys": [s.lat for s in add],
        "limit": limit_m,
        "straight": straight,
        "with_refs": with_refs,
    }
    return list(session.execute(text(TABLE), params).all())


def _check_threshold(threshold_m: float, reach_m: float) -> None:
    if not 0 < threshold_m <= reach_m:
        raise Unprocessable(
            f"threshold {threshold_m:g} m: walking distances are kept up to {reach_m:g} m "
            "(GRIDMAP_COVERAGE_REACH_M)"
        )


def coverage(
    session: Session,
    kind: str,
    threshold_m: float,
    add: Sequence[Site] = (),
    remove: Iterable[str] = (),
) -> Coverage:
    """Per compound, per community and in total: households within threshold_m (network)."""
    reach_m = built_reach(session)
    _check_threshold(threshold_m, reach_m)
    remove = list(remove)
    limit = network_limit(threshold_m, reach_m)
    rows = reach_table(session, kind, remove, add, limit, straight=True)
    compounds: list[dict[str, Any]] = []
    communities: dict[str, dict[str, Any]] = {}
    for code, name, hh, comm, comm_name, street, net, nearest, _, line, _ in rows:
        if code is None:  # no compounds at all: the row only carries the source count
            continue
        network_m = None if net is None else round(net, 1)
        straight = None if line is None else round(line, 1)
        covered = network_m is not None and network_m <= threshold_m
        straight_covered = straight is not None and straight <= threshold_m
        compounds.append(
            {
                "code": code,
                "name": name,
                "households": hh,
                "community_code": comm,
                "network_m": network_m,
                "straight_m": straight,
                "covered": covered,
                "straight_covered": straight_covered,
                "nearest": nearest if covered else None,
            }
        )
        if comm not in communities:
            communities[comm] = {
                "code": comm,
                "name": comm_name,
                "street_code": street,
                "compounds": 0,
                "households": 0,
                "households_covered": 0,
                "straight_covered": 0,
            }
        c = communities[comm]
        c["compounds"] += 1
        c["households"] += hh
        c["households_covered"] += hh if covered else 0
        c["straight_covered"] += hh if straight_covered else 0
    for c in communities.values():
        c["households_covered_pct"] = _pct(c["households_covered"], c["households"])
        c["straight_covered_pct"] = _pct(c.pop("straight_covered"), c["households"])
    total = sum(c["households"] for c in compounds)
    covered_hh = sum(c["households"] for c in compounds if c["covered"])
    straight_hh = sum(c["households"] for c in compounds if c["straight_covered"])
    return {
        "kind": kind,
        "threshold_m": threshold_m,
        "facilities": rows[0].sources,
        "network_limit_m": limit,
        "compounds": compounds,
        "communities": sorted(communities.values(), key=lambda c: c["code"]),
        "totals": {
            "households": total,
            "households_covered": covered_hh,
            "households_covered_pct": _pct(covered_hh, total),
            "straight_covered_pct": _pct(straight_hh, total),
            "compounds": len(compounds),
            "compounds_covered": sum(1 for c in compounds if c["covered"]),
        },
        "gaps": [
            {k: c[k] for k in ("code", "name", "households", "network_m")}
            for c in heapq.nsmallest(
                50,
                (c for c in compounds if not c["covered"]),
                key=lambda c: (-c["households"], c["code"]),
            )
        ],
    }


def _pct(part: float, whole: float) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def add_sites_delta(session: Session, base: Coverage, add: Sequence[Site]) -> ScenarioDelta:
    """Households newly covered by adding sites to the situation `base` (a coverage() result)
    describes: only the new sites are looked up, so a delta costs a fraction of a full run."""
    threshold_m = base["threshold_m"]
    reached = {
        r.code: r.network_m
        for r in reach_table(session, None, (), add, threshold_m, straight=False)
        if r.network_m is not None
    }
    gained = [c for c in base["compounds"] if not c["covered"] and c["code"] in reached]
    hh = sum(c["households"] for c in gained)
    t = base["totals"]
    after = dict(
        t,
        households_covered=t["households_covered"] + hh,
        households_covered_pct=_pct(t["households_covered"] + hh, t["households"]),
        compounds_covered=t["compounds_covered"] + len(gained),
    )
    return {
        "before": t,
        "after": after,
        "delta_households": hh,
        "changed": [
            {
                "code": c["code"],
                "name": c["name"],
                "households": c["households"],
                "covered": True,
                "network_m": round(reached[c["code"]], 1),
            }
            for c in gained
        ],
    }


def scenario(
    session: Session,
    kind: str,
    threshold_m: float,
    add: Sequence[Site] = (),
    remove: Iterable[str] = (),
) -> Scenario:
    """Coverage with sites added or facilities removed, beside the stored situation.

    Nothing stored changes: sites and removals are parameters of the query only. Adding sites
    alone is incremental (add_sites_delta); removing facilities recomputes in full.
    """
    base = coverage(session, kind, threshold_m)
    remove = list(remove)
    if add and not remove:
        delta = add_sites_delta(session, base, add)
        return {
            "kind": kind,
            "threshold_m": threshold_m,
            "before": delta["before"],
            "after": delta["after"],
            "delta_households": delta["delta_households"],
            "changed": delta["changed"],
        }
    new = coverage(session, kind, threshold_m, add, remove)
    before = {c["code"]: c["covered"] for c in base["compounds"]}
    changed = [
        {
            "code": c["code"],
            "name": c["name"],
            "households": c["households"],
            "covered": c["covered"],
            "network_m": c["network_m"],
        }
        for c in new["compounds"]
        if c["covered"] != before[c["code"]]
    ]
    return {
        "kind": kind,
        "threshold_m": threshold_m,
        "before": base["totals"],
        "after": new["totals"],
        "changed": changed,
        "delta_households": new["totals"]["households_covered"]
        - base["totals"]["households_covered"],
    }
