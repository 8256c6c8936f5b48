"""Walking coverage of service facilities over the real road network (PostGIS + pgRouting).

Distances are metres along the main network (geo/network.py), snap distances to and from the
road included; straight-line distances are geodesic metres, shown beside them. Life-circle
thresholds of GB 50180-2018: 5 minutes = 300 m, 10 minutes = 500 m, 15 minutes = 800–1000 m.
A threshold given in minutes is minutes × 60 × walking speed (default 1.0 m/s).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.derived import refresh
from geo.sql.loader import steps

*NEW_SOURCES, FACILITIES, CANDIDATES, CANDIDATE_REACH = steps("coverage_inputs")
FIRST_SOURCE_PID = 100_000_001  # coverage_targets (compounds) number from 1
# The walk is searched to twice the threshold: a compound farther than that from every facility
# has network_m None ("more than network_limit_m"). Searching to 2 km cost three times as much.
NETWORK_LIMIT = 2.0

LIFE_CIRCLES_M = {5: 300.0, 10: 500.0, 15: 1000.0}
WALKING_SPEED_MS = 1.0


@dataclass(frozen=True)
class Site:
    lon: float
    lat: float
    label: str = "候选点"


def threshold_from(
    threshold_m: float | None, minutes: float | None, speed_ms: float = WALKING_SPEED_MS
) -> float:
    if threshold_m is not None:
        return float(threshold_m)
    if minutes is not None:
        return float(minutes) * 60.0 * speed_ms
    return LIFE_CIRCLES_M[10]


def _inputs(session: Session, kind: str, remove: Iterable[str], add: Sequence[Site]) -> None:
    """Temp table cov_sources (the kind's facilities, less `remove`, plus `add`) and view
    cov_edges (the stored graph with the sources attached)."""
    _new_sources(session)
    params = {"kind": kind, "remove": list(remove), "first": FIRST_SOURCE_PID}
    session.execute(text(FACILITIES), params)
    n = session.execute(text("SELECT count(*) FROM cov_sources")).scalar_one()
    _insert_sites(session, FIRST_SOURCE_PID + n, add)
    session.execute(text("CREATE INDEX ON cov_sources USING gist (m)"))  # straight-line KNN
    session.execute(text("ANALYZE cov_sources"))
    _graph(session)


def _new_sources(session: Session) -> None:
    """An empty temp table cov_sources, for facilities or candidate sites."""
    for sql in NEW_SOURCES:
        session.execute(text(sql))


def _graph(session: Session) -> None:
    """View cov_edges: the stored coverage graph (rebuilt first if stale) with every site of
    cov_sources attached. Snapping every compound anew cost most of a coverage run."""
    refresh(session, "coverage_graph")
    for sql in GRAPH:
        session.execute(text(sql))
    session.execute(text(ATTACH[0]), {"first": FIRST_SOURCE_PID})


GRAPH = steps("coverage_graph_view")
ATTACH = steps("coverage_attach")
RESULT = steps("coverage")[0]

_SITES = (
    "INSERT INTO cov_sources (pid, ref, geom, m) SELECT p, r, g, ST_Transform(g, 4549) "
    "FROM (SELECT p, r, ST_SetSRID(ST_MakePoint(x, y), 4326) AS g "
    "FROM unnest(CAST(:pids AS bigint[]), CAST(:refs AS text[]), CAST(:xs AS float8[]), "
    "CAST(:ys AS float8[])) AS t(p, r, x, y)) s"
)


def _insert_sites(
    session: Session, first_pid: int, sites: Sequence[Site], refs: Sequence[str] | None = None
) -> None:
    """Add sites to cov_sources (one query), numbered from first_pid; refs default to
    candidate:1, candidate:2, …"""
    if not sites:
        return
    session.execute(
        text(_SITES),
        {
            "pids": list(range(first_pid, first_pid + len(sites))),
            "refs": list(refs or [f"candidate:{i}" for i in range(1, len(sites) + 1)]),
            "xs": [s.lon for s in sites],
            "ys": [s.lat for s in sites],
        },
    )


def _network_distances(session: Session, limit_m: float) -> dict[str, Any]:
    return {r.ref: r for r in session.execute(text(RESULT), {"limit": limit_m})}


def coverage(
    session: Session,
    kind: str,
    threshold_m: float,
    add: Sequence[Site] = (),
    remove: Iterable[str] = (),
) -> dict[str, Any]:
    """Per compound, per community and in total: households within threshold_m (network)."""
    _inputs(session, kind, remove, add)
    dist = _network_distances(session, NETWORK_LIMIT * threshold_m)
    rows = session.execute(
        text(
            "SELECT c.code, c.name, c.households, c.community_code, m.name AS community_name, "
            "m.street_code FROM compounds c JOIN communities m ON m.code = c.community_code "
            "ORDER BY c.code"
        )
    ).all()
    compounds: list[dict[str, Any]] = []
    communities: dict[str, dict[str, Any]] = {}
    for r in rows:
        d = dist.get(r.code)
        net = None if d is None or d.network_m is None else round(float(d.network_m), 1)
        straight = None if d is None or d.straight_m is None else round(float(d.straight_m), 1)
        covered = net is not None and net <= threshold_m
        compounds.append(
            {
                "code": r.code,
                "name": r.name,
                "households": r.households,
                "community_code": r.community_code,
                "network_m": net,
                "straight_m": straight,
                "covered": covered,
                "straight_covered": straight is not None and straight <= threshold_m,
                "nearest": d.nearest if d is not None and covered else None,
            }
        )
        c = communities.setdefault(
            r.community_code,
            {
                "code": r.community_code,
                "name": r.community_name,
                "street_code": r.street_code,
                "compounds": 0,
                "households": 0,
                "households_covered": 0,
                "straight_covered": 0,
            },
        )
        c["compounds"] += 1
        c["households"] += r.households
        c["households_covered"] += r.households if covered else 0
        c["straight_covered"] += r.households if compounds[-1]["straight_covered"] else 0
    for c in communities.values():
        c["households_covered_pct"] = _pct(c["households_covered"], c["households"])
        c["straight_covered_pct"] = _pct(c.pop("straight_covered"), c["households"])
    total = sum(c["households"] for c in compounds)
    covered_hh = sum(c["households"] for c in compounds if c["covered"])
    straight_hh = sum(c["households"] for c in compounds if c["straight_covered"])
    return {
        "kind": kind,
        "threshold_m": threshold_m,
        "facilities": session.execute(text("SELECT count(*) FROM cov_sources")).scalar_one(),
        "network_limit_m": NETWORK_LIMIT * threshold_m,
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
        "gaps": sorted(
            (
                {
                    "code": c["code"],
                    "name": c["name"],
                    "households": c["households"],
                    "network_m": c["network_m"],
                }
                for c in compounds
                if not c["covered"]
            ),
            key=lambda g: (-g["households"], g["code"]),
        )[:50],
    }


def _pct(part: float, whole: float) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def add_sites_delta(session: Session, base: dict[str, Any], add: Sequence[Site]) -> dict[str, Any]:
    """Households newly covered by adding sites to the situation `base` describes.

    Needs the temp tables of the coverage() call that produced `base` (same transaction): only
    the new sites are snapped and searched from, so a delta costs a fraction of a full run.
    """
    threshold_m = base["threshold_m"]
    first = session.execute(
        text("SELECT COALESCE(max(pid) + 1, :f) FROM cov_sources"), {"f": FIRST_SOURCE_PID}
    ).scalar_one()
    _insert_sites(session, first, add)
    session.execute(text(ATTACH[0]), {"first": first})
    reach = ATTACH[1]
    params = {"first": first, "threshold": threshold_m}
    reached = {r.ref: float(r.d) for r in session.execute(text(reach), params)}
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
) -> dict[str, Any]:
    """Coverage with sites added or facilities removed, beside the stored situation.

    Nothing stored changes: the scenario lives in this transaction's temp tables only. Adding
    sites alone is incremental (add_sites_delta); removing facilities recomputes in full.
    """
    base = coverage(session, kind, threshold_m)
    remove = list(remove)
    if add and not remove:
        return {"kind": kind, "threshold_m": threshold_m, **add_sites_delta(session, base, add)}
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


def walking_areas(
    session: Session, kind: str, threshold_m: float, buffer_m: float = 30.0
) -> dict[str, Any]:
    """A FeatureCollection: per facility, the network within threshold_m, buffered."""
    _inputs(session, kind, (), ())
    rows = session.execute(
        text(steps("walking_areas")[0]), {"threshold": threshold_m, "buffer_m": buffer_m}
    ).all()
    names: dict[str, str] = dict(
        session.execute(
            text("SELECT code, name FROM facilities WHERE kind = :k"), {"k": kind}
        ).all()
    )
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": json.loads(r.geojson),
                "properties": {
                    "code": r.ref,
                    "name": names.get(r.ref, r.ref),
                    "kind": kind,
                    "threshold_m": threshold_m,
                    "reached_m": round(float(r.reached_m), 1),
                },
            }
            for r in rows
        ],
    }
