"""Set-based case assignment (the rule in ARCHITECTURE.md) for batches and reassignment.

The single-point form is geo/locate.py; tests hold the two to the same answers.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.sql.loader import steps

ASSIGNED_COLUMNS = (
    "grid_code",
    "rule",
    "outside",
    "distance_m",
    "community_code",
    "street_code",
    "worker_id",
    "zone_kind",
    "zone_code",
    "party_org_code",
)
OPEN_STATUSES = ("reported", "assigned", "accepted", "returned")


def assign_input(session: Session, snap_m: float = 100.0) -> int:
    """Assign the points in temp table assign_input(id, geom) into temp table assign_output.

    Geometries WGS84; snap_m geodesic metres. Returns how many points were placed; those
    farther than snap_m from every grid have no output row.
    """
    session.execute(
        text("CREATE INDEX IF NOT EXISTS assign_input_geom ON assign_input USING gist (geom)")
    )
    session.execute(text("ANALYZE assign_input"))
    for sql in steps("assign_batch"):
        session.execute(text(sql), {"snap_m": snap_m} if ":snap_m" in sql else {})
    return int(session.execute(text("SELECT count(*) FROM assign_output")).scalar_one())


_INPUTS = {
    "pending": "CREATE TEMP TABLE assign_input AS SELECT id, geom FROM cases WHERE rule IS NULL",
    "open": "CREATE TEMP TABLE assign_input AS SELECT id, geom FROM cases "
    "WHERE status IN ('reported', 'assigned', 'accepted', 'returned')",
}


def _input_from(session: Session, which: str) -> None:
    session.execute(text("DROP TABLE IF EXISTS assign_input"))
    session.execute(text(_INPUTS[which]))


def assign_pending(session: Session, snap_m: float = 100.0) -> int:
    """Assign every case whose rule is NULL; return how many got a grid."""
    _input_from(session, "pending")
    n = assign_input(session, snap_m)
    sets = ", ".join(f"{c} = o.{c}" for c in ASSIGNED_COLUMNS)
    session.execute(text(f"UPDATE cases c SET {sets} FROM assign_output o WHERE o.id = c.id"))  # noqa: S608
    return n


def reassign_open_cases(session: Session, actor: str, reason: str, snap_m: float = 100.0) -> int:
    """Re-run the rule for every open case; change those whose assignment moved.

    Each changed case gets a 'reassigned' event with the old and new assignment. Closed,
    resolved and duplicate cases keep their history untouched. Returns the number changed.
    """
    _input_from(session, "open")
    assign_input(session, snap_m)
    changed = " OR ".join(f"c.{c} IS DISTINCT FROM o.{c}" for c in ASSIGNED_COLUMNS)
    old = ", ".join(f"'{c}', c.{c}" for c in ASSIGNED_COLUMNS)
    new = ", ".join(f"'{c}', o.{c}" for c in ASSIGNED_COLUMNS)
    session.execute(text("DROP TABLE IF EXISTS reassigned"))
    session.execute(
        text(
            f"CREATE TEMP TABLE reassigned AS SELECT c.id, jsonb_build_object({old}) AS old, "  # noqa: S608
            f"jsonb_build_object({new}) AS new FROM cases c JOIN assign_output o ON o.id = c.id "
            f"WHERE {changed}"
        )
    )
    sets = ", ".join(f"{c} = o.{c}" for c in ASSIGNED_COLUMNS)
    session.execute(
        text(
            f"UPDATE cases c SET {sets}, updated_at = now() FROM assign_output o "  # noqa: S608
            "JOIN reassigned r ON r.id = o.id WHERE o.id = c.id"
        )
    )
    session.execute(
        text(
            "INSERT INTO case_events (case_id, actor, kind, note, data) "
            "SELECT id, :actor, 'reassigned', :reason, jsonb_build_object('from', old, 'to', new) "
            "FROM reassigned"
        ),
        {"actor": actor, "reason": reason},
    )
    return int(session.execute(text("SELECT count(*) FROM reassigned")).scalar_one())
