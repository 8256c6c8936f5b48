"""Derived tables, kept between calls and rebuilt when the tables they come from change.

Triggers (migration 0005) mark a derived table stale on any change to its sources; `refresh`
rebuilds it in the caller's transaction. Loaders refresh right after loading, `gridmap migrate`
refreshes whatever is stale, and the code that reads a derived table refreshes it first.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.sql.loader import steps

# derived table -> the SQL file that builds it (geo/sql/<name>.sql)
BUILDS = {
    "coverage_graph": "coverage_graph",  # roads split where each compound joins them
    "grid_slivers": "grid_slivers",  # where grid interiors overlap
}


def refresh(session: Session, name: str, force: bool = False) -> bool:
    """Rebuild `name` if stale (or forced); return whether it was rebuilt."""
    stale = session.execute(
        text("SELECT stale FROM derived_tables WHERE name = :n FOR UPDATE"), {"n": name}
    ).scalar()
    if not (stale or force):
        return False
    for sql in steps(BUILDS[name]):
        session.execute(text(sql))
    session.execute(
        text("UPDATE derived_tables SET stale = false, built_at = now() WHERE name = :n"),
        {"n": name},
    )
    return True


def refresh_all(session: Session) -> list[str]:
    """Rebuild every stale derived table; return the names rebuilt."""
    return [name for name in BUILDS if refresh(session, name)]
