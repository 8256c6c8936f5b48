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

# Each is built by geo/sql/<name>.sql.
DERIVED = (
    "coverage_graph",  # roads split where each compound (or gate) joins them; compounds' reach
    "facility_walks",  # each facility's walk to the compounds, on coverage_graph
    "grid_slivers",  # where grid interiors overlap
)
# What each is built from, among the derived tables: refreshed first.
_NEEDS = {"facility_walks": "coverage_graph"}
# How far coverage_reach holds each compound's walking distances: twice the largest
# life-circle threshold (GB 50180-2018, 15 minutes = 1000 m). Demo: 0.55M rows, 44 MB.
COVERAGE_REACH_M = 2000.0
_PARAMS = {name: {"reach_m": COVERAGE_REACH_M} for name in ("coverage_graph", "facility_walks")}


def refresh(session: Session, name: str, force: bool = False) -> bool:
    """Rebuild `name` if stale (or forced); return whether it was rebuilt.

    The fresh case is a plain read; only a rebuild locks the row (and looks again, in case
    another transaction just rebuilt it).
    What `name` is built from is refreshed first (a rebuild of it marks `name` stale).
    """
    if name in _NEEDS:
        refresh(session, _NEEDS[name])
    if not force and not (_stale(session, name, lock=False) and _stale(session, name, lock=True)):
        return False
    for sql in script(name):
        session.execute(text(sql), _PARAMS.get(name, {}))
    session.execute(
        text("UPDATE derived_tables SET stale = false, built_at = now() WHERE name = :n"),
        {"n": name},
    )
    return True


def _stale(session: Session, name: str, lock: bool) -> bool:
    sql = _STALE_LOCKED if lock else _STALE
    return bool(session.execute(text(sql), {"n": name}).scalar())


_STALE = "SELECT stale FROM derived_tables WHERE name = :n"
_STALE_LOCKED = "SELECT stale FROM derived_tables WHERE name = :n FOR UPDATE"


def stale(session: Session) -> list[str]:
    """The derived tables whose sources changed since they were built."""
    return [name for name in DERIVED if _stale(session, name, lock=False)]


def require_fresh(session: Session, name: str) -> None:
    """For readers: raise Rebuilding if `name` (or what it is built from) is stale."""
    for n in (_NEEDS.get(name), name):
        if n is not None and _stale(session, n, lock=False):
            raise Rebuilding(f"派生数据 {n} 正在重建（数据已更新），请稍后再试")


REBUILD_LOCK = 0x67726964  # "grid": one rebuilder at a time, across processes


def rebuild_stale(session: Session) -> list[str]:
    """refresh_all under a transaction-level advisory lock: concurrent rebuilders (the web
    workers' queued rebuilds) wait for each other, and the second finds the tables fresh."""
    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": REBUILD_LOCK})
    return refresh_all(session)


def refresh_all(session: Session) -> list[str]:
    """Rebuild every stale derived table; return the names rebuilt."""
    return [name for name in DERIVED if refresh(session, name)]
