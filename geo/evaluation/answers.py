"""The evaluation's answers (typed once; see geo/answers.py)."""

from __future__ import annotations

from typing import Any

from typing_extensions import TypedDict


class Entity(TypedDict):
    code: str
    name: str | None
    indicators: dict[str, float | int | None]
    score: float | None
    """the weighted mean of its rates, out of 100 (weights.toml)"""
    rank: int | None
    change: float | None
    """its score against the previous period's (none: it had none)"""


class Evaluation(TypedDict):
    level: str
    period: str
    previous: str
    entities: list[Entity]
    definitions: dict[str, Any]
