"""The riders domain's words."""

from __future__ import annotations

RIDER_SOURCE = "rider"  # a case a rider reported (随手拍), on the JSON API or Open311
POINTS_PER_REPORT = 10  # each accepted report (立案: not 不予立案, not a duplicate) earns
NEAR_PATROL_M = 100  # a rider's report this close to a patrol's track was on a worker's round
