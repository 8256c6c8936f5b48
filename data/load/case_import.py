"""Importing a case batch: checked rows staged with one COPY, assigned set-based in SQL
(geo/assign.py, the same rule as one point's), written pointing at the record of their part;
a per-row report.

Parts. A file of up to MIN_PART_ROWS rows is one part, written in the caller's transaction
(the caller commits, or rolls back and nothing is written). A larger file is cut into WORKERS
parts of consecutive rows (or more, of MIN_PART_ROWS, for a file under twice that); each part
is imported and committed on its own connection, all at once, so that the server's cores
share the work: Postgres runs one connection's statement on one core, and writing a million
indexed rows is most of an import (measured with a creation event per case, before migration
0011: 2 parts of 500,000 on 2 cores 40-43k rows/s, one transaction 24-26k, 4 parts of 250,000
2 at a time 38-40k).

Every part is recorded in case_imports, under the file's SHA-256 and its first row, in the
same transaction as its cases. A part is therefore never imported twice: re-submitting a
file imports only its parts not recorded yet (after a crash, say), and a file all of whose
parts are recorded is refused. Rejected rows change nothing and are listed with their reason.
The record is also the creation entry of the part's cases (cases.import_id).
"""

from __future__ import annotations

import hashlib
import io
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
from sqlalchemy import text
from sqlalchemy.orm import Session

from data.bulk import driver_connection
from data.load.case_batch import Data, check, parse
from geo.assign import assign_set, unplaced
from geo.cases.partitions import in_months
from geo.errors import Conflict
from ops import progress

MIN_PART_ROWS = 100_000
WORKERS = 2
SOURCE_CHARS = 20  # cases.source


def batch_source(name: str) -> str:
    """A batch's source, `batch:` and the key's label or the file's name, cut to what
    cases.source holds (a longer label made every row's insert fail)."""
    return f"batch:{name}"[:SOURCE_CHARS]


class AlreadyImported(Conflict):
    """Every part of the file was imported before (nothing written)."""


@dataclass
class BatchReport:
    rows: int = 0
    accepted: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    parts: list[dict[str, Any]] = field(default_factory=list)
    already_imported: list[dict[str, Any]] = field(default_factory=list)
    imported_before: int = 0  # rows of the caller's areas another's import of the file wrote
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Part:
    first_row: int  # 1-based file rows, header not counted
    last_row: int
    rows: np.ndarray  # 0-based indexes of this part's accepted rows
    import_id: int | None = None  # its case_imports row; None once it turns out empty
    taken: bool = False  # a concurrent import of the same file had claimed it
    accepted: int = 0
    unplaced: list[int] = field(default_factory=list)  # 1-based rows outside the district
    out_of_area: list[int] = field(default_factory=list)  # 1-based rows outside the areas
    before: list[int] = field(default_factory=list)  # 1-based rows an earlier claim wrote
    seconds: dict[str, float] = field(default_factory=dict)  # stage, assign, write


def import_cases(
    session: Session,
    data: Data,
    fmt: str,
    *,
    source: str,
    snap_m: float,
    part_rows: int | None = None,
    areas: list[str] | None = None,
) -> BatchReport:
    """Import a CSV or GeoJSON file; snap_m from the settings; part_rows (tests) overrides the
    size of its parts. areas (LIKE patterns, geo/access.py; None: anywhere): a row assigned
    outside them is rejected, as the importing account answers for them only; the parts are
    claimed for those areas, so another caller's import of the same file writes its own rows
    (and never one an earlier claim's areas covered)."""
    t0 = time.perf_counter()
    table, reason = check(session, parse(data, fmt))
    digest = hashlib.sha256(data).hexdigest()
    scope = scope_of(areas)
    key = {"digest": digest, "scope": scope}
    done = {r.first_row: r for r in session.execute(text(_DONE), key)}
    ok = reason == ""
    parts: list[_Part] = []
    skipped: list[Any] = []
    n = table.num_rows
    part_rows = part_rows or max(MIN_PART_ROWS, -(-n // WORKERS))
    for first in range(1, n + 1, part_rows):
        last = min(first + part_rows - 1, n)
        if first in done:
            skipped.append(done[first])
        else:
            sel = np.arange(first - 1, last)
            parts.append(_Part(first, last, sel[ok[first - 1 : last]]))
    if not parts:
        r = skipped[0]
        raise AlreadyImported(
            f"该文件已导入过（导入批次 {r.id}，{r.created_at:%Y-%m-%d %H:%M}），本次未写入"
        )
    progress.resize(1 + len(parts))
    progress.step("校验完成，分段写入")
    if n <= part_rows:
        _import_part(session, table, parts[0], digest, source, snap_m, areas)
        progress.step(f"第 {parts[0].first_row}–{parts[0].last_row} 行")
    else:
        engine = session.get_bind().engine

        def own(part: _Part) -> None:
            with Session(engine) as s:
                # a part runs as long as it needs, whatever time budget its engine carries
                s.execute(text("SET LOCAL statement_timeout = 0"))
                try:
                    _import_part(s, table, part, digest, source, snap_m, areas)
                except AlreadyImported:  # a concurrent request of the same file took it
                    s.rollback()
                    part.taken = True
                    return
                s.commit()
                progress.step(f"第 {part.first_row}–{part.last_row} 行")

        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            list(pool.map(own, parts))
        if any(p.taken for p in parts):
            taken = {r.first_row: r for r in session.execute(text(_DONE), key)}
            skipped += [taken[p.first_row] for p in parts if p.taken]
            parts = [p for p in parts if not p.taken]
    return _report(table, reason, parts, skipped, snap_m, t0)


def _report(
    table: pa.Table,
    reason: np.ndarray,
    parts: list[_Part],
    skipped: list[Any],
    snap_m: float,
    t0: float,
) -> BatchReport:
    for part in parts:
        reason[np.asarray(part.unplaced, dtype=int) - 1] = (
            f"超出辖区（距所有网格超过 {snap_m:.0f} 米）"
        )
        reason[np.asarray(part.out_of_area, dtype=int) - 1] = "不在您的辖区内"
        reason[np.asarray(part.before, dtype=int) - 1] = ""  # written before: not a rejection
    for r in skipped:
        reason[r.first_row - 1 : r.last_row] = ""
    bad = np.flatnonzero(reason != "")
    return BatchReport(
        rows=table.num_rows,
        accepted=sum(p.accepted for p in parts),
        imported_before=sum(len(p.before) for p in parts),
        rejected=[{"row": int(i) + 1, "reason": str(reason[i])} for i in bad],
        parts=[
            {
                "first_row": p.first_row,
                "last_row": p.last_row,
                "accepted": p.accepted,
                "import_id": p.import_id,
                "seconds": p.seconds,
            }
            for p in parts
        ],
        already_imported=[
            {
                "first_row": r.first_row,
                "last_row": r.last_row,
                "accepted": r.accepted,
                "import_id": r.id,
                "at": r.created_at.isoformat(),
            }
            for r in skipped
        ],
        seconds=round(time.perf_counter() - t0, 3),
    )


def _import_part(
    s: Session,
    table: pa.Table,
    part: _Part,
    digest: str,
    source: str,
    snap_m: float,
    areas: list[str] | None,
) -> None:
    """Claim the part in case_imports for the areas (waits for, then yields to, a concurrent
    import of the same file for the same areas), stage its accepted rows, assign them, insert
    the cases pointing at the claim, leaving out rows an earlier claim's areas covered.

    Claims of one part are taken one at a time (a lock on the part, held to the commit), so
    two imports of the same file for overlapping areas never both write a row."""
    scope = scope_of(areas)
    at = {"digest": digest, "first": part.first_row}
    s.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:digest || ':' || :first, 0))"), at
    )
    claimed = s.execute(
        text(_CLAIM), {**at, "last": part.last_row, "source": source, "scope": scope}
    ).scalar_one_or_none()
    if claimed is None:
        raise AlreadyImported(f"第 {part.first_row}–{part.last_row} 行已由另一请求同时导入")
    part.import_id = int(claimed)
    t = time.perf_counter()
    _stage(s, table, part.rows)
    t = _lap(part, "stage", t)
    s.execute(text("DROP TABLE IF EXISTS assign_input"))
    s.execute(
        text(
            "CREATE TEMP TABLE assign_input ON COMMIT DROP AS SELECT row_no AS id, "
            "ST_SetSRID(ST_MakePoint(x, y), 4326) AS geom FROM batch_stage"
        )
    )
    assign_set(s, snap_m)
    part.unplaced = unplaced(s)
    if areas is not None:
        part.out_of_area = [
            int(r[0])
            for r in s.execute(
                text(
                    "SELECT id FROM assign_output "
                    "WHERE NOT in_area(grid_code, zone_code, CAST(:areas AS text[]))"
                ),
                {"areas": areas},
            )
        ]
    mine = {**at, "import_id": part.import_id, "areas": areas}
    part.before = [int(r[0]) for r in s.execute(text(_BEFORE), mine)]
    t = _lap(part, "assign", t)
    insert = {"source": source, "import_id": part.import_id, "areas": areas, "before": part.before}
    written = in_months(s, lambda: s.execute(text(_INSERT), insert))
    part.accepted = written.rowcount  # type: ignore[attr-defined]
    _lap(part, "write", t)
    if part.accepted:
        s.execute(
            text("UPDATE case_imports SET accepted = :n WHERE id = :id"),
            {"n": part.accepted, "id": part.import_id},
        )
    else:  # nothing written: no record, so the same file sent again is checked again
        s.execute(text("DELETE FROM case_imports WHERE id = :id"), {"id": part.import_id})
        part.import_id = None


def _lap(part: _Part, phase: str, since: float) -> float:
    now = time.perf_counter()
    part.seconds[phase] = round(now - since, 3)
    return now


def _stage(session: Session, table: pa.Table, rows: np.ndarray) -> None:
    """Temp table batch_stage: the given rows (0-based) of the checked table, numbered from 1
    as in the file, with one COPY."""
    conn = driver_connection(session)
    conn.execute("DROP TABLE IF EXISTS batch_stage")
    conn.execute(
        "CREATE TEMP TABLE batch_stage (row_no bigint, received_lon float8, "
        "received_lat float8, received_crs text, x float8, y float8, category text, "
        "description text, address text, reporter_name text, reporter_phone text) "
        "ON COMMIT DROP"
    )
    part = table.take(pa.array(rows)).add_column(0, "row_no", pa.array(rows + 1))
    sink = io.BytesIO()
    pacsv.write_csv(part, sink, pacsv.WriteOptions(include_header=False))
    with conn.cursor() as cur, cur.copy("COPY batch_stage FROM STDIN (FORMAT csv)") as cp:
        cp.write(sink.getbuffer())


# No creation event per case: the part's case_imports row (import_id) is their creation record.
_INSERT = """
INSERT INTO cases (received_lon, received_lat, received_crs, geom, category_code, description,
                   address, reporter_name, reporter_phone, source, status, grid_code, rule,
                   outside, distance_m, community_code, street_code, worker_id, zone_kind,
                   zone_code, party_org_code, residential_building_code, stairwell_branch_code,
                   due_at, warn_at, dispatch_due_at, dispatched_at, import_id)
SELECT s.received_lon, s.received_lat, s.received_crs, ST_SetSRID(ST_MakePoint(s.x, s.y), 4326),
       s.category, s.description, NULLIF(s.address, ''), NULLIF(s.reporter_name, ''),
       NULLIF(s.reporter_phone, ''), :source, 'assigned', o.grid_code, o.rule, o.outside,
       o.distance_m, o.community_code, o.street_code, o.worker_id, o.zone_kind, o.zone_code,
       o.party_org_code, o.residential_building_code, o.stairwell_branch_code,
       k.due, k.warn, k.dispatch_due, now(), :import_id
FROM batch_stage s
JOIN assign_output o ON o.id = s.row_no
JOIN (SELECT code, case_due(code, now()) AS due, case_due(code, now(), 0.8) AS warn,
             case_dispatch_due(code, now()) AS dispatch_due
      FROM categories OFFSET 0) k ON k.code = s.category
      -- once per category (now() is the statement's): OFFSET 0 keeps the planner from pulling
      -- the deadlines up into the join, where they were worked out for every row (500,000
      -- rows: 6 s of working-hour arithmetic, against 0.8 s for the rest of the select)
WHERE in_area(o.grid_code, o.zone_code, CAST(:areas AS text[])) AND o.id <> ALL (:before)
ORDER BY s.row_no
"""

# The caller's rows of the part that an earlier claim's areas covered: written by that import.
_BEFORE = """
SELECT o.id FROM assign_output o
WHERE in_area(o.grid_code, o.zone_code, CAST(:areas AS text[]))
  AND EXISTS (SELECT 1 FROM case_imports p WHERE p.digest = :digest AND p.first_row = :first
              AND p.id <> :import_id AND in_area(o.grid_code, o.zone_code, scope_areas(p.scope)))
ORDER BY o.id
"""


def scope_of(areas: list[str] | None) -> str:
    """The areas a claim is made for, as case_imports.scope holds them."""
    return "*" if areas is None else ",".join(sorted(areas))


_DONE = """
SELECT id, first_row, last_row, accepted, created_at FROM case_imports
WHERE digest = :digest AND scope = :scope ORDER BY first_row
"""

_CLAIM = """
INSERT INTO case_imports (digest, first_row, last_row, source, scope)
VALUES (:digest, :first, :last, :source, :scope)
ON CONFLICT (digest, first_row, scope) DO NOTHING
RETURNING id
"""
