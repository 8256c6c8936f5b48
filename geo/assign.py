"""Set-based case assignment (the rule in ARCHITECTURE.md) for batches and reassignment.

The single-point form is geo/locate.py; tests hold the two to the same answers.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from geo.sql.loader import steps

APPLY = steps("assign_apply")


def assign_input(session: Session, snap_m: float = 100.0) -> int:
    """Assign the points in temp table assign_input(id, geom) into temp table assign_output.

    Geometries WGS84; snap_m geodesic metres. Its temp tables are ON COMMIT DROP (a pooled
    connection keeps none): read them in the same transaction. Returns how many points were
    placed; those farther than snap_m from every grid have no output row.
    """
    session.execute(
        text("CREATE INDEX IF NOT EXISTS assign_input_geom ON assign_input USING gist (geom)")
    )
    session.execute(text("ANALYZE assign_input"))
    assign_grids(session)
    for sql in steps("assign_batch"):
        session.execute(text(sql), {"snap_m": snap_m} if ":snap_m" in sql else {})
    return int(session.execute(text("SELECT count(*) FROM assign_output")).scalar_one())


def unplaced(session: Session) -> list[int]:
    """After assign_input: the ids farther than snap_m from every grid (no output row)."""
    return [int(r[0]) for r in session.execute(text(_UNPLACED))]


_UNPLACED = (
    "SELECT o.id FROM assign_outside o "
    "WHERE NOT EXISTS (SELECT 1 FROM assign_snapped a WHERE a.id = o.id) ORDER BY 1"
)


*_PAIRS, _UNIQUE, _TIES = steps("assign_grid")


def assign_grids(session: Session) -> None:
    """Containment step: temp table assign_grid, one row per point inside or on a grid.

    Ties (points several grids cover) are rare: the unique index on id is tried first, in a
    savepoint, and only if it fails are the repeated ids grouped (assign_grid.sql)."""
    for sql in _PAIRS:
        session.execute(text(sql))
    try:
        with session.begin_nested():
            session.execute(text(_UNIQUE))
    except IntegrityError:
        session.execute(text(_TIES))
        session.execute(text(_UNIQUE))


_INPUTS = {
    "pending": "CREATE TEMP TABLE assign_input ON COMMIT DROP AS SELECT id, geom FROM cases "
    "WHERE rule IS NULL",
    "open": "CREATE TEMP TABLE assign_input ON COMMIT DROP AS SELECT id, geom FROM cases "
    "WHERE status IN ('reported', 'assigned', 'accepted', 'returned')",
}


def _input_from(session: Session, which: str) -> None:
    session.execute(text("DROP TABLE IF EXISTS assign_input"))
    session.execute(text(_INPUTS[which]))


def assign_pending(session: Session, snap_m: float = 100.0) -> int:
    """Assign every case whose rule is NULL; return how many got a grid."""
    _input_from(session, "pending")
    n = assign_input(session, snap_m)
    session.execute(text(APPLY[0]))
    return n


def reassign_open_cases(session: Session, actor: str, reason: str, snap_m: float = 100.0) -> int:
    """Re-run the rule for every open case; change those whose assignment moved.

    Each changed case gets a 'reassigned' event with the old and new assignment. Closed,
    resolved and duplicate cases keep their history untouched. Returns the number changed.
    """
    _input_from(session, "open")
    assign_input(session, snap_m)
    for sql in APPLY[1:]:
        session.execute(text(sql), {"actor": actor, "reason": reason} if ":actor" in sql else {})
    return int(session.execute(text("SELECT count(*) FROM reassigned")).scalar_one())
