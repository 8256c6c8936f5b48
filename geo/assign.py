"""The assignment rule (docs/architecture.md), for one point and for a set: the same SQL
text, geo/sql/assignment.sql, with a different assign_input (a one-row CTE, or an indexed
temp table). Points are WGS84; distances geodesic metres; snap_m comes from the settings.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

import psycopg
from psycopg.rows import namedtuple_row
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo import answers
from geo.errors import Unprocessable
from geo.sql.loader import query, script, to_driver

RULE = query("assignment", "rule")
# One point: the rule over a one-row assign_input, with the names the API shows.
ONE = to_driver(
    "\n".join(("WITH", query("assignment", "one_point") + ",", RULE, query("assignment", "named")))
)
NEAREST = to_driver(query("assignment", "nearest_grid_m"))
# A set: the rule over temp table assign_input, into temp table assign_output.
SET = "\n".join(
    ("CREATE TEMP TABLE assign_output ON COMMIT DROP AS WITH", RULE, "SELECT * FROM assignment")
)


class OutsideDistrict(Unprocessable):
    """Farther than the snap distance from every grid."""

    def __init__(self, distance_m: float | None, snap_m: float) -> None:
        self.distance_m = distance_m
        far = f"距最近网格 {distance_m:.0f} 米" if distance_m is not None else "尚无网格"
        super().__init__(f"超出辖区：{far}，超过 {snap_m:.0f} 米的吸附距离")


@dataclass(frozen=True)
class Assignment:
    """One point's assignment; lon/lat WGS84 degrees, distance_m geodesic metres."""

    lon: float
    lat: float
    row: Any  # a row of assignment.sql's `named`

    def as_dict(self) -> answers.Assignment:
        return assignment_dict(self.row, self.lon, self.lat)


def assignment_dict(r: Any, lon: float, lat: float) -> answers.Assignment:
    """The assignment as the API shows it (docs/architecture.md), from any row with these
    columns: street/community/grid _code and _name, zone_kind/_code/_name, party_org_code,
    party_name, party_kind, worker_id, worker_name, rule, outside, distance_m,
    residential_building_code/_name, stairwell_branch_code/_name."""
    zone: answers.AssignmentZone | None = (
        None
        if r.zone_kind is None
        else {"kind": r.zone_kind, "code": r.zone_code, "name": r.zone_name}
    )
    return {
        "point": {"lon": round(lon, 7), "lat": round(lat, 7)},
        "street": {"code": r.street_code, "name": r.street_name},
        "community": {"code": r.community_code, "name": r.community_name},
        "grid": {"code": r.grid_code, "name": r.grid_name},
        "zone": zone,
        "party_org": {"code": r.party_org_code, "name": r.party_name, "kind": r.party_kind},
        "worker": None if r.worker_id is None else {"id": r.worker_id, "name": r.worker_name},
        "residential_building": _named(r.residential_building_code, r.residential_building_name),
        "stairwell_branch": _named(r.stairwell_branch_code, r.stairwell_branch_name),
        "rule": r.rule,
        "outside": bool(r.outside),
        "distance_m": float(r.distance_m),
    }


def _named(code: str | None, name: str) -> answers.CodeName | None:
    return None if code is None else {"code": code, "name": name}


def locate(conn: psycopg.Connection[Any], lon: float, lat: float, snap_m: float) -> Assignment:
    """Assign one WGS84 point; raise OutsideDistrict if farther than snap_m from every grid.

    Takes the driver connection (`geo.db.driver(session)` inside a transaction): this is the
    platform's hottest path, and SQLAlchemy's statement handling cost more than the query.
    """
    params = {"lon": lon, "lat": lat, "snap_m": snap_m}
    with conn.cursor(row_factory=namedtuple_row) as cur:
        row = cur.execute(ONE, params).fetchone()
        if row is None:
            found = cur.execute(NEAREST, params).fetchone()
            raise OutsideDistrict(None if found is None else found[0], snap_m)
    return Assignment(lon, lat, row)


def assign_set(session: Session, snap_m: float) -> int:
    """Assign the points of temp table assign_input(id, geom) into temp table assign_output.

    Its temp tables are ON COMMIT DROP (a pooled connection keeps none): read them in the
    same transaction. Returns how many points were placed; those farther than snap_m from
    every grid have no output row (`unplaced`).
    """
    session.execute(text("SET LOCAL jit = off"))  # JIT only adds compile time here
    # Sorting a million rows for merge joins cost a fifth of the rule (measured at 300,000
    # points: 2.9 s with merge joins, 2.3 s with hash joins); the one-point form never
    # considers them.
    session.execute(text("SET LOCAL enable_mergejoin = off"))
    # The polygon joins' sizes are unknown to the planner until they run (each walks the
    # polygons meeting the input's extent, a parameter: estimated at a row or two), and a
    # nested loop over such an underestimate is quadratic (120,000 points: 338 s); the joins
    # on point ids are hashed. The LATERAL probes stay nested loops: they can be nothing else.
    # Only for the rule: the caller's later statements in the transaction plan as they did.
    nestloop = session.execute(text("SELECT current_setting('enable_nestloop')")).scalar_one()
    session.execute(
        text("CREATE INDEX IF NOT EXISTS assign_input_geom ON assign_input USING gist (geom)")
    )
    session.execute(text("ANALYZE assign_input"))
    session.execute(text("DROP TABLE IF EXISTS assign_output"))
    session.execute(text("SET LOCAL enable_nestloop = off"))
    session.execute(text(SET), {"snap_m": snap_m})
    session.execute(text("SELECT set_config('enable_nestloop', :v, true)"), {"v": nestloop})
    session.execute(text("ALTER TABLE assign_output ADD PRIMARY KEY (id)"))
    return int(session.execute(text("SELECT count(*) FROM assign_output")).scalar_one())


def unplaced(session: Session) -> list[int]:
    """After assign_set: the ids farther than snap_m from every grid (no output row)."""
    return [int(r[0]) for r in session.execute(text(query("assignment", "unplaced")))]


def _input_from(session: Session, name: str) -> None:
    session.execute(text("DROP TABLE IF EXISTS assign_input"))
    session.execute(text(query("assign_apply", name)))


# Cases assigned at a time by assign_pending: a piece's points, joins and update fit in memory
# however many cases there are (10⁷ at once spilled every hash to disk and grew 20x for 10x).
PIECE_IDS = 500_000


class Piece(NamedTuple):
    """Cases created in [t0, t1) with ids in [lo, hi): n of them."""

    t0: datetime
    t1: datetime
    lo: int
    hi: int
    n: int


def pieces(parts: list[Piece], most: int = PIECE_IDS) -> list[Piece]:
    """The pieces assign_pending works in, from each month's parts (pending_pieces): whole
    months that follow each other join while together they hold at most `most` cases; a month
    of more stays in its parts. A piece writes the rows and indexes of its months alone, which
    stay in memory (a piece of ids that spanned every month wrote 2.5 times slower at 10⁷
    cases), and the rule's cost per piece (every polygon in the input's extent, prepared once)
    is paid once for many small months."""
    months = Counter(p.t0 for p in parts)  # a month of more than `most` cases has parts
    out: list[Piece] = []
    joinable = False  # the last piece is whole months
    for p in parts:
        whole = months[p.t0] == 1
        if whole and joinable and out[-1].n + p.n <= most:
            last = out[-1]
            out[-1] = Piece(last.t0, p.t1, min(last.lo, p.lo), max(last.hi, p.hi), last.n + p.n)
        else:
            out.append(p)
            joinable = whole
    return out


def assign_pending(
    session: Session,
    snap_m: float,
    seconds: dict[str, float] | None = None,
    most: int = PIECE_IDS,
) -> int:
    """Assign every case whose rule is NULL, a piece of at most `most` cases at a time
    (`pieces`), in the caller's transaction; return how many got a grid. `seconds` gathers the
    time spent reading the pieces, in the rule and writing back ("read", "rule", "write":
    bench/scale.py)."""
    spent = seconds if seconds is not None else {}
    t = time.perf_counter()
    parts = session.execute(text(query("assign_apply", "pending_pieces")), {"piece": most})
    t = _spent(spent, "read", t)
    n = 0
    for piece in pieces([Piece(*r) for r in parts], most):
        bounds = piece._asdict()
        session.execute(text("DROP TABLE IF EXISTS assign_input"))
        read = session.execute(text(query("assign_apply", "pending_input")), bounds)
        t = _spent(spent, "read", t)
        if not read.rowcount:  # type: ignore[attr-defined]  # CREATE TABLE AS: its rows
            continue
        n += assign_set(session, snap_m)
        t = _spent(spent, "rule", t)
        session.execute(text(query("assign_apply", "apply_pending")), bounds)
        t = _spent(spent, "write", t)
    return n


def _spent(seconds: dict[str, float], phase: str, since: float) -> float:
    now = time.perf_counter()
    seconds[phase] = seconds.get(phase, 0.0) + now - since
    return now


def reassign_open_cases(session: Session, actor: str, reason: str, snap_m: float) -> int:
    """Re-run the rule for every open case; change those whose assignment moved.

    Each changed case gets a 'reassigned' event with the old and new assignment. Closed,
    resolved and duplicate cases keep their history untouched. Returns the number changed.
    """
    _input_from(session, "open_input")
    assign_set(session, snap_m)
    for sql in script("assign_apply"):
        session.execute(text(sql), {"actor": actor, "reason": reason})
    return int(session.execute(text("SELECT count(*) FROM reassigned")).scalar_one())
