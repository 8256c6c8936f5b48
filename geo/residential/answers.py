"""The residential domain's answers (typed once; see geo/answers.py)."""

from __future__ import annotations

from typing import Any, NotRequired

from typing_extensions import TypedDict

from geo.answers import CodeName
from geo.meetings.answers import MeetingSummary


class CompoundThreeParties(TypedDict):
    residents_committee: dict[str, Any]
    owners_committee: dict[str, Any]
    property: dict[str, Any]
    party_org: dict[str, Any] | None
    commissioner: str | None


class CompoundRenewalProjectsItem(TypedDict):
    id: int
    name: str
    rate_pct: NotRequired[float | None]


class CompoundResidentialBuildingsItemElevator(TypedDict):
    state: str
    count: int
    date: NotRequired[str | None]


class CompoundResidentialBuildingsItem(TypedDict):
    code: str
    name: str
    units: NotRequired[int | None]
    floors: NotRequired[int | None]
    households: int
    year_built: NotRequired[int | None]
    elevator: CompoundResidentialBuildingsItemElevator
    stairwell_branch: NotRequired[CodeName | None]


class Compound(TypedDict):
    code: str
    name: str
    community: NotRequired[CodeName]
    households: NotRequired[int]
    compound_type: NotRequired[str]
    open_cases: NotRequired[int]
    changes: NotRequired[list[dict[str, Any]]]
    three_parties: CompoundThreeParties
    indicators: NotRequired[dict[str, Any]]
    meetings: NotRequired[list[MeetingSummary]]
    renewal_projects: NotRequired[list[CompoundRenewalProjectsItem]]
    residential_buildings: NotRequired[list[CompoundResidentialBuildingsItem]]
    societies: NotRequired[list[dict[str, Any]]]  # 群众性社团, contacts masked unless editing


class Rate(TypedDict):
    """An indicator: numerator of denominator, and the rate (percent, or per 100 households)."""

    numerator: int
    denominator: int
    rate: float | None


class Residential(TypedDict):
    compounds: int
    committee_formation: Rate
    owners_committee: Rate
    party_branch_coverage: NotRequired[Rate]
    stairwell_branch_coverage: NotRequired[Rate]
    commissioner_coverage: NotRequired[Rate]
    society_coverage: NotRequired[Rate]
    societies: NotRequired[dict[str, int]]  # count, members, activities_365d
    joint_meetings: NotRequired[dict[str, int]]  # 联席会议: held, three_parties_present
    property_coverage_old: NotRequired[Rate]
    service_level_old: NotRequired[Rate]
    reelections_due: NotRequired[Rate]
    elevators_added: NotRequired[Rate]
    elevators_renewed: NotRequired[Rate]
    open_cases_per_100_households: NotRequired[dict[str, Rate]]  # by compound type
    labels: NotRequired[dict[str, str]]  # each indicator's name (the published rate's own)


class RenewalProject(TypedDict):
    id: int
    name: str
    compound: NotRequired[CodeName]
    started_on: NotRequired[str]
    mobilised_on: NotRequired[str]
    last_signed_on: NotRequired[str | None]
    buildings: NotRequired[int]
    representatives: NotRequired[int]
    households: int
    signed: int
    rate_pct: float | None
    days: int | None


class RenewalProgressBuildingsItem(TypedDict):
    code: str
    name: str
    households: int
    signed: int
    rate_pct: float | None
    representative: NotRequired[str | None]
    group: NotRequired[str | None]
    last_signed_on: NotRequired[str | None]


class RenewalProgressGroupsItem(TypedDict):
    name: str
    buildings: list[str]
    households: int
    signed: int
    rate_pct: float | None
    complete: bool
    last_signed_on: NotRequired[str | None]


class RenewalProgressDailyItem(TypedDict):
    date: str
    since_mobilisation: int
    signed: int
    cumulative: int
    rate_pct: float | None


class RenewalProgress(TypedDict):
    id: int
    name: NotRequired[str]
    compound: NotRequired[CodeName]
    started_on: NotRequired[str]
    mobilised_on: NotRequired[str]
    last_signed_on: NotRequired[str | None]
    representatives: NotRequired[int]
    households: int
    signed: int
    rate_pct: float | None
    days: int | None
    building_count: NotRequired[int]
    buildings: list[RenewalProgressBuildingsItem]
    groups: list[RenewalProgressGroupsItem]
    daily: list[RenewalProgressDailyItem]


class SigningsReport(TypedDict):
    accepted: int
    rejected: list[dict[str, Any]]
