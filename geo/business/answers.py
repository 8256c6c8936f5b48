"""The business domain's answers (typed once; see geo/answers.py)."""

from __future__ import annotations

from typing import Any, NotRequired

from typing_extensions import TypedDict

from geo.answers import CodeName


class VisitPurposesItem(TypedDict):
    department: str
    purpose: str


class Visit(TypedDict):
    id: int
    firm: CodeName
    building: CodeName
    commissioner: str
    visit_on: str
    window: list[str]
    urgent: bool
    status: str
    outcome: NotRequired[str | None]
    purposes: NotRequired[list[VisitPurposesItem]]
    needs: NotRequired[list[int]]


class VisitRequestFiled(TypedDict):
    """A request as filed: the visit it joined or made."""

    id: int
    firm: str
    department: str
    purpose: NotRequired[str]
    earliest: NotRequired[str]
    latest: NotRequired[str]
    urgent: NotRequired[bool]
    visit_id: int
    joined: bool


class VisitRequest(VisitRequestFiled):
    visit: Visit


class DayRouteStation(TypedDict):
    code: str
    name: str
    lon: float
    lat: float


class DayRouteStopsItem(TypedDict):
    seq: int
    visit_id: int
    firm: CodeName
    building: CodeName
    status: NotRequired[str]
    urgent: NotRequired[bool]
    lon: float
    lat: float
    leg_m: float


class DayRoute(TypedDict):
    commissioner: str
    date: str
    station: DayRouteStation
    stops: list[DayRouteStopsItem]
    route_m: float
    filing_order_m: float
    saved_m: NotRequired[float]
    route_m_per_visit: NotRequired[float | None]
    path: NotRequired[dict[str, Any] | None]


class BusinessStats(TypedDict):
    firms: NotRequired[int]
    firms_served: NotRequired[int]
    key_taxpayers: NotRequired[int]
    key_taxpayers_visited: NotRequired[int]
    requests: int
    visits: int
    visits_done: NotRequired[int]
    visits_this_month: NotRequired[int]
    disturbance_saved: NotRequired[int]
    needs: int
    closed: int
    key_taxpayer_coverage_pct: NotRequired[float | None]
    visits_per_firm_month: NotRequired[float | None]
    requests_per_firm_month: NotRequired[float | None]
    closure_rate_pct: float | None
    by_settled_level: dict[str, Any]


# "from" is a keyword: the functional form
BusinessCommunityFirstYear = TypedDict(
    "BusinessCommunityFirstYear",
    {
        "from": NotRequired[str],
        "disputes_settled": int,
        "needs_solved": int,
        "activities": int,
        "firms_covered": int,
    },
)


class BusinessCommunity(TypedDict):
    code: str
    name: str
    street_code: NotRequired[str]
    established_on: NotRequired[str | None]
    buildings: int
    firms: int
    first_year: BusinessCommunityFirstYear
    stats: NotRequired[BusinessStats]
    # its branch, its buildings' 楼宇治理委员会 and its 产业链党支部, each with the firms it spans
    party_orgs: NotRequired[list[dict[str, Any]]]


class Need(TypedDict):
    id: int
    kind: str
    kind_label: NotRequired[str]
    category: str
    text: str
    status: str
    status_label: NotRequired[str]
    assignee: NotRequired[str | None]
    settled_level: NotRequired[str | None]
    note: NotRequired[str | None]
    offer_id: NotRequired[int | None]
    visit_id: NotRequired[int | None]
    firm: CodeName
    building: CodeName
    created_at: NotRequired[str]
    closed_at: NotRequired[str | None]


class Offer(TypedDict):
    id: int
    kind: str
    kind_label: NotRequired[str]
    title: str
    provider: NotRequired[str | None]
    walk_m: NotRequired[float | None]
