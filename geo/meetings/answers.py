"""The meetings domain's answers (typed once; see geo/answers.py)."""

from __future__ import annotations

from typing import Any, NotRequired

from typing_extensions import TypedDict


class MeetingSummary(TypedDict):
    id: int
    kind: str
    held_on: str
    topic: str
    topic_class: str
    status: str
    status_label: NotRequired[str]
    outcome: NotRequired[str | None]
    place_kind: str
    place_code: str


class MeetingPlace(TypedDict):
    kind: str
    code: str
    name: str | None


class MeetingActionsItem(TypedDict):
    id: int
    action: str
    owner: str
    due_on: str
    status: str
    overdue: NotRequired[bool]
    done_at: NotRequired[str | None]
    done_by: NotRequired[str | None]
    note: NotRequired[str | None]


class MeetingAgendaItem(TypedDict):
    case_id: int
    archived: bool
    status: str | None
    status_label: NotRequired[str]
    category: NotRequired[str | None]
    description: NotRequired[str | None]


class Meeting(TypedDict):
    id: int
    kind: str
    held_on: str
    topic: str
    topic_class: NotRequired[str]
    status: str
    status_label: NotRequired[str]
    outcome: NotRequired[str | None]
    place_kind: NotRequired[str]
    place_code: NotRequired[str]
    place: MeetingPlace
    participants: NotRequired[dict[str, Any]]
    decisions: NotRequired[str | None]
    created_by: NotRequired[str]
    actions: list[MeetingActionsItem]
    agenda: list[MeetingAgendaItem]


class MeetingCounts(TypedDict):
    total: int
    by_place_kind: dict[str, Any]
    by_topic_class: dict[str, Any]
    by_outcome: dict[str, Any]
    by_status: dict[str, Any]
    by_actions: dict[str, Any]


class ProposalSkipped(TypedDict):
    case_id: int
    reason: str


class Proposal(TypedDict):
    """A recurring place put to its place's next meeting: the meeting (created or not), the
    cases put on its agenda and those not, with why."""

    meeting: Meeting
    created: bool
    added: list[int]
    skipped: list[ProposalSkipped]
