"""Cases by month (migration 0027, geo/cases/sql/definitions/65_case_months.sql).

cases_YYYY_MM holds the cases reported in a month (Asia/Shanghai) and case_events_YYYY_MM
their events. Months are made ahead by `gridmap migrate` and `gridmap partitions ensure`; a
builder that knows the span of its cases' dates makes those months first (ensure_months: the
demo, the bench); any other writer makes a month on demand when its row has none (in_months:
intake, batch import). A month whose cases are all
closed can be archived: detached from the live tables into the schema `archive`, where it keeps
its rows, indexes and constraints, and can be dumped, dropped, or brought back (restore).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from psycopg import sql
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from geo.db import driver
from geo.errors import Conflict, Unprocessable

AHEAD_MONTHS = 2  # made ahead of the current month by migrate and `partitions ensure`
ARCHIVE = "archive"
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MONTH_TABLE = re.compile(r"^(cases|case_events)_\d{4}_\d{2}$")  # a month of cases or events
T = TypeVar("T")


@dataclass(frozen=True)
class Month:
    name: str  # YYYY-MM
    schema: str  # public (live) or archive
    start: datetime
    end: datetime
    cases: int
    open_cases: int
    events: int


def made_by_database(obj: object, name: str | None, type_: str) -> bool:
    """A month's table, or PostgreSQL's copy of a foreign key for one month of cases: what
    Alembic must not compare with the models (geo/migrations/env.py)."""
    if type_ == "table":
        return bool(name and MONTH_TABLE.match(name))
    if type_ == "foreign_key_constraint":
        return bool(MONTH_TABLE.match(obj.referred_table.name))  # type: ignore[attr-defined]
    return False


def ensure_months(session: Session, lo: datetime | str, hi: datetime | str) -> int:
    """Make the months from lo's to hi's that have none; returns how many were made."""
    return int(
        session.execute(
            text("SELECT ensure_case_months(CAST(:lo AS timestamptz), CAST(:hi AS timestamptz))"),
            {"lo": lo, "hi": hi},
        ).scalar_one()
    )


def ensure_ahead(session: Session, months: int = AHEAD_MONTHS) -> int:
    """This month and the next `months`."""
    return int(
        session.execute(
            text("SELECT ensure_case_months(now(), now() + make_interval(months => :m))"),
            {"m": months},
        ).scalar_one()
    )


def _missing_month(e: IntegrityError) -> str | None:
    """The partition key of a row refused for having no month, if that is why it failed."""
    diag = getattr(e.orig, "diag", None)
    if diag is None or not (diag.message_primary or "").startswith("no partition of relation"):
        return None
    found = re.search(r"\) = \((.+)\)\.?$", diag.message_detail or "")
    return found.group(1) if found else None


def in_months(session: Session, write: Callable[[], T]) -> T:
    """write() in a savepoint; if a row it writes has no month yet, make that month and write
    again (each month a row can need is made by the time it is written)."""
    made: set[str] = set()
    while True:
        try:
            with session.begin_nested():
                return write()
        except IntegrityError as e:
            key = _missing_month(e)
            if key is None or key in made:
                raise
            ensure_months(session, key, key)  # or finds it made by another writer meanwhile
            made.add(key)


def list_months(session: Session) -> list[Month]:
    """Every month, live and archived, oldest first, with its counts."""
    rows = session.execute(
        text(
            """
            SELECT n.nspname AS schema, c.relname
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relname ~ '^cases_[0-9]{4}_[0-9]{2}$' AND n.nspname IN ('public', :arch)
              AND c.relkind = 'r'
            ORDER BY c.relname
            """
        ),
        {"arch": ARCHIVE},
    ).all()
    out = []
    for r in rows:
        suffix = r.relname.removeprefix("cases_")
        n = _ddl(
            session,
            "SELECT count(*), (SELECT count(*) FROM {}.{}), "
            "count(*) FILTER (WHERE case_is_open(status)) FROM {}.{}",
            r.schema,
            f"case_events_{suffix}",
            r.schema,
            r.relname,
        ).fetchone()
        assert n is not None
        start, end = _bounds(session, suffix)
        cases, events, open_cases = n
        out.append(Month(suffix.replace("_", "-"), r.schema, start, end, cases, open_cases, events))
    return out


def _bounds(session: Session, suffix: str) -> tuple[datetime, datetime]:
    """Where the month YYYY_MM begins and ends (case_month_range, 65_case_months.sql)."""
    lo, hi = session.execute(text("SELECT * FROM case_month_range(:s)"), {"s": suffix}).one()
    return lo, hi


def _suffix(month: str) -> str:
    if not MONTH.match(month):
        raise Unprocessable(f"月份须为 YYYY-MM，而不是「{month}」")
    return month.replace("-", "_")


def archive(session: Session, before: str) -> list[str]:
    """Detach every live month before `before` (YYYY-MM) into the schema archive, cases and
    events together. Refused, with nothing moved, while any of them holds an open case
    (counted under the lock detaching takes, so a concurrent reopen is seen or waits); the
    current month and later are never archived."""
    cut = _suffix(before)
    current = session.execute(
        text("SELECT to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY_MM')")
    ).scalar_one()
    if cut > current:
        raise Unprocessable(f"只能归档本月（{current}）之前的月份")
    # Lock, then check: detaching takes these locks anyway; taken first, no case can be
    # reopened (or the tallies moved) between counting a month's open cases and detaching it.
    # Writers wait the archive's few moments; readers of other months are not held long.
    _ddl(session, "LOCK TABLE {}, {} IN ACCESS EXCLUSIVE MODE", "cases", "case_events")
    months = [m for m in list_months(session) if m.schema == "public" and _suffix(m.name) < cut]
    still_open = [f"{m.name}: {m.open_cases}" for m in months if m.open_cases]
    if still_open:
        raise Conflict("仍有在办案件的月份不能归档：" + ", ".join(still_open))
    _ddl(session, "CREATE SCHEMA IF NOT EXISTS {}", ARCHIVE)
    for m in months:
        s = _suffix(m.name)
        _tally(session, "public", f"cases_{s}", -1)
        _ddl(session, "ALTER TABLE case_events DETACH PARTITION {}", f"case_events_{s}")
        _repoint_events(session, s)
        _ddl(session, "ALTER TABLE cases DETACH PARTITION {}", f"cases_{s}")
        for table in (f"cases_{s}", f"case_events_{s}"):
            _ddl(session, "ALTER TABLE {} SET SCHEMA {}", table, ARCHIVE)
    if months:
        _noted(session)
    return [m.name for m in months]


def _tally(session: Session, schema: str, table: str, sign: int) -> None:
    """Take a month's cases out of the cockpit's tallies (-1), or put them back (+1): detaching
    or attaching fires no trigger on cases (66_case_tallies.sql)."""
    driver(session).execute(
        sql.SQL(
            "INSERT INTO case_tallies (street_code, grid_code, zone_code, category_code, total, "
            "open, done, done_in_time) SELECT COALESCE(c.street_code, ''), "
            "COALESCE(c.grid_code, ''), COALESCE(c.zone_code, ''), c.category_code, "
            "%(sign)s * sum(k.total), %(sign)s * sum(k.open), %(sign)s * sum(k.done), "
            "%(sign)s * sum(k.in_time) FROM {}.{} c, "
            "LATERAL case_counts(c.status, c.closed_at, c.due_at) k GROUP BY 1, 2, 3, 4"
        ).format(sql.Identifier(schema), sql.Identifier(table)),
        {"sign": sign},
    )


def _ddl(session: Session, template: str, *names: str) -> Any:
    """A statement naming tables or schemas (which cannot be bound parameters), each name
    quoted as an identifier, in the session's transaction; returns its cursor."""
    statement = sql.SQL(template).format(*map(sql.Identifier, names))
    return driver(session).execute(statement)


def _noted(session: Session) -> None:
    """Detaching or attaching a month changes what cases holds with no write statement on it,
    so no change trigger fires: record it as one (the tile cache reads the data version)."""
    session.execute(
        text("INSERT INTO data_changes (table_name, n) VALUES ('cases', 1), ('case_events', 1)")
    )


def _repoint_events(session: Session, suffix: str) -> None:
    """A detached month's events refer to its own cases table (they referred to cases)."""
    events = f"case_events_{suffix}"
    for (name,) in session.execute(
        text(
            "SELECT conname FROM pg_constraint WHERE conrelid = CAST(:t AS regclass) "
            "AND contype = 'f' AND conparentid = 0"  # its copies per month of cases go with it
        ),
        {"t": events},
    ).all():
        _ddl(session, "ALTER TABLE {} DROP CONSTRAINT {}", events, name)
    _ddl(
        session,
        "ALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY (case_id, case_created_at) "
        "REFERENCES {} (id, created_at) ON DELETE CASCADE",
        events,
        f"fk_{events}",
        f"cases_{suffix}",
    )


def restore(session: Session, month: str) -> None:
    """Bring an archived month back into the live tables."""
    s = _suffix(month)
    found = session.execute(
        text("SELECT to_regclass(:t) IS NOT NULL"), {"t": f"{ARCHIVE}.cases_{s}"}
    ).scalar_one()
    if not found:
        raise Unprocessable(f"{month} is not archived")
    if session.execute(text("SELECT to_regclass(:t) IS NOT NULL"), {"t": f"cases_{s}"}).scalar():
        raise Conflict(f"{month} has live cases_{s} already")
    start, end = _bounds(session, s)
    for table in (f"cases_{s}", f"case_events_{s}"):
        _ddl(session, "ALTER TABLE {}.{} SET SCHEMA public", ARCHIVE, table)
    _ddl(session, "ALTER TABLE {} DROP CONSTRAINT {}", f"case_events_{s}", f"fk_case_events_{s}")
    for parent in ("cases", "case_events"):  # the bounds are literals: DDL binds no parameters
        driver(session).execute(
            sql.SQL("ALTER TABLE {} ATTACH PARTITION {} FOR VALUES FROM ({}) TO ({})").format(
                sql.Identifier(parent),
                sql.Identifier(f"{parent}_{s}"),
                sql.Literal(start),
                sql.Literal(end),
            )
        )
    _tally(session, "public", f"cases_{s}", 1)
    _noted(session)
