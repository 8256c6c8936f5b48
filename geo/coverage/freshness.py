"""Whether the derived tables are fresh, for readers: a stale table answers 503 (Rebuilding),
never a rebuild (geo/coverage/derived.py rebuilds; webmap/rebuild.py queues it)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.errors import Rebuilding

# What each is built from, among the derived tables: refreshed first.
NEEDS = {"facility_walks": "coverage_graph", "walking_areas": "coverage_graph"}
# Built to a walking reach (settings.coverage_reach_m, recorded in derived_tables.reach_m):
# coverage_reach holds each compound's walking distance to every node within it.
REACHING = ("coverage_graph", "facility_walks", "walking_areas")

STATE = "SELECT stale, reach_m FROM derived_tables WHERE name = :n"


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
    for n in (NEEDS.get(name), name):
        if n is not None and session.execute(text(STATE), {"n": n}).one().stale:
            raise Rebuilding(f"派生数据 {n} 正在重建（数据已更新），请稍后再试")
