"""The evaluation's words, once: levels, indicators with their Chinese names and definitions
(their SQL is geo/evaluation/sql/evaluation.sql, one column each), and how a period is written."""

from __future__ import annotations

import re
from typing import Literal, get_args

Level = Literal["street", "community", "grid", "unit", "worker"]
LEVELS: tuple[str, ...] = get_args(Level)
LEVEL_LABELS = {
    "street": "街道",
    "community": "社区",
    "grid": "网格",
    "unit": "处置单位",
    "worker": "网格员",
}
# 2026-11, 2026-Q4, 2026: a year of this century or the last (the API's pattern too)
PERIOD = re.compile(r"^((?:19|20)\d{2})(?:-(0[1-9]|1[0-2])|-Q([1-4]))?$")

# key: (中文名, definition: numerator / denominator and which cases count). The cases counted
# are those reported in the period inside the caller's areas (a department: its units').
INDICATORS: dict[str, tuple[str, str]] = {
    "reported": ("上报数", "期内上报的案件"),
    "found": ("主动发现数", "其中网格员自己上报的（来源 worker_patrol）"),
    "registered": ("立案数", "其中已立案的：不计不予立案、重复件和尚待立案的"),
    "registered_rate": ("立案率", "立案数 / 上报数"),
    "dispatched": ("派遣数", "立案案件中已派遣的（派至网格或处置单位）"),
    "dispatched_on_time_rate": ("按期派遣率", "派遣时间不晚于派遣时限的 / 派遣数"),
    "handled": ("处置数", "立案案件中已办结或已结案的"),
    "handled_on_time_rate": ("按期处置率", "首次办结不晚于处置时限的 / 处置数"),
    "closed": ("结案数", "立案案件中核查通过、已结案的"),
    "closed_rate": ("结案率", "结案数 / (立案数 − 挂账数)：挂账案件不计入分母"),
    "closed_on_time_rate": ("按期结案率", "结案时间不晚于处置时限的 / 结案数"),
    "rework_rate": ("返工率", "返工过（核查未通过）的 / 结案数"),
    "supervised": ("督办数", "立案案件中被督办的"),
    "extended": ("延期数", "立案案件中获批延期的"),
    "parked": ("挂账数", "立案案件中挂账的"),
    "mean_hours": ("平均处置时长（工作小时）", "从派遣到首次办结的工作小时数（区工作日历）的平均"),
    "patrol_km": ("巡查里程（公里）", "网格员期内巡查轨迹长度之和（EPSG:4549）"),
    "patrol_coverage": ("巡查道路覆盖率", "期内全部轨迹 30 米内的本网格道路长度 / 本网格道路总长"),
}
RATES = tuple(k for k in INDICATORS if k.endswith("_rate") or k == "patrol_coverage")

# A trend's three lines (geo/evaluation/series.py), as the cockpit names them
SERIES_LABELS = {"reported": "上报", "closed": "结案", "overdue": "超期"}
