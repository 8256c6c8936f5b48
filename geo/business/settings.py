"""The business domain's tunables, read once from the environment like the core's
(geo/settings.py): the app reads them when it registers the business API, a command when it
starts."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class BusinessSettings:
    visit_gap_days: int
    """A firm gets at most one non-urgent visit in this many days (扫楼跑企, least disturbance)."""


def load_business_settings(env: Mapping[str, str] | None = None) -> BusinessSettings:
    e = os.environ if env is None else env
    return BusinessSettings(visit_gap_days=int(e.get("GRIDMAP_VISIT_GAP_DAYS", "14")))
