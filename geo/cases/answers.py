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
    dispatch_hours: NotRequired[float]
    kind: NotRequired[Literal["部件", "事件"]]
    group: NotRequired[dict[str, str]]
    """its 大类: code and name"""
    national_code: NotRequired[str | None]


class CaseDispatch(TypedDict):
    """The dispatch limit (派遣时限) from the report, and the last dispatch."""

    due_at: str | None
    at: str | None
    on_time: bool | None
    """dispatched by its due time; none while it waits"""


class CatalogueCategory(TypedDict):
    code: str
    name: str
    national_code: str | None
    """its GB/T 30428.2 class code, where it has one"""
    sla_hours: float
    dispatch_hours: float
    working_hours: bool
    """its limits count working hours on the district's calendar (else calendar hours)"""
    conditions: str | None
    """立案条件"""
    default_unit: str | None
    photo_required: bool


class CatalogueGroup(TypedDict):
    """A 大类 and its 小类."""

    kind: Literal["部件", "事件"]
    code: str
    name: str
    categories: list[CatalogueCategory]


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
    version: NotRequired[str]
    """its latest step: a step sent with If-Match: this is refused (412) if another came since"""
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
    dispatch: NotRequired[CaseDispatch]
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
