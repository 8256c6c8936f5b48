"""The three lists: needs of firms and wishes of their employees, matched to what the
community can offer, assigned and closed at their level (geo/needs.py)."""

from __future__ import annotations

from typing import Literal

from flask import jsonify
from flask_openapi3 import APIBlueprint, Tag
from pydantic import Field

from geo.access import covers
from geo.errors import Forbidden
from geo.needs import assign, close, get_need, list_needs, matches
from webmap.auth import allow
from webmap.db import get_read_session, get_session
from webmap.schemas import Schema

api = APIBlueprint("needs", __name__, url_prefix="/api/v1", abp_tags=[Tag(name="needs")])


class NeedsQuery(Schema):
    community: str | None = Field(
        None, pattern=r"^[0-9]{9}SW[0-9]{3}$", description="a business community's code"
    )
    status: Literal["open", "assigned", "closed"] | None = None
    kind: Literal["firm", "employee"] | None = None
    limit: int = Field(100, ge=1, le=1000)


class NeedPath(Schema):
    need_id: int = Field(ge=1, le=2**63 - 1)


class Assign(Schema):
    assignee: str = Field(min_length=1, max_length=100)
    offer_id: int | None = Field(None, ge=1, le=2**63 - 1)


class Close(Schema):
    level: Literal["building", "business_community", "street", "district"]
    note: str = Field(min_length=1, max_length=1000)
    offer_id: int | None = Field(None, ge=1, le=2**63 - 1)


@api.get("/needs")
def get_needs(query: NeedsQuery):  # type: ignore[no-untyped-def]
    """Needs (企业所需) and wishes (职工所盼), newest first, of a business community or all."""
    allow("visit.read")
    s = get_read_session()
    return jsonify(list_needs(s, query.community or "", query.status, query.kind, query.limit))


@api.get("/needs/<int:need_id>/matches")
def get_matches(path: NeedPath):  # type: ignore[no-untyped-def]
    """What the community can offer for this need (社区所能), nearest on foot first."""
    allow("visit.read")
    return jsonify(matches(get_read_session(), path.need_id))


def _editable(need_id: int):  # type: ignore[no-untyped-def]
    caller = allow("need.edit")
    s = get_session()
    n = get_need(s, need_id)
    if not covers(caller, None, n["building"]["code"]):
        raise Forbidden("该企业不在您的辖区内")
    return caller, s


@api.post("/needs/<int:need_id>/assign")
def post_assign(path: NeedPath, body: Assign):  # type: ignore[no-untyped-def]
    """Assign a need to whoever settles it, optionally with the offer that meets it."""
    _, s = _editable(path.need_id)
    assign(s, path.need_id, body.assignee, body.offer_id)
    s.commit()
    return jsonify(get_need(s, path.need_id))


@api.post("/needs/<int:need_id>/close")
def post_close(path: NeedPath, body: Close):  # type: ignore[no-untyped-def]
    """Close a need with a note and the level where it was settled."""
    _, s = _editable(path.need_id)
    close(s, path.need_id, body.level, body.note, body.offer_id)
    s.commit()
    return jsonify(get_need(s, path.need_id))
