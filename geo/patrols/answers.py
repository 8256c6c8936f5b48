"""The patrols domain's answers (typed once; see geo/answers.py)."""

from __future__ import annotations

from typing import Any

from typing_extensions import TypedDict


class PatrolCoverage(TypedDict):
    """The share of the grid's road length within reach of the track (EPSG:4549 metres)."""

    reach_m: float
    road_m: float
    covered_m: float
    share: float | None


class PatrolLast(TypedDict):
    lon: float
    lat: float
    at: str


class Patrol(TypedDict):
    id: int
    worker: str
    grid: dict[str, str | None] | None
    started_at: str
    ended_at: str | None
    points: int
    length_m: float
    coverage: PatrolCoverage | None
    track: dict[str, Any] | None
    """GeoJSON LineString (WGS84) of the points fixed well enough; none under two"""
    last: PatrolLast | None
    """the latest point sent, however well fixed: where the worker was last seen"""


class PatrolDay(TypedDict):
    date: str
    patrols: list[Patrol]
