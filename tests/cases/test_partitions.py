"""Cases and their events by month (migration 0027, geo/cases/partitions.py), against real
PostgreSQL: the months' tables, a month made when a case needs it (also by two writers at
once), keys unique across months, archiving and restoring a month, and the migration's
round trip with data."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cli import main
from geo.cases.partitions import archive, ensure_months, list_months, restore
from geo.cases.workflow import NewCase, create_case
from geo.errors import Conflict, Unprocessable
from geo.meetings.meetings import decide, get_meeting
from geo.migrate import downgrade, upgrade
from layers.frames import version_sql
from tests import fixtures
from tests.cases.test_tallies import assert_tallies_equal_a_recount
from tests.conftest import scratch_database

LON, LAT = fixtures.m_point(100, 50)  # inside grid A


def _case(description: str = "占道停车") -> NewCase:
    return NewCase(LON, LAT, "wgs84", "parking", description)


def _month(s: Session, at: str = "now()") -> str:
    return s.execute(
        text(f"SELECT to_char(({at}) AT TIME ZONE 'Asia/Shanghai', 'YYYY_MM')")  # noqa: S608
    ).scalar_one()


def _past_case(s: Session, days: int, status: str = "closed", **keys: str) -> int:
    """A case reported `days` ago (and its creation event), written as the demo writes them;
    keys: its idempotency_scope, idempotency_key and request_hash."""
    at = s.execute(text("SELECT now() - make_interval(days => :d)"), {"d": days}).scalar_one()
    ensure_months(s, at, at)
    case_id = s.execute(
        text(
            "INSERT INTO cases (received_lon, received_lat, received_crs, geom, category_code, "
            "description, status, created_at, idempotency_scope, idempotency_key, request_hash) "
            "VALUES (:x, :y, 'wgs84', ST_SetSRID(ST_MakePoint(:x, :y), 4326), 'parking', '旧案', "
            ":st, :at, :scope, :key, :hash) RETURNING id"
        ),
        {"x": LON, "y": LAT, "st": status, "at": at, "scope": None, "key": None, "hash": None}
        | keys,
    ).scalar_one()
    s.execute(
        text(
            "INSERT INTO case_events (case_id, case_created_at, actor, kind) "
            "VALUES (:i, :at, 'reporter', 'created')"
        ),
        {"i": case_id, "at": at},
    )
    return int(case_id)


def _drop_month(s: Session, month: str) -> None:
    """As if the month had never been made (no writer or migrate has needed it yet)."""
    for table in ("case_events", "cases"):
        s.execute(text(f"ALTER TABLE {table} DETACH PARTITION {table}_{month}"))
        s.execute(text(f"DROP TABLE {table}_{month}"))
    s.commit()


def _meeting_on(s: Session, case_id: int) -> int:
    """A meeting with the case on its agenda."""
    meeting = s.execute(
        text(
            "INSERT INTO meetings (kind, place_kind, place_code, held_on, topic, topic_class, "
            "created_by) VALUES ('红茶议事会', 'compound', :c, current_date, '停车', '其他', "
            "'test') RETURNING id"
        ),
        {"c": fixtures.COMPOUND},
    ).scalar_one()
    s.execute(
        text("INSERT INTO meeting_agenda (meeting_id, case_id, added_by) VALUES (:m, :c, 't')"),
        {"m": meeting, "c": case_id},
    )
    return int(meeting)


@pytest.fixture(scope="module")
def months_url(cluster) -> str:  # type: ignore[no-untyped-def]
    return scratch_database(cluster, "gridmap_months")


@pytest.fixture
def db(months_url: str):  # type: ignore[no-untyped-def]
    """A session on the scratch database, its cases emptied after the test."""
    engine = create_engine(months_url)
    s = Session(engine)
    yield s
    s.rollback()
    s.execute(text("TRUNCATE case_keys, cases, case_events, meetings CASCADE"))
    s.execute(text("DROP SCHEMA IF EXISTS archive CASCADE"))
    s.commit()
    s.close()
    engine.dispose()


def test_cases_and_events_are_partitioned_by_month_with_the_parents_indexes(
    session: Session,
) -> None:
    kinds = dict(
        session.execute(
            text("SELECT relname, relkind FROM pg_class WHERE relname IN ('cases', 'case_events')")
        ).all()
    )
    assert kinds == {"cases": "p", "case_events": "p"}
    for parent in ("cases", "case_events"):
        parts = session.execute(
            text(
                "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
                "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = CAST(:p AS regclass)"
            ),
            {"p": parent},
        ).all()
        ahead = _month(session, "now() + interval '2 months'")
        assert {f"{parent}_{_month(session)}", f"{parent}_{ahead}"} <= {p[0] for p in parts}
        # each month begins at midnight of the 1st in Beijing time (16:00 UTC the day before)
        assert all("16:00:00+00') TO ('" in bound for _, bound in parts)
        # every index of the parent is on every month, attached to it
        indexes = session.execute(
            text(
                "SELECT p.indexrelid::regclass::text, "
                "(SELECT count(*) FROM pg_inherits i WHERE i.inhparent = p.indexrelid) "
                "FROM pg_index p WHERE p.indrelid = CAST(:p AS regclass)"
            ),
            {"p": parent},
        ).all()
        assert len(indexes) >= 2
        assert {n for _, n in indexes} == {len(parts)}
    names = {
        r[0]
        for r in session.execute(
            text(
                "SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = 'cases'::regclass"
            )
        )
    }
    assert {"cases_pkey", "ix_cases_geom", "ix_cases_grid_code", "ix_cases_created_at"} <= names


def test_a_case_lands_in_its_months_tables(session: Session) -> None:
    intake = create_case(session, fixtures.SETTINGS, _case())
    where = session.execute(
        text(
            "SELECT c.tableoid::regclass::text, "
            "(SELECT DISTINCT e.tableoid::regclass::text FROM case_events e "
            "WHERE e.case_id = c.id) "
            "FROM cases c WHERE c.id = :i"
        ),
        {"i": intake.id},
    ).one()
    month = _month(session)
    assert tuple(where) == (f"cases_{month}", f"case_events_{month}")
    token = session.execute(
        text("SELECT public_token FROM case_keys WHERE case_id = :i"), {"i": intake.id}
    ).scalar_one()
    assert len(token) == 32


def test_a_month_with_no_table_is_made_when_a_case_needs_it(db: Session) -> None:
    month = _month(db)
    _drop_month(db, month)
    intake = create_case(db, fixtures.SETTINGS, _case())
    db.commit()
    assert intake.created
    assert (
        db.execute(
            text("SELECT tableoid::regclass::text FROM cases WHERE id = :i"), {"i": intake.id}
        ).scalar_one()
        == f"cases_{month}"
    )


def test_two_writers_needing_the_same_new_month_both_write_it(db: Session, months_url: str) -> None:
    """Each has read cases in its transaction before it writes; neither waits on the other
    for good (CREATE … PARTITION OF would deadlock them: ensure_case_months attaches)."""
    month = _month(db)
    _drop_month(db, month)
    engine = create_engine(months_url)
    ready = threading.Barrier(2, timeout=20)
    done: list[object] = []

    def writer(n: int) -> None:
        with Session(engine) as s:
            try:
                s.execute(text("SET lock_timeout = '20s'"))
                s.execute(text("SELECT count(*) FROM cases")).scalar_one()
                ready.wait()
                done.append(create_case(s, fixtures.SETTINGS, _case(description=f"第{n}辆")).id)
                s.commit()
            except Exception as e:  # noqa: BLE001 - the test reports it
                done.append(e)

    threads = [threading.Thread(target=writer, args=(n,)) for n in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    engine.dispose()
    assert all(isinstance(d, int) for d in done), done
    assert len(set(done)) == 2, done
    assert db.execute(text(f"SELECT count(*) FROM cases_{month}")).scalar_one() == 2  # noqa: S608


def test_an_idempotency_key_holds_across_months(db: Session) -> None:
    new = _case()
    old = _past_case(db, 40, scope="s", key="k", hash=new.fingerprint())
    with pytest.raises(IntegrityError, match="never change"), db.begin_nested():
        db.execute(text("UPDATE cases SET idempotency_key = 'x' WHERE id = :i"), {"i": old})
    db.commit()
    again = create_case(db, fixtures.SETTINGS, new, "k", "s")
    assert (again.id, again.created) == (old, False)
    with pytest.raises(Unprocessable, match="另一请求"):
        create_case(db, fixtures.SETTINGS, _case(description="另一件事"), "k", "s")
    fresh = create_case(db, fixtures.SETTINGS, new, "k", "another caller")
    assert fresh.created
    assert fresh.id != old


def test_a_public_token_is_never_given_twice_across_months(db: Session) -> None:
    old = _past_case(db, 40)
    token = db.execute(text("SELECT public_token FROM cases WHERE id = :i"), {"i": old}).scalar()
    with pytest.raises(IntegrityError, match="case_keys_public_token_key"):
        db.execute(
            text(
                "INSERT INTO cases (received_lon, received_lat, received_crs, geom, "
                "category_code, description, public_token) VALUES (:x, :y, 'wgs84', "
                "ST_SetSRID(ST_MakePoint(:x, :y), 4326), 'parking', '同号', :t)"
            ),
            {"x": LON, "y": LAT, "t": token},
        )


def test_closed_months_are_archived_whole_and_come_back(db: Session, months_url: str) -> None:
    now = datetime.now()
    closed = [_past_case(db, d) for d in (70, 75)]  # two or three months back
    open_one = _past_case(db, 100, status="assigned")
    old_month = _month(db, "now() - interval '100 days'")
    meeting = _meeting_on(db, open_one)
    db.commit()
    cut = _month(db, "now() - interval '65 days'").replace("_", "-")

    with pytest.raises(Conflict, match=old_month.replace("_", "-") + ": 1"):
        archive(db, cut)  # the open case's month holds it back
    db.rollback()
    db.execute(text("UPDATE cases SET status = 'closed' WHERE id = :i"), {"i": open_one})
    db.commit()

    version = version_sql(["cases"])
    v0 = db.execute(text(version)).scalar_one()
    env = {"DATABASE_URL": months_url}
    out = CliRunner().invoke(main, ["partitions", "archive", "--before", cut], env=env)
    assert out.exit_code == 0, out.output
    moved = set(json.loads(out.output)["archived"])
    assert old_month.replace("_", "-") in moved
    live = db.execute(
        text("SELECT count(*) FROM cases WHERE id = ANY(:i)"), {"i": closed + [open_one]}
    )
    left_live = live.scalar_one()
    assert db.execute(text(version)).scalar_one() > v0  # cached tiles of cases are stale
    # the meeting that settled an archived case keeps it on its agenda, marked archived
    (item,) = get_meeting(db, meeting)["agenda"]
    assert (item["case_id"], item["archived"], item["status_label"]) == (open_one, True, "已归档")
    # and it can still be carried out: the archived case has nothing left to move (the
    # closing read a case row that is no longer live and failed)
    decide(db, meeting, "停车位已划定", "agreed", [], "test", lambda case_id, to: None)
    assert get_meeting(db, meeting)["status"] == "closed"
    assert assert_tallies_equal_a_recount(db)["total"] == left_live  # the cockpit's counts
    archived = {m.name: m for m in list_months(db) if m.schema == "archive"}
    assert set(archived) == moved
    assert sum(m.cases for m in archived.values()) + left_live == 3
    assert sum(m.events for m in archived.values()) == 3 - left_live
    # their keys stay, so their public tokens are never handed out again
    assert (
        db.execute(
            text("SELECT count(*) FROM case_keys WHERE case_id = ANY(:i)"),
            {"i": closed + [open_one]},
        ).scalar_one()
        == 3
    )
    # the archived month keeps its events tied to its own cases
    with (
        pytest.raises(IntegrityError, match=f"fk_case_events_{old_month}"),
        db.begin_nested(),
    ):
        db.execute(
            text(
                f"INSERT INTO archive.case_events_{old_month} (case_id, case_created_at, "  # noqa: S608
                "actor, kind) VALUES (-1, now() - interval '100 days', 'x', 'created')"
            )
        )
    with pytest.raises(Unprocessable):
        archive(db, (now + timedelta(days=62)).strftime("%Y-%m"))  # never this month or later

    for m in moved:
        restore(db, m)
    db.commit()
    assert (
        db.execute(
            text("SELECT count(*) FROM cases WHERE id = ANY(:i)"), {"i": closed + [open_one]}
        ).scalar_one()
        == 3
    )
    assert not [m for m in list_months(db) if m.schema == "archive"]
    assert assert_tallies_equal_a_recount(db)["total"] == 3
    assert get_meeting(db, meeting)["agenda"][0]["archived"] is False


def test_the_migration_keeps_every_case_event_and_agenda_item_both_ways(cluster) -> None:  # type: ignore[no-untyped-def]
    url = scratch_database(cluster, "gridmap_months_migration")
    engine = create_engine(url)
    with Session(engine) as s:
        first = create_case(s, fixtures.SETTINGS, _case(), "k1", "scope")
        old = _past_case(s, 200)
        _meeting_on(s, old)
        s.commit()

    def snapshot() -> tuple[object, ...]:
        with engine.connect() as c:
            return (
                c.execute(
                    text("SELECT array_agg((id, public_token, created_at) ORDER BY id) FROM cases")
                ).scalar(),
                c.execute(
                    text("SELECT array_agg((id, case_id, kind) ORDER BY id) FROM case_events")
                ).scalar(),
                c.execute(text("SELECT last_value FROM cases_id_seq")).scalar(),
                c.execute(text("SELECT array_agg(case_id) FROM meeting_agenda")).scalar(),
            )

    before = snapshot()
    downgrade(url, "0026")
    with engine.connect() as c:
        assert (
            c.execute(text("SELECT relkind FROM pg_class WHERE relname = 'cases'")).scalar() == "r"
        )
    assert snapshot() == before
    upgrade(url)
    assert snapshot() == before
    with Session(engine) as s:
        again = create_case(s, fixtures.SETTINGS, _case(), "k1", "scope")
        assert (again.id, again.created) == (first.id, False)
        later = create_case(s, fixtures.SETTINGS, _case(description="新案"))
        assert later.id > max(first.id, old)
        s.rollback()
    engine.dispose()


def test_the_command_makes_a_missing_month_and_lists_every_month(
    db: Session, months_url: str
) -> None:
    month = _month(db, "now() + interval '1 month'")
    _drop_month(db, month)
    env = {"DATABASE_URL": months_url}
    made = CliRunner().invoke(main, ["partitions", "ensure"], env=env)
    assert made.exit_code == 0, made.output
    assert json.loads(made.output) == {"made": 1}
    listed = CliRunner().invoke(main, ["partitions", "list"], env=env)
    months = {m["month"]: m for m in map(json.loads, listed.output.splitlines())}
    entry = months[month.replace("_", "-")]
    assert entry["schema"] == "public"
    assert entry["from"].endswith("-01T00:00:00+08:00")
    bad = CliRunner().invoke(main, ["partitions", "archive", "--before", "2026/01"], env=env)
    assert bad.exit_code == 2
    assert "YYYY-MM" in bad.output


def test_a_case_reopened_while_its_month_is_archived_holds_the_month_back(
    db: Session, months_url: str
) -> None:
    """A case of an old month is being reopened (its transaction not yet committed) when the
    archive starts: the archive waits, then counts it open and refuses, where before it
    counted it closed, detached the month with an open case in it and left a phantom tally."""
    case_id = _past_case(db, 100)  # closed
    db.commit()
    cut = _month(db, "now() - interval '65 days'").replace("_", "-")
    engine = create_engine(months_url)
    archiver = Session(engine)
    outcome: list[BaseException | list[str]] = []

    def run() -> None:
        try:
            outcome.append(archive(archiver, cut))
            archiver.commit()
        except Exception as exc:
            archiver.rollback()
            outcome.append(exc)

    try:
        db.execute(text("UPDATE cases SET status = 'assigned' WHERE id = :i"), {"i": case_id})
        t = threading.Thread(target=run)
        t.start()
        t.join(1)
        assert t.is_alive()  # the archive waits for the reopening
        db.commit()
        t.join(20)
        assert len(outcome) == 1
        assert isinstance(outcome[0], Conflict), outcome
        live = db.execute(text("SELECT status FROM cases WHERE id = :i"), {"i": case_id})
        assert live.scalar_one() == "assigned"
        assert_tallies_equal_a_recount(db)
    finally:
        archiver.close()
        engine.dispose()
