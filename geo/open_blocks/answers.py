"""The open blocks domain's answers (typed once; see geo/answers.py)."""

from __future__ import annotations

from typing import Any, NotRequired

from typing_extensions import TypedDict

from geo.answers import CodeName
from geo.meetings.answers import MeetingSummary


class OpenBlockRulesItem(TypedDict):
    rule: str
    breaches: int
    open: int


class OpenBlockPartyMembersItem(TypedDict):
    code: str
    name: str
    mobile: bool
    shops: int
    partners: list[str]


class OpenBlockPartnerUnitsItem(TypedDict):
    code: str
    name: str
    kind: str


class OpenBlock(TypedDict):
    code: str
    name: str
    households: NotRequired[int]
    community: NotRequired[CodeName]
    party_org: NotRequired[CodeName | None]
    rules: list[OpenBlockRulesItem]
    shops: int
    stalls: int
    covered: int
    covered_pct: NotRequired[float | None]
    party_members: list[OpenBlockPartyMembersItem]
    mobile_members: NotRequired[int]
    partner_units: NotRequired[list[OpenBlockPartnerUnitsItem]]
    breaches_365d: NotRequired[dict[str, Any]]
    meetings: NotRequired[list[MeetingSummary]]


class BlockStats(TypedDict):
    blocks: int
    shops: int
    stalls: int
    covered: int
    covered_pct: NotRequired[float | None]
    mobile_members: NotRequired[int]
    breaches_365d: NotRequired[int]
    meetings: NotRequired[int]
