"""A file larger than one part: parts run in parallel, each committed on its own connection and
recorded, so a re-submitted file imports only what is missing and never a row twice.

These tests commit (parts use their own connections, as in production); each removes its own
cases and records afterwards."""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from data.load.case_batch import BatchError
from data.load.case_import import AlreadyImported, BatchReport, import_cases
from tests.fixtures import GRID_A, GRID_B, SETTINGS, m_point

SNAP_M = SETTINGS.snap_distance_m

SOURCE = "batch:parts-test"


def parts_file() -> bytes:
    """17 rows: 14 good ones (in grids A and B), a bad category, an empty description and a
    point outside the district; with 4 rows a part, that is 5 parts."""
    rows = ["lon,lat,category,description"]
    for i in range(17):
        x, y = m_point(100 + 200 * (i % 2), 60 + 10 * i)
        cat, desc = "parking", f"分批{i + 1}"
        if i == 5:
            cat = "ufo"
        if i == 9:
            desc = ""
        if i == 14:
            x, y = m_point(-900, 0)
        rows.append(f"{x},{y},{cat},{desc}")
    return "\n".join(rows).encode()


@pytest.fixture
def clean(engine: Engine) -> Iterator[Engine]:
    def remove() -> None:
        with Session(engine) as s:
            s.execute(text("DELETE FROM cases WHERE source = :src"), {"src": SOURCE})
            s.execute(text("DELETE FROM case_imports WHERE source = :src"), {"src": SOURCE})
            s.commit()

    remove()
    yield engine
    remove()


def run(engine: Engine, data: bytes, areas: list[str] | None = None) -> BatchReport:
    with Session(engine) as s:
        report = import_cases(
            s, data, "csv", source=SOURCE, snap_m=SNAP_M, part_rows=4, areas=areas
        )
        s.commit()
    return report


def imported(engine: Engine) -> list[tuple[str, str, int | None, int | None]]:
    """(description, grid, first and last row of its import part) of every case the tests
    imported, committed."""
    with Session(engine) as s:
        rows = s.execute(
            text(
                "SELECT c.description, c.grid_code, i.first_row, i.last_row FROM cases c "
                "LEFT JOIN case_imports i ON i.id = c.import_id "
                "WHERE c.source = :src ORDER BY c.description"
            ),
            {"src": SOURCE},
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def test_parts_commit_and_report_like_one_transaction(clean: Engine, session: Session) -> None:
    data = parts_file()
    whole = import_cases(
        session, data, "csv", source=SOURCE, snap_m=SNAP_M
    )  # one part, rolled back after
    session.rollback()
    rep = run(clean, data)
    assert len(rep.parts) == 5
    assert rep.already_imported == []
    assert [(p["first_row"], p["last_row"]) for p in rep.parts] == [
        (1, 4),
        (5, 8),
        (9, 12),
        (13, 16),
        (17, 17),
    ]
    assert rep.accepted == whole.accepted == 14
    assert rep.rejected == whole.rejected
    assert all(set(p["seconds"]) == {"stage", "assign", "write"} for p in rep.parts)
    assert [r["row"] for r in rep.rejected] == [6, 10, 15]
    rows = imported(clean)
    assert len(rows) == 14
    # each case points at the record of the part holding its file row ("分批N" is row N)
    assert all(a is not None and b is not None and a <= int(d[2:]) <= b for d, _, a, b in rows)
    assert {g for _, g, _, _ in rows} == {GRID_A, GRID_B}
    with Session(clean) as s:
        recorded = s.execute(
            text("SELECT first_row, accepted FROM case_imports WHERE source = :src ORDER BY 1"),
            {"src": SOURCE},
        ).all()
    assert [tuple(r) for r in recorded] == [(1, 4), (5, 3), (9, 3), (13, 3), (17, 1)]
    with Session(clean) as s:  # the parts' pooled connections keep no staging tables
        left = s.execute(
            text(
                "SELECT count(*) FROM pg_class WHERE relpersistence = 't' "
                "AND relname IN ('batch_stage', 'assign_input', 'assign_output')"
            )
        ).scalar()
    assert left == 0


def test_resubmitting_imports_only_the_missing_part_and_never_twice(clean: Engine) -> None:
    data = parts_file()
    first = run(clean, data)
    lost = first.parts[2]  # as if its transaction had never committed
    with Session(clean) as s:
        s.execute(
            text(
                "DELETE FROM cases WHERE source = :src "
                "AND description IN ('分批9', '分批11', '分批12')"
            ),
            {"src": SOURCE},
        )
        s.execute(text("DELETE FROM case_imports WHERE id = :id"), {"id": lost["import_id"]})
        s.commit()
    assert len(imported(clean)) == 11
    again = run(clean, data)
    assert [(p["first_row"], p["accepted"]) for p in again.parts] == [(9, 3)]
    assert [r["first_row"] for r in again.already_imported] == [1, 5, 13, 17]
    assert again.accepted == 3
    assert [r["row"] for r in again.rejected] == [10]
    assert len(imported(clean)) == 14
    with pytest.raises(AlreadyImported, match="已导入过"):
        run(clean, data)
    assert len(imported(clean)) == 14


def test_two_requests_with_the_same_file_import_it_once(clean: Engine) -> None:
    data = parts_file()

    def attempt(_: int) -> BatchReport | None:
        try:
            return run(clean, data)
        except AlreadyImported:
            return None

    with ThreadPoolExecutor(2) as pool:
        reports = [r for r in pool.map(attempt, range(2)) if r is not None]
    assert sum(r.accepted for r in reports) == 14
    assert len(imported(clean)) == 14
    descs = [d for d, _, _, _ in imported(clean)]
    assert len(set(descs)) == len(descs)


def test_a_file_error_writes_no_part(clean: Engine) -> None:
    with pytest.raises(BatchError, match="缺少列"):
        run(clean, b"x,y\n" + b"1,2\n" * 10)
    assert imported(clean) == []


def test_a_file_of_two_areas_is_imported_by_each_for_its_own_rows(clean: Engine) -> None:
    """Grid A's staff import a file holding rows of both grids: grid A's rows are written,
    grid B's refused as outside their areas. Grid B's staff then import the same file and get
    grid B's rows (a 409 before: the parts were claimed by the file alone). Again, neither
    writes a row; the street, whose area covers both, writes nothing twice and is told the
    rows are in."""
    data = parts_file()  # 14 good rows: 8 in grid A, 6 in grid B
    a = run(clean, data, [f"{GRID_A}%"])
    assert a.accepted == 8
    assert sum(r["reason"] == "不在您的辖区内" for r in a.rejected) == 6
    b = run(clean, data, [f"{GRID_B}%"])
    assert b.accepted == 6
    assert b.imported_before == 0
    rows = imported(clean)
    assert len(rows) == 14
    assert len({d for d, _, _, _ in rows}) == 14  # no row twice
    with pytest.raises(AlreadyImported):  # every part holds a row of grid A
        run(clean, data, [f"{GRID_A}%"])
    again = run(clean, data, [f"{GRID_B}%"])  # the last part, none of B's, is checked again
    assert [p["first_row"] for p in again.parts] == [17]
    assert again.accepted == 0
    street = run(clean, data, [f"{GRID_A[:9]}%"])
    assert street.accepted == 0
    assert street.imported_before == 14
    assert [r["row"] for r in street.rejected] == [6, 10, 15]  # only the bad rows
    assert len(imported(clean)) == 14


def test_overlapping_areas_importing_at_once_write_each_row_once(clean: Engine) -> None:
    """The street and grid A import the same file at the same moment: each part's claims are
    taken one at a time, so grid A's rows are written once, by whichever came first."""
    data = parts_file()
    with ThreadPoolExecutor(max_workers=2) as pool:
        reps = list(
            pool.map(lambda areas: run(clean, data, areas), ([f"{GRID_A[:9]}%"], [f"{GRID_A}%"]))
        )
    rows = imported(clean)
    assert len(rows) == len({d for d, _, _, _ in rows}) == 14
    assert sum(r.accepted for r in reps) == 14
    assert reps[1].accepted + reps[1].imported_before == 8
