"""Patrols (巡查) under /api/v1/patrols: a grid worker starts one, sends its track in pieces and
ends it; a day's patrols answer with length and road coverage (geo/patrols/patrols.py). A worker
reads only their own; staff and command read those of the grids in their areas."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from flask import jsonify
from flask_openapi3 import APIBlueprint, Tag
from pydantic import Field

from geo.errors import Forbidden, NotFound
from geo.patrols.answers import Patrol, PatrolDay
from geo.patrols.patrols import add_points, day_patrols, end_patrol, owner, start_patrol
from geo.vocabulary import DISTRICT_TZ
from webmap.auth import allow
from webmap.db import get_read_session, get_session, get_settings
from webmap.openapi import Answer, answers
from webmap.schemas import (
    AuthHeaders,
    AwareIsoDatetime,
    Body,
    CaseHeaders,
    IsoDate,
    Lat,
    Located,
    Lon,
    Schema,
)

api = APIBlueprint("patrols", __name__, url_prefix="/api/v1", abp_tags=[Tag(name="patrols")])
POINTS_MAX = 500  # in one piece


class StartIn(Body):
    started_at: AwareIsoDatetime | None = Field(None, description="when the phone started it")


class PointIn(Located, Body):
    seq: int = Field(
        ge=0, le=1_000_000, description="its number in the patrol: sent twice, kept once"
    )
    lon: Lon
    lat: Lat
    crs: Literal["wgs84"] = "wgs84"
    at: AwareIsoDatetime
    accuracy: float | None = Field(
        None, ge=0, le=100_000, description="metres, as the phone fixed it"
    )


class PointsIn(Body):
    points: list[PointIn] = Field(min_length=1, max_length=POINTS_MAX)


class EndIn(Body):
    ended_at: AwareIsoDatetime | None = None


class PatrolPath(Schema):
    patrol_id: int = Field(ge=1, le=2**63 - 1)


class PatrolsQuery(Schema):
    date: IsoDate | None = Field(None, description="a district day; none: today")
    worker: str | None = Field(None, max_length=100, description="a worker's account name")


def _mine(patrol_id: int) -> None:
    """The patrol exists (404) and is the caller's (403)."""
    account = allow("patrol.record").account
    assert account is not None
    found = owner(get_session(), patrol_id)
    if found is None:
        raise NotFound(f"巡查 {patrol_id} 不存在")
    if found.account_id != account.id:
        raise Forbidden("只能记录自己的巡查")


@answers(
    dict[str, int], "Already started with this Idempotency-Key", created=Answer(dict[str, int])
)
@api.post("/patrols")
def post_patrol(body: StartIn, header: CaseHeaders):  # type: ignore[no-untyped-def]
    """Start a patrol (a retry with the same Idempotency-Key answers the same one); patrols
    older than GRIDMAP_PATROL_DAYS are purged."""
    account = allow("patrol.record").account
    assert account is not None
    s = get_session()
    days = get_settings().patrol_keep_days
    patrol_id, made = start_patrol(s, account.id, header.idempotency_key, body.started_at, days)
    s.commit()
    resp = jsonify({"id": patrol_id})
    resp.status_code = 201 if made else 200
    return resp


@answers(dict[str, int])
@api.post("/patrols/<int:patrol_id>/points")
def post_points(path: PatrolPath, body: PointsIn, header: AuthHeaders):  # type: ignore[no-untyped-def]
    """A piece of the track, up to 500 points (WGS84, as the phone's geolocation gives);
    points already kept (their seq) are not kept again."""
    _mine(path.patrol_id)
    s = get_session()
    points = [p.model_dump(include={"seq", "lon", "lat", "at", "accuracy"}) for p in body.points]
    new = add_points(s, path.patrol_id, points)
    s.commit()
    return jsonify({"received": len(points), "new": new})


@answers(dict[str, int])
@api.post("/patrols/<int:patrol_id>/end")
def post_end(path: PatrolPath, body: EndIn, header: AuthHeaders):  # type: ignore[no-untyped-def]
    """End a patrol (ending it again keeps the first end)."""
    _mine(path.patrol_id)
    s = get_session()
    end_patrol(s, path.patrol_id, body.ended_at)
    s.commit()
    return jsonify({"id": path.patrol_id})


@answers(PatrolDay)
@api.get("/patrols")
def get_patrols(query: PatrolsQuery, header: AuthHeaders):  # type: ignore[no-untyped-def]
    """A day's patrols with their tracks, lengths and road coverage: a grid worker's own; the
    patrols of the grids in the caller's areas for staff and command (worker: one of them)."""
    caller = allow("patrol.read")
    account = caller.account
    assert account is not None
    day = query.date or datetime.now(ZoneInfo(DISTRICT_TZ)).date()
    s = get_read_session()
    patrols: list[Patrol]
    if account.role == "grid_worker":
        if query.worker not in (None, account.username):
            raise Forbidden("网格员只能查看自己的巡查")
        patrols = day_patrols(s, day, account_id=account.id)
    else:
        patrols = day_patrols(s, day, worker=query.worker, scope=caller.patterns())
    return jsonify({"date": day.isoformat(), "patrols": patrols})
