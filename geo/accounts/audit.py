"""The audit log: append-only (a trigger refuses updates), who did what, when, from where.

Logged: every sign-in attempt, every read of unmasked personal data (a reporter's name and
phone), every change (intake, transitions, batch imports, accounts and keys). Old rows are
purged after the retention period (settings.audit_days, `gridmap audit --purge`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session


def record(
    session: Session,
    action: str,
    account_id: int | None,
    username: str | None,
    address: str | None,
    *,
    target: str | None = None,
    ok: bool = True,
    detail: dict[str, Any] | None = None,
) -> None:
    """One entry, in the caller's transaction (a change and its entry commit together; a
    failed sign-in commits its own, see webmap/api/accounts.py)."""
    session.execute(
        text(
            "INSERT INTO audit_log (account_id, username, action, target, ok, address, detail) "
            "VALUES (:a, :u, :act, :t, :ok, :ip, CAST(:d AS jsonb))"
        ),
        {
            "a": account_id,
            "u": username,
            "act": action,
            "t": target,
            "ok": ok,
            "ip": address,
            "d": None if detail is None else _json(detail),
        },
    )


def _json(detail: dict[str, Any]) -> str:
    import orjson

    return orjson.dumps(detail, default=str).decode()


def read(
    session: Session,
    *,
    since: datetime | None = None,
    username: str | None = None,
    action: str | None = None,
    target: str | None = None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    rows = session.execute(
        text(
            "SELECT id, at, username, action, target, ok, address, detail FROM audit_log "
            "WHERE (CAST(:s AS timestamptz) IS NULL OR at >= :s) "
            "AND (CAST(:u AS text) IS NULL OR username = :u) "
            "AND (CAST(:a AS text) IS NULL OR action = :a) "
            "AND (CAST(:t AS text) IS NULL OR target = :t) "
            "ORDER BY id DESC LIMIT :n"
        ),
        {"s": since, "u": username, "a": action, "t": target, "n": limit},
    ).all()
    return [{**r._mapping, "at": r.at.isoformat()} for r in rows]


def purge(session: Session, days: float) -> int:
    """Delete entries older than the retention period; return how many."""
    res = session.execute(
        text("DELETE FROM audit_log WHERE at < now() - :d * interval '1 day'"), {"d": days}
    )
    return int(res.rowcount)  # type: ignore[attr-defined]
