"""Deliberation meetings: schedule one at a place, put cases on its agenda, record its
decision and follow-up actions, finish them; lists and counts (geo/meetings/meetings.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from flask import jsonify
from flask_openapi3 import APIBlueprint, Tag
from pydantic import Field
from sqlalchemy.orm import Session

from geo.access import (
    Caller,
    allowed,
    case_view,
    may_edit_meeting,
    may_move,
    may_propose_meeting,
    may_read_area_stats,
    require_case,
)
from geo.cases.workflow import case_place, case_places
from geo.codes import StreetCode
from geo.errors import Forbidden
from geo.meetings.answers import Meeting, MeetingCounts, MeetingSummary, Proposal
from geo.meetings.meetings import (
    Mover,
    add_to_agenda,
    create_meeting,
    decide,
    finish_action,
    get_meeting,
    list_meetings,
    meeting_counts,
    place_of,
    proposal_place,
    propose,
)
from geo.meetings.words import MeetingKind, MeetingPlace, TopicClass
from geo.vocabulary import DISTRICT_TZ
from webmap.auth import allow, current_caller
from webmap.db import get_read_session, get_session
from webmap.openapi import Answer, answers
from webmap.schemas import Body, IsoDate, Schema, WholeId

api = APIBlueprint("meetings", __name__, url_prefix="/api/v1", abp_tags=[Tag(name="meetings")])


class Participants(Body):
    """How many of each side sat at the table (MEETING_SIDES)."""

    residents_committee: int | None = Field(None, ge=0, le=10_000)
    owners_committee: int | None = Field(None, ge=0, le=10_000)
    property: int | None = Field(None, ge=0, le=10_000)
    residents: int | None = Field(None, ge=0, le=10_000)
    merchants: int | None = Field(None, ge=0, le=10_000)
    party_members: int | None = Field(None, ge=0, le=10_000)
    departments: int | None = Field(None, ge=0, le=10_000)


class NewMeeting(Body):
    kind: MeetingKind
    place_kind: MeetingPlace
    place_code: str = Field(min_length=1, max_length=40)
    held_on: IsoDate
    topic: str = Field(min_length=1, max_length=200)
    topic_class: TopicClass
    participants: Participants | None = Field(
        None, description="how many sat at the table, by side"
    )


class MeetingPath(Schema):
    meeting_id: int = Field(ge=1, le=2**63 - 1)


class ActionPath(Schema):
    meeting_id: int = Field(ge=1, le=2**63 - 1)
    action_id: int = Field(ge=1, le=2**63 - 1)


class AgendaItem(Body):
    case_id: int = Field(ge=1, le=2**63 - 1)


class NewAction(Body):
    action: str = Field(min_length=1, max_length=200)
    owner: str = Field(min_length=1, max_length=100)
    due_on: IsoDate


class Decision(Body):
    decisions: str = Field(min_length=1, max_length=2000)
    outcome: Literal["agreed", "partly", "deferred"]
    actions: list[NewAction] = Field(default_factory=list, max_length=50)


class ActionDone(Body):
    note: str | None = Field(None, max_length=500)


class MeetingsQuery(Schema):
    street: StreetCode | None = None
    place_kind: MeetingPlace | None = None
    place_code: str | None = Field(None, max_length=40, description="a place and what is in it")
    topic_class: TopicClass | None = None
    status: Literal["scheduled", "decided", "closed"] | None = None
    limit: int = Field(50, ge=1, le=500)


class NewProposal(Body):
    cases: list[WholeId] = Field(
        min_length=1,
        max_length=200,
        description="a recurring place's cases, as GET /api/v1/stats/warnings lists them",
    )


class CountsQuery(Schema):
    street: StreetCode | None = None


def _mover(s: Session, caller: Caller) -> Mover:
    """The case rules for the moves a meeting makes: what the caller may do on /transitions."""

    def check(case_id: int, to: str) -> None:
        may_move(caller, *case_place(s, case_id), to)

    return check


def _shown(s: Session, meeting_id: int) -> Meeting:
    """The meeting as the caller may see it: an agenda case's category and description only
    where the caller may read that case (a planner reads no case, a commissioner only their
    area's); its number and status are the meeting's own record."""
    caller = current_caller()
    m = get_meeting(s, meeting_id)
    places = case_places(s, [item["case_id"] for item in m["agenda"]])
    for item in m["agenda"]:
        place = places.get(item["case_id"])  # none: archived
        if place is None or not allowed(case_view, caller, *place):
            item["category"] = None
            item["description"] = None
    return m


def _editor(place_code: str) -> Caller:
    caller = current_caller()
    may_edit_meeting(caller, place_code)
    return caller


@answers(created=Answer(Meeting, "Created"))
@api.post("/meetings")
def post_meeting(body: NewMeeting):  # type: ignore[no-untyped-def]
    """Schedule a meeting at a compound, residential building, open block, business community
    or building of the caller's area."""
    caller = _editor(body.place_code)
    s = get_session()
    sides = body.participants.model_dump(exclude_none=True) if body.participants else {}
    made = {**body.model_dump(), "participants": sides}
    meeting_id = create_meeting(s, made, caller.name)
    s.commit()
    return jsonify(_shown(s, meeting_id)), 201


@answers(created=Answer(Proposal, "Created"))
@api.post("/meetings/proposals")
def post_proposal(body: NewProposal):  # type: ignore[no-untyped-def]
    """A recurring place (事件预警) as a topic for its place's next 议事会, in one click: the
    compound, open block, business community or building most of its cases lie in; its next
    scheduled meeting, or one of the place's kind scheduled a week on; the open cases on its
    agenda. Staff and the command centre of the place's area; every case must be theirs to
    read."""
    caller = current_caller()
    s = get_session()
    ids = sorted(set(body.cases))
    place = proposal_place(s, ids)
    may_propose_meeting(caller, place["code"])
    for case_id, where in case_places(s, ids).items():
        if not allowed(case_view, caller, *where):
            raise Forbidden(f"案件 {case_id} 不在您的辖区内")
    out = propose(
        s, place, caller.name, _mover(s, caller), datetime.now(ZoneInfo(DISTRICT_TZ)).date()
    )
    s.commit()
    return jsonify({**out, "meeting": _shown(s, out.pop("meeting_id"))}), 201


@answers(list[MeetingSummary])
@api.get("/meetings")
def get_meetings(query: MeetingsQuery):  # type: ignore[no-untyped-def]
    """Meetings, newest first: of a street, or of a place and what it holds (a compound and
    its buildings), by kind of place, topic class or status."""
    allow("layers")
    prefix = query.place_code or query.street or ""
    return jsonify(
        list_meetings(
            get_read_session(),
            prefix,
            query.place_kind,
            query.topic_class,
            query.status,
            query.limit,
        )
    )


@answers(Meeting)
@api.get("/meetings/<int:meeting_id>")
def get_one(path: MeetingPath):  # type: ignore[no-untyped-def]
    """A meeting with its place, participants, decisions, actions and agenda."""
    allow("layers")
    return jsonify(_shown(get_read_session(), path.meeting_id))


@answers(Meeting)
@api.post("/meetings/<int:meeting_id>/agenda")
def post_agenda(path: MeetingPath, body: AgendaItem):  # type: ignore[no-untyped-def]
    """Put an open case of the caller's area on the agenda (议题) of a meeting not yet held."""
    s = get_session()
    caller = _editor(place_of(s, path.meeting_id))
    require_case(caller, "meeting.edit", *case_place(s, body.case_id))
    add_to_agenda(s, path.meeting_id, body.case_id, caller.name, _mover(s, caller))
    s.commit()
    return jsonify(_shown(s, path.meeting_id))


@answers(Meeting)
@api.post("/meetings/<int:meeting_id>/decision")
def post_decision(path: MeetingPath, body: Decision):  # type: ignore[no-untyped-def]
    """Record what the meeting decided, its outcome and its follow-up actions."""
    s = get_session()
    caller = _editor(place_of(s, path.meeting_id))
    actions = [a.model_dump() for a in body.actions]
    decide(
        s, path.meeting_id, body.decisions, body.outcome, actions, caller.name, _mover(s, caller)
    )
    s.commit()
    return jsonify(_shown(s, path.meeting_id))


@answers(Meeting)
@api.post("/meetings/<int:meeting_id>/actions/<int:action_id>/done")
def post_action_done(path: ActionPath, body: ActionDone):  # type: ignore[no-untyped-def]
    """Mark a follow-up action done; the last one closes the meeting and the cases on its
    agenda."""
    s = get_session()
    caller = _editor(place_of(s, path.meeting_id))
    finish_action(s, path.meeting_id, path.action_id, caller.name, body.note, _mover(s, caller))
    s.commit()
    return jsonify(_shown(s, path.meeting_id))


@answers(MeetingCounts)
@api.get("/stats/meetings")
def get_meeting_counts(query: CountsQuery):  # type: ignore[no-untyped-def]
    """Meetings by kind of place, topic class, outcome and status; actions open, done, overdue."""
    may_read_area_stats(current_caller(), query.street or "")
    return jsonify(meeting_counts(get_read_session(), query.street or ""))
