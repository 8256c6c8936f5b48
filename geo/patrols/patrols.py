"""Patrols (巡查): a worker starts one (a key makes a retry safe), the phone sends its points in
pieces (numbered, so a piece sent twice is kept once), and ends it. A day's patrols answer
with their track, length and road coverage: the share of the worker's grid's road length
(road_edges cut by the grid) within REACH_M of the track, measured in EPSG:4549. Patrols
older than the setting are purged when a new one starts."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import orjson
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.patrols.answers import Patrol
from geo.sql.loader import query

REACH_M = 30.0  # a road this close to the track counts as walked
ACCURACY_M = 50.0  # a point fixed worse than this is kept (the last position) but not drawn


def _q(name: str) -> Any:
    return text(query("patrols/patrols", name))


def start_patrol(
    session: Session, account_id: int, key: str | None, at: datetime | None, keep_days: int
) -> tuple[int, bool]:
    """The patrol's id, and whether this call started it (False: the key's earlier start)."""
    session.execute(_q("purge"), {"days": keep_days})
    made = session.execute(
        _q("start"), {"account": account_id, "key": key, "at": at}
    ).scalar_one_or_none()
    if made is not None:
        return int(made), True
    return int(
        session.execute(_q("by_key"), {"account": account_id, "key": key}).scalar_one()
    ), False


def owner(session: Session, patrol_id: int) -> Any:
    """(account_id, grid_code, ended_at) of the patrol, or None."""
    return session.execute(_q("owner"), {"id": patrol_id}).one_or_none()


def add_points(session: Session, patrol_id: int, points: list[dict[str, Any]]) -> int:
    """Keep the points not kept yet; how many were new."""
    payload = orjson.dumps(points).decode()
    result = session.execute(_q("add_points"), {"id": patrol_id, "points": payload})
    return int(result.rowcount)  # type: ignore[attr-defined]


def end_patrol(session: Session, patrol_id: int, at: datetime | None) -> None:
    session.execute(_q("end"), {"id": patrol_id, "at": at})


def day_patrols(
    session: Session,
    day: date,
    *,
    worker: str | None = None,
    account_id: int | None = None,
    scope: list[str] | None = None,
) -> list[Patrol]:
    """The day's patrols (district time), of one worker, one account, or a scope's grids."""
    rows = session.execute(
        _q("list"),
        {
            "day": day,
            "worker": worker,
            "account": account_id,
            "scope": scope,
            "accuracy": ACCURACY_M,
            "reach": REACH_M,
        },
    )
    out: list[Patrol] = []
    for r in rows:
        last = orjson.loads(r.last_json) if r.last_json else None
        out.append(
            {
                "id": r.id,
                "worker": r.username,
                "grid": {"code": r.grid_code, "name": r.grid_name} if r.grid_code else None,
                "started_at": r.started_at.isoformat(),
                "ended_at": r.ended_at.isoformat() if r.ended_at else None,
                "points": r.points,
                "length_m": round(float(r.length_m), 1),
                "coverage": (
                    {
                        "reach_m": REACH_M,
                        "road_m": round(float(r.road_m), 1),
                        "covered_m": round(float(r.covered_m), 1),
                        "share": round(r.covered_m / r.road_m, 4) if r.road_m else None,
                    }
                    if r.road_m is not None
                    else None
                ),
                "track": orjson.loads(r.track_json) if r.track_json else None,
                "last": (
                    {
                        "lon": last["coordinates"][0],
                        "lat": last["coordinates"][1],
                        "at": r.last_at.isoformat(),
                    }
                    if last
                    else None
                ),
            }
        )
    return out
