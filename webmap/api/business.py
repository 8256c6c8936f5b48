"""The business domain's API: visits to firms with the least disturbance (departments file
requests, the dispatcher merges them into visits for the buildings' commissioners; a
commissioner's day as a walking route; outcomes and the needs found), and the three lists
(needs of firms and wishes of their employees, matched to what the community can offer,
assigned and closed at their level). geo/business/ holds the logic."""

from __future__ import annotations

from typing import Annotated, Literal

from flask import current_app, jsonify
from flask.blueprints import BlueprintSetupState
from flask_openapi3 import APIBlueprint, Tag
from pydantic import Field
from sqlalchemy.orm import Session

from geo.access import (
    Caller,
    may_edit_need,
    may_read_area_stats,
    may_read_route,
    may_read_visit,
    may_record_visit,
)
from geo.business.answers import (
    BusinessCommunity,
    BusinessStats,
    DayRoute,
    Need,
    Offer,
    Visit,
    VisitRequest,
)
from geo.business.needs import assign, close, get_need, list_needs, matches
from geo.business.routes import day_route
from geo.business.settings import BusinessSettings, load_business_settings
from geo.business.visits import (
    business_community,
    business_stats,
    district_today,
    file_request,
    get_visit,
    record_outcome,
)
from geo.business.words import Department, EmployeeNeedCategory, FirmNeedCategory, NeedKind
from geo.codes import BusinessCommunityCode, CreditCode, StreetCode
from geo.errors import Unprocessable
from webmap.auth import allow, current_caller
from webmap.db import get_read_session, get_session
from webmap.openapi import Answer, answers
from webmap.schemas import Body, IsoDate, Schema

api = APIBlueprint("visits", __name__, url_prefix="/api/v1", abp_tags=[Tag(name="visits")])


@api.record_once
def _read_settings(state: BlueprintSetupState) -> None:
    """The domain's settings, read once as the app registers the API."""
    state.app.extensions["gridmap.business"] = load_business_settings()


def _settings() -> BusinessSettings:
    settings: BusinessSettings = current_app.extensions["gridmap.business"]
    return settings


class NewRequest(Body):
    firm: CreditCode = Field(description="the firm's 统一社会信用代码")
    department: Department
    purpose: str = Field(min_length=1, max_length=200)
    earliest: IsoDate
    latest: IsoDate
    urgent: bool = False


class DayQuery(Schema):
    commissioner: str | None = Field(None, max_length=64, description="none: yourself")
    date: IsoDate | None = Field(None, description="none: today")


class VisitPath(Schema):
    visit_id: int = Field(ge=1, le=2**63 - 1)


class FirmNeed(Body):
    kind: Literal["firm"]
    category: FirmNeedCategory
    text: str = Field(min_length=1, max_length=500)


class EmployeeNeed(Body):
    kind: Literal["employee"]
    category: EmployeeNeedCategory
    text: str = Field(min_length=1, max_length=500)


FoundNeed = Annotated[FirmNeed | EmployeeNeed, Field(discriminator="kind")]


class Outcome(Body):
    outcome: str = Field(min_length=1, max_length=1000)
    needs: list[FoundNeed] = Field(default_factory=list, max_length=20)


class BusinessQuery(Schema):
    community: BusinessCommunityCode | None = Field(None, description="a business community's code")
    street: StreetCode | None = None


@answers(created=Answer(VisitRequest, "Created"))
@api.post("/visit-requests")
def post_request(body: NewRequest):  # type: ignore[no-untyped-def]
    """File a visit request; it joins the firm's planned visit whose window overlaps, or makes
    a visit (never a second non-urgent one within the gap) for the building's commissioner."""
    caller = allow("visit.request")
    if body.latest < body.earliest:
        raise Unprocessable("latest（最晚日期）早于 earliest（最早日期）")
    s = get_session()
    out = file_request(
        s, body.model_dump(), caller.name, _settings().visit_gap_days, district_today()
    )
    s.commit()
    return jsonify({**out, "visit": get_visit(s, out["visit_id"])}), 201


@answers(DayRoute)
@api.get("/visits")
def get_day(query: DayQuery):  # type: ignore[no-untyped-def]
    """A commissioner's visits of a day in walking order from their station and back, with
    `route_m` and `filing_order_m` (the same stops in the order they were filed)."""
    who = may_read_route(current_caller(), query.commissioner or "")
    return jsonify(day_route(get_read_session(), who, query.date or district_today()))


@answers(Visit)
@api.get("/visits/<int:visit_id>")
def get_one(path: VisitPath):  # type: ignore[no-untyped-def]
    """A visit: its firm, building, commissioner, day, window and the purposes it carries
    (a building commissioner reads only their own)."""
    v = get_visit(get_read_session(), path.visit_id)
    may_read_visit(current_caller(), v["commissioner"])
    return jsonify(v)


@answers(Visit)
@api.post("/visits/<int:visit_id>/outcome")
def post_outcome(path: VisitPath, body: Outcome):  # type: ignore[no-untyped-def]
    """Record a visit's outcome; the needs found go onto the three lists."""
    caller = current_caller()
    s = get_session()
    v = get_visit(s, path.visit_id)
    may_record_visit(caller, v["commissioner"], v["building"]["code"])
    needs = record_outcome(
        s, path.visit_id, body.outcome, [n.model_dump() for n in body.needs], caller.name
    )
    s.commit()
    return jsonify({**get_visit(s, path.visit_id), "needs": needs})


@answers(BusinessStats)
@api.get("/stats/business")
def get_business(query: BusinessQuery):  # type: ignore[no-untyped-def]
    """Requests, visits (and the disturbance saved), needs and their closure, by settled
    level: of a business community, a street, or the district."""
    area = query.community or query.street or ""
    may_read_area_stats(current_caller(), area)
    return jsonify(business_stats(get_read_session(), area))


class BusinessCommunityPath(Schema):
    code: BusinessCommunityCode


@answers(BusinessCommunity)
@api.get("/business-communities/<code>")
def get_business_community(path: BusinessCommunityPath):  # type: ignore[no-untyped-def]
    """A business community: buildings, firms, its first year's figures (disputes settled,
    needs solved, activities, firms covered) and its visits and needs."""
    allow("layers")
    return jsonify(business_community(get_read_session(), path.code))


# The three lists

needs_api = APIBlueprint("needs", __name__, url_prefix="/api/v1", abp_tags=[Tag(name="needs")])


class NeedsQuery(Schema):
    community: BusinessCommunityCode | None = Field(None, description="a business community's code")
    status: Literal["open", "assigned", "closed"] | None = None
    kind: NeedKind | None = None
    limit: int = Field(100, ge=1, le=1000)


class NeedPath(Schema):
    need_id: int = Field(ge=1, le=2**63 - 1)


class Assign(Body):
    assignee: str = Field(min_length=1, max_length=100)
    offer_id: int | None = Field(None, ge=1, le=2**63 - 1)


class Close(Body):
    level: Literal["building", "business_community", "street", "district"]
    note: str = Field(min_length=1, max_length=1000)
    offer_id: int | None = Field(None, ge=1, le=2**63 - 1)


@answers(list[Need])
@needs_api.get("/needs")
def get_needs(query: NeedsQuery):  # type: ignore[no-untyped-def]
    """Needs (企业所需) and wishes (职工所盼), newest first, of a business community or all."""
    caller = allow("visit.read")
    s = get_read_session()
    found = list_needs(
        s, query.community or "", query.status, query.kind, query.limit, caller.patterns()
    )
    return jsonify(found)  # of the caller's areas only


@answers(list[Offer])
@needs_api.get("/needs/<int:need_id>/matches")
def get_matches(path: NeedPath):  # type: ignore[no-untyped-def]
    """What the community can offer for this need (社区所能), nearest on foot first."""
    allow("visit.read")
    return jsonify(matches(get_read_session(), path.need_id))


def _editable(need_id: int) -> tuple[Caller, Session]:
    caller = current_caller()
    s = get_session()
    may_edit_need(caller, get_need(s, need_id)["building"]["code"])
    return caller, s


@answers(Need)
@needs_api.post("/needs/<int:need_id>/assign")
def post_assign(path: NeedPath, body: Assign):  # type: ignore[no-untyped-def]
    """Assign a need to whoever settles it, optionally with the offer that meets it."""
    _, s = _editable(path.need_id)
    assign(s, path.need_id, body.assignee, body.offer_id)
    s.commit()
    return jsonify(get_need(s, path.need_id))


@answers(Need)
@needs_api.post("/needs/<int:need_id>/close")
def post_close(path: NeedPath, body: Close):  # type: ignore[no-untyped-def]
    """Close a need with a note and the level where it was settled."""
    _, s = _editable(path.need_id)
    close(s, path.need_id, body.level, body.note, body.offer_id)
    s.commit()
    return jsonify(get_need(s, path.need_id))
