"""Notices: what the workflow's steps tell units and people, written in the step's own
transaction (an outbox), read in each account's inbox, delivered onwards by `gridmap notify`."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.cases.words import NOTICE_LABELS, WARNING_LABELS
from geo.sql.loader import query


def _q(name: str) -> Any:
    return text(query("cases/notices", name))


def notify(
    session: Session,
    kind: str,
    case_id: int,
    *,
    unit: str | None = None,
    account: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """A notice to a unit (every account of it reads it) or to an account (by username; none
    if there is no such account), in the step's own transaction."""
    body = {"kind": kind, "label": NOTICE_LABELS[kind], "case_id": case_id, **(detail or {})}
    session.execute(
        _q("notice"),
        {
            "unit": unit,
            "account": account,
            "case_id": case_id,
            "kind": kind,
            "body": json.dumps(body, ensure_ascii=False),
        },
    )


OFFICE_MARKS = {"grid": "WG", "community": "SQ", "street": "JD"}


def units_of(areas: tuple[tuple[str, str], ...]) -> list[str]:
    """The units whose notices an account reads, from its areas (kind, code): a department's
    units; a grid worker's grids' (U + grid + WG); a community's or street's staff, their
    office's (SQ, JD: the cases dispatched to it, and as supervisors the warnings and 督办 of
    their street's cases)."""
    units = [c for k, c in areas if k == "unit"]
    return units + [f"U{c}{OFFICE_MARKS[k]}" for k, c in areas if k in OFFICE_MARKS]


def inbox(
    session: Session,
    account_id: int,
    areas: tuple[tuple[str, str], ...],
    unread_only: bool,
    limit: int,
) -> dict[str, Any]:
    """An account's notices (its own and its units'), newest first, with the unread count."""
    units = units_of(areas)
    params = {"me": account_id, "units": units, "unread": unread_only, "limit": limit}
    rows = session.execute(_q("inbox"), params).all()
    unread = session.execute(_q("unread"), params).scalar_one()
    return {
        "unread": int(unread),
        "items": [
            {
                "id": r.id,
                "kind": r.kind,
                "case_id": r.case_id,
                "body": r.body,
                "at": r.created_at.isoformat(),
                "read": r.read_at is not None,
            }
            for r in rows
        ],
    }


def mark_read(
    session: Session, account_id: int, areas: tuple[tuple[str, str], ...], ids: list[int] | None
) -> int:
    """Mark notices of the account (or its units) read: these ids, or all; how many."""
    params = {"me": account_id, "units": units_of(areas), "ids": ids}
    return int(session.execute(_q("read"), params).rowcount)  # type: ignore[attr-defined]


def write_warnings(session: Session, at: datetime) -> int:
    """The yellow and red notices due at `at` and not yet written (each once a case), to the
    cases' units and their supervisors (the offices of the cases' streets); how many were
    written. `gridmap notify` runs it every minute."""
    return int(session.execute(_q("warnings"), {"at": at, **WARNING_LABELS}).scalar_one())
