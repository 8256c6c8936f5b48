"""Riders (外卖小哥) under /api/v1/riders: a rider's own reports and points; a 驿站's riders for
staff and command; redemptions at a 驿站 by staff; where riders report against where grid
workers patrol (/api/v1/stats/riders) (geo/riders/riders.py)."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from flask_openapi3 import APIBlueprint, Tag
from pydantic import Field

from geo.errors import Forbidden
from geo.riders.riders import compare, ledger, redeem, rider
from webmap.auth import allow
from webmap.db import get_read_session, get_session
from webmap.openapi import answers
from webmap.schemas import Body, Schema

api = APIBlueprint("riders", __name__, url_prefix="/api/v1", abp_tags=[Tag(name="riders")])
USERNAME = r"^[^\s/]{1,64}$"


class RidersQuery(Schema):
    post: str | None = Field(None, max_length=40, description="a 驿站's code: its riders")


class RiderPath(Schema):
    username: str = Field(pattern=USERNAME)


class Redemption(Body):
    points: int = Field(ge=1, le=100_000)
    item: str = Field(min_length=1, max_length=100, description="what the points bought")
    post: str = Field(min_length=1, max_length=40, description="the 驿站 (or 小哥之家) it was at")


class CompareQuery(Schema):
    days: int = Field(30, ge=1, le=365)


@answers(dict[str, Any])
@api.get("/riders/me")
def get_me():  # type: ignore[no-untyped-def]
    """A rider's own: their 驿站, reports, accepted reports and points (earned, redeemed,
    balance)."""
    caller = allow("rider.read")
    if caller.role != "rider":
        raise Forbidden("只有外卖小哥账号有自己的积分")
    return jsonify(rider(get_read_session(), caller.name))


@answers(list[dict[str, Any]])
@api.get("/riders")
def get_riders(query: RidersQuery):  # type: ignore[no-untyped-def]
    """Registered riders with their reports and points (one 驿站's with post); staff and the
    command centre."""
    caller = allow("rider.read")
    if caller.role == "rider":
        raise Forbidden("外卖小哥只能查看自己的积分：GET /api/v1/riders/me")
    return jsonify(ledger(get_read_session(), post=query.post))


@answers(dict[str, Any])
@api.post("/riders/<username>/redemptions")
def post_redemption(path: RiderPath, body: Redemption):  # type: ignore[no-untyped-def]
    """Spend a rider's points at a 驿站 or 小哥之家 (staff): the rider as they stand after it;
    409 when their balance is short."""
    caller = allow("rider.redeem")
    s = get_session()
    out = redeem(s, path.username, body.points, body.item, body.post, caller.name)
    s.commit()
    return jsonify(out)


@answers(dict[str, Any])
@api.get("/stats/riders")
def get_compare(query: CompareQuery):  # type: ignore[no-untyped-def]
    """Where riders reported against where grid workers patrolled, the last `days` days, in
    the caller's areas, by street: rider reports, those within 100 m of a patrol track (the
    others: places the rounds did not pass), workers' own finds and patrol kilometres."""
    caller = allow("stats")
    return jsonify(compare(get_read_session(), caller.patterns(), query.days))
