"""The coverage domain's answers (typed once; see geo/answers.py)."""

from __future__ import annotations

from typing import Any, NotRequired

from typing_extensions import TypedDict


class Coverage(TypedDict):
    kind: str
    threshold_m: float
    network_limit_m: NotRequired[float]
    facilities: NotRequired[int]
    totals: dict[str, Any]
    compounds: list[dict[str, Any]]
    communities: list[dict[str, Any]]
    gaps: NotRequired[list[dict[str, Any]]]  # the largest compounds left uncovered


class ScenarioDelta(TypedDict):
    """What adding sites changes: totals before and after, the compounds newly covered."""

    before: dict[str, Any]
    after: dict[str, Any]
    delta_households: int
    changed: list[dict[str, Any]]


class Scenario(ScenarioDelta):
    kind: str
    threshold_m: float


class SuggestionSitesItem(TypedDict):
    lon: float
    lat: float
    households_gained: int
    label: NotRequired[str | None]
    compounds: NotRequired[list[str]]  # those it newly covers


class Suggestion(TypedDict):
    kind: str
    threshold_m: float
    k: int
    method: NotRequired[str]
    candidates: NotRequired[int]
    sites: list[SuggestionSitesItem]
    uncovered_households_before: NotRequired[int]
    uncovered_households_after: NotRequired[int]
