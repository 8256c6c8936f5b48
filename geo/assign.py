"""Case assignment (the rule in ARCHITECTURE.md), set-based for batches."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.sql.loader import steps


def assign_pending(session: Session, snap_m: float = 100.0) -> int:
    """Assign every case whose rule is NULL; return how many were assigned.

    Works on WGS84 geometries; the snap distance is geodesic metres. Cases farther than
    snap_m from every grid stay unassigned (rule NULL) for the caller to reject.
    """
    for sql in steps("assign_pending"):
        session.execute(text(sql), {"snap_m": snap_m} if ":snap_m" in sql else {})
    n = session.execute(
        text(
            "SELECT count(*) FROM cases c JOIN pending_assign p ON p.id = c.id "
            "WHERE c.rule IS NOT NULL"
        )
    ).scalar_one()
    return int(n)
