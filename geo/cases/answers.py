"""The cases domain's answers (typed once; see geo/answers.py)."""

from __future__ import annotations

from typing import Any, Literal, NotRequired

from typing_extensions import TypedDict

from geo.answers import Assignment
from geo.cases.words import UnitKind


class CaseCategory(TypedDict):
    code: str
    name: str
    sla_hours: NotRequired[float]


class CaseReporter(TypedDict):
    name: NotRequired[str | None]
    phone: NotRequired[str | None]


class CaseReceived(TypedDict):
    lon: NotRequired[float]
    lat: NotRequired[float]
    crs: NotRequired[str]


# "from" is a keyword: the functional form
CaseEventsItem = TypedDict(
    "CaseEventsItem",
    {
        "kind": str,
        "at": str,
        "actor": str | None,
        "note": str | None,
        "from": str | None,  # the status before, for a transition
        "to": str | None,
    },
)


class CaseUnit(TypedDict):
    code: str
    name: str | None


class CaseSupervision(TypedDict):
    """督办: its level (1-3) and its own deadline."""

    level: int
    due: str | None


class CaseParked(TypedDict):
    """挂账: why, and when it is to be looked at again."""

    reason: str | None
    review_on: str | None


class Case(TypedDict):
    id: int
    public_token: NotRequired[str]
    status: str
    status_label: NotRequired[str]
    source: NotRequired[str]
    description: NotRequired[str]
    address: NotRequired[str | None]
    category: CaseCategory
    assignment: Assignment
    reporter: NotRequired[CaseReporter]
    received: NotRequired[CaseReceived]
    created_at: str
    updated_at: NotRequired[str]
    due_at: NotRequired[str | None]
    closed_at: NotRequired[str | None]
    overdue: NotRequired[bool]
    warning: NotRequired[Literal["none", "yellow", "red"]]
    """none; yellow past 80 % of the time limit; red past it (parked: none, the clock stops)"""
    unit: NotRequired[CaseUnit | None]
    rework_count: NotRequired[int]
    extension_hours: NotRequired[float | None]
    """延期 asked and not yet answered"""
    supervision: NotRequired[CaseSupervision | None]
    parked: NotRequired[CaseParked | None]
    possible_duplicates: NotRequired[list[dict[str, Any]]]
    events: list[CaseEventsItem]
    actions: NotRequired[list[str]]
    """the steps the caller may take on it now (geo/cases/offers.py): register, refuse,
    dispatch, accept, resolve, return, extension, decide_extension, verify, supervise, park"""


class BatchReportRejectedItem(TypedDict):
    row: int
    reason: str


class BatchReport(TypedDict):
    rows: int
    accepted: int
    rejected: list[BatchReportRejectedItem]
    parts: NotRequired[list[dict[str, Any]]]
    already_imported: NotRequired[list[dict[str, Any]]]
    imported_before: NotRequired[int]
    """Rows of the caller's areas another caller's import of the same file wrote already."""
    seconds: NotRequired[float]


Cockpit = dict[str, Any]


class Unit(TypedDict):
    """A handling unit (处置单位) cases are dispatched to."""

    code: str
    name: str
    kind: UnitKind
    area_code: str
