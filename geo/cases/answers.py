"""The cases domain's answers (typed once; see geo/answers.py)."""

from __future__ import annotations

from typing import Any, NotRequired

from typing_extensions import TypedDict

from geo.answers import Assignment


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
    possible_duplicates: NotRequired[list[dict[str, Any]]]
    events: list[CaseEventsItem]


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
