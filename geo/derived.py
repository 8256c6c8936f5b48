"""Derived tables, kept between calls and rebuilt when the tables they come from change.

Triggers (migrations 0005, 0007, 0008) mark a derived table stale on any change to its sources;
`refresh` rebuilds it in the caller's transaction. Writers rebuild: loaders right after loading,
`gridmap migrate` whatever is stale, the web app a queued rebuild (webmap/rebuild.py) for a
change made outside them. Readers never do: `require_fresh` raises Rebuilding on a stale table.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.errors import Rebuilding
from geo.sql.loader import script
from ops.progress import step

# Each is built by geo/sql/<name>.sql, but walking_areas (geo/walking_areas.py).
DERIVED = (
    "coverage_graph",  # roads split where each compound (or gate) joins them; compounds' reach
    "facility_walks",  # each facility's walk to the compounds, on coverage_graph
    "grid_slivers",  # where grid interiors overlap
    "walking_areas",  # each facility's walking area at the planner's distances (Python-built)
)
# What each is built from, among the derived tables: refreshed first.
_NEEDS = {"facility_walks": "coverage_graph", "walking_areas": "coverage_graph"}
# Built to a walking reach (settings.coverage_reach_m, recorded in derived_tables.reach_m):
# coverage_reach holds each compound's walking distance to every node within it.
REACHING = ("coverage_graph", "facility_walks", "walking_areas")


def refresh(session: Session, name: str, reach_m: float, force: bool = False) -> bool:
    """Rebuild `name` if stale, built to another reach than reach_m metres, or forced; return
    whether it was rebuilt.

    The fresh case is a plain read; only a rebuild locks the row (and looks again, in case
    another transaction just rebuilt it).
    What `name` is built from is refreshed first (a rebuild of it marks `name` stale).
    """
    if name in _NEEDS:
        refresh(session, _NEEDS[name], reach_m)
    if not force and not (
        _outdated(session, name, reach_m, lock=False)
        and _outdated(session, name, reach_m, lock=True)
    ):
        return False
    reach = reach_m if name in REACHING else None
    if name == "walking_areas":  # built by the same query that searches other distances
        from geo.walking_areas import build_stored

        build_stored(session, reach_m)
    else:
        for sql in script(name):
            session.execute(text(sql), {"reach_m": reach_m})
    session.execute(
        text(
            "UPDATE derived_tables SET stale = false, built_at = now(), reach_m = :r "
            "WHERE name = :n"
        ),
        {"n": name, "r": reach},
    )
    return True


def _outdated(session: Session, name: str, reach_m: float, lock: bool) -> bool:
    row = session.execute(text(_STATE_LOCKED if lock else _STATE), {"n": name}).one()
    return bool(row.stale) or (name in REACHING and row.reach_m != reach_m)


_STATE = "SELECT stale, reach_m FROM derived_tables WHERE name = :n"
_STATE_LOCKED = _STATE + " FOR UPDATE"


def built_reach(session: Session) -> float:
    """How far the coverage tables hold walking distances (metres), as built; Rebuilding if
    they are stale or were never built."""
    require_fresh(session, "facility_walks")
    reach = session.execute(
        text("SELECT reach_m FROM derived_tables WHERE name = 'coverage_graph'")
    ).scalar()
    if reach is None:
        raise Rebuilding("派生数据 coverage_graph 尚未建立，请稍后再试")
    return float(reach)


def require_fresh(session: Session, name: str) -> None:
    """For readers: raise Rebuilding if `name` (or what it is built from) is stale."""
    for n in (_NEEDS.get(name), name):
        if n is not None and session.execute(text(_STATE), {"n": n}).one().stale:
            raise Rebuilding(f"派生数据 {n} 正在重建（数据已更新），请稍后再试")


REBUILD_LOCK = 0x67726964  # "grid": one rebuilder at a time, across processes


def rebuild_stale(session: Session, reach_m: float) -> list[str]:
    """refresh_all under a transaction-level advisory lock: concurrent rebuilders (the web
    workers' queued rebuilds) wait for each other, and the second finds the tables fresh."""
    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": REBUILD_LOCK})
    return refresh_all(session, reach_m)


def refresh_all(session: Session, reach_m: float) -> list[str]:
    """Rebuild every stale (or differently reaching) derived table; return the names rebuilt."""
    rebuilt = []
    for name in DERIVED:
        step(f"派生表 {name}")  # a bar on the terminal (ops/progress.py), when a command has one
        if refresh(session, name, reach_m):
            rebuilt.append(name)
    return rebuilt
