"""Derived tables, kept between calls and rebuilt when the tables they come from change.

Triggers (migrations 0005, 0007, 0008) mark a derived table stale on any change to its sources;
`refresh` rebuilds it in the caller's transaction. Writers rebuild: loaders right after loading,
`gridmap migrate` whatever is stale, the web app a queued rebuild (webmap/rebuild.py) for a
change made outside them. Readers never do: `require_fresh` raises Rebuilding on a stale table.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.coverage.freshness import NEEDS, REACHING, STATE
from geo.coverage.walking_areas import build_stored
from geo.sql.loader import script

# Each is built by its script (geo/coverage/sql/<name>.sql, grid_slivers the core's
# geo/sql/grid_slivers.sql), but walking_areas (geo/coverage/walking_areas.py).
SCRIPTS = {
    "coverage_graph": "coverage/coverage_graph",
    "facility_walks": "coverage/facility_walks",
    "grid_slivers": "grid_slivers",
}
DERIVED = (
    "coverage_graph",  # roads split where each compound (or gate) joins them; compounds' reach
    "facility_walks",  # each facility's walk to the compounds, on coverage_graph
    "grid_slivers",  # where grid interiors overlap
    "walking_areas",  # each facility's walking area at the planner's distances (Python-built)
)


def refresh(session: Session, name: str, reach_m: float, force: bool = False) -> bool:
    """Rebuild `name` if stale, built to another reach than reach_m metres, or forced; return
    whether it was rebuilt.

    The fresh case is a plain read; only a rebuild locks the row (and looks again, in case
    another transaction just rebuilt it).
    What `name` is built from is refreshed first (a rebuild of it marks `name` stale).
    """
    if name in NEEDS:
        refresh(session, NEEDS[name], reach_m)
    if not force and not (
        _outdated(session, name, reach_m, lock=False)
        and _outdated(session, name, reach_m, lock=True)
    ):
        return False
    reach = reach_m if name in REACHING else None
    if name == "walking_areas":  # built by the same query that searches other distances
        build_stored(session, reach_m)
    else:
        for sql in script(SCRIPTS[name]):
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
    row = session.execute(text(_STATE_LOCKED if lock else STATE), {"n": name}).one()
    return bool(row.stale) or (name in REACHING and row.reach_m != reach_m)


_STATE_LOCKED = STATE + " FOR UPDATE"


REBUILD_LOCK = 0x67726964  # "grid": one rebuilder at a time, across processes


def rebuild_stale(session: Session, reach_m: float) -> list[str]:
    """refresh_all under a transaction-level advisory lock: concurrent rebuilders (the web
    workers' queued rebuilds) wait for each other, and the second finds the tables fresh."""
    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": REBUILD_LOCK})
    return refresh_all(session, reach_m)


def refresh_all(
    session: Session, reach_m: float, progress: Callable[[str], None] | None = None
) -> list[str]:
    """Rebuild every stale (or differently reaching) derived table; return the names rebuilt.
    `progress` hears each table's name before it is looked at (a command's progress bar)."""
    rebuilt = []
    for name in DERIVED:
        if progress is not None:
            progress(f"派生表 {name}")
        if refresh(session, name, reach_m):
            rebuilt.append(name)
    return rebuilt
