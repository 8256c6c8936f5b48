"""Riders' points and redemptions, and where they report against the grid workers' patrols.

A rider's balance is derived, never stored: the points their accepted reports earn
(POINTS_PER_REPORT each, counted from the cases themselves: a report accepted later earns then,
one 不予立案 never) less what they redeemed at a 驿站.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.cases.words import FOUND_BY_WORKER
from geo.errors import Conflict, NotFound, Unprocessable
from geo.riders.words import NEAR_PATROL_M, POINTS_PER_REPORT, RIDER_SOURCE
from geo.sql.loader import query


def _q(name: str) -> Any:
    return text(query("riders/riders", name))


def _row(r: Any) -> dict[str, Any]:
    return {
        "username": r.username,
        "name": r.display_name,
        "post": {"code": r.post_code, "name": r.post_name},
        "reports": int(r.reports),
        "accepted": int(r.accepted),
        "points": {
            "earned": int(r.earned),
            "redeemed": int(r.redeemed),
            "balance": int(r.earned) - int(r.redeemed),
        },
    }


def ledger(
    session: Session, username: str | None = None, post: str | None = None
) -> list[dict[str, Any]]:
    """Riders with their reports and points: one (username), a 驿站's, or all."""
    rows = session.execute(
        _q("ledger"),
        {"username": username, "post": post, "per": POINTS_PER_REPORT, "source": RIDER_SOURCE},
    )
    return [_row(r) for r in rows]


def rider(session: Session, username: str) -> dict[str, Any]:
    found = ledger(session, username=username)
    if not found:
        raise NotFound(f"没有登记为外卖小哥的账号「{username}」")
    return found[0]


def redeem(
    session: Session, username: str, points: int, item: str, post: str, by: str
) -> dict[str, Any]:
    """Spend a rider's points at a 驿站 (a courier post or 小哥之家); 409 beyond their balance."""
    if points <= 0:
        raise Unprocessable("兑换积分须为正数")
    row = session.execute(
        text(
            "SELECT a.id FROM riders r JOIN accounts a ON a.id = r.account_id "
            "WHERE a.username = :u FOR UPDATE OF r"
        ),
        {"u": username},
    ).scalar()
    if row is None:
        raise NotFound(f"没有登记为外卖小哥的账号「{username}」")
    kind = session.execute(
        text("SELECT kind FROM facilities WHERE code = :c"), {"c": post}
    ).scalar()
    if kind not in ("courier_post", "courier_home"):
        raise Unprocessable(f"「{post}」不是小哥驿站或小哥之家")
    balance = rider(session, username)["points"]["balance"]
    if points > balance:
        raise Conflict(f"积分不足：余 {balance} 分，兑换 {points} 分")
    session.execute(
        _q("redeem"),
        {"account": row, "post": post, "points": points, "item": item, "by": by},
    )
    return rider(session, username)


def compare(session: Session, areas: list[str] | None, days: int) -> dict[str, Any]:
    """Where riders reported against where grid workers patrolled, the last `days` days, by
    street: rider reports, those within NEAR_PATROL_M of a patrol track (the rest: places the
    rounds did not pass), workers' own finds, patrol kilometres."""
    rows = session.execute(
        _q("compare"),
        {
            "source": RIDER_SOURCE,
            "found": FOUND_BY_WORKER,
            "days": days,
            "near": NEAR_PATROL_M,
            "areas": areas,
        },
    ).all()
    streets = [
        {
            "code": r.code,
            "name": r.name,
            "rider_reports": int(r.rider_reports),
            "near_patrols": int(r.near_patrols),
            "off_patrols": int(r.rider_reports) - int(r.near_patrols),
            "worker_found": int(r.worker_found),
            "patrol_km": round(float(r.patrol_km), 2),
        }
        for r in rows
    ]
    total = {
        k: sum(s[k] for s in streets)
        for k in ("rider_reports", "near_patrols", "off_patrols", "worker_found")
    }
    return {"days": days, "near_m": NEAR_PATROL_M, "total": total, "streets": streets}
