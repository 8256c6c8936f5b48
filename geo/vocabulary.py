"""The core's words, once: case statuses and their moves, the open set, zone kinds in the
assignment's order, party organisation kinds, area kinds, roles, CRS names, spatial reference
ids. Each domain keeps its own words in geo/<domain>/words.py.

SQL mirrors what it needs in geo/sql/definitions/10_vocabulary.sql (case_is_open,
case_status_label) and 20_zones.sql (zone_polygons); tests/core/test_vocabulary.py holds them equal.
"""

from __future__ import annotations

from typing import Literal, get_args

SRID = 4326  # storage: WGS84 degrees
DISTRICT_TZ = "Asia/Shanghai"  # a district's days (a meeting's, a signature's) are Beijing days
METRIC_SRID = 4549  # CGCS2000 / 3-degree Gauss-Kruger CM 120E: lengths and areas in Hangzhou

CrsName = Literal["wgs84", "gcj02", "bd09", "cgcs2000"]
CRS_NAMES: tuple[str, ...] = get_args(CrsName)

CaseStatus = Literal[
    "reported",
    "registered",
    "assigned",
    "accepted",
    "resolved",
    "closed",
    "returned",
    "duplicate",
    "refused",
    "parked",
]
CASE_STATUSES: tuple[str, ...] = get_args(CaseStatus)
STATUS_LABELS = {
    "reported": "已上报",
    "registered": "已立案",
    "assigned": "已派单",
    "accepted": "处置中",
    "resolved": "已办结",
    "closed": "已结案",
    "returned": "已退回",
    "duplicate": "重复件",
    "refused": "不予立案",
    "parked": "挂账",
}
# The case lifecycle (GB/T 30428: 受理/立案 → 派遣 → 处置 → 核查 → 结案): reported → registered
# (立案) or refused (不予立案) → assigned (派遣, to a unit) → accepted → resolved (处置反馈) →
# closed (核查 passed, by someone else; failed: back to accepted as rework), with returned
# (退回, back to dispatch), parked (挂账, the clock stopped) and duplicate. Registering may be
# skipped: a case reported may be dispatched at once (the earlier lifecycle's step), and intake
# dispatches a new case to its grid at once; the desk may still refuse or park it there.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "reported": ("registered", "refused", "assigned", "duplicate"),
    "registered": ("assigned", "parked", "duplicate"),
    "assigned": ("accepted", "returned", "duplicate", "refused", "parked"),
    "accepted": ("resolved", "returned"),
    "returned": ("assigned", "parked", "duplicate"),
    "resolved": ("closed", "accepted"),
    "parked": ("registered", "assigned"),
    "closed": (),
    "duplicate": (),
    "refused": (),
}
# What the public (Open311's status_notes) reads of a case's progress: a fixed text per status,
# never a staff note (those can name people and phones).
PUBLIC_STATUS_NOTES = {
    "reported": "已受理，待立案",
    "registered": "已立案，待派遣",
    "assigned": "已派单至网格，待处置",
    "accepted": "正在处置",
    "resolved": "已处置，待结案",
    "closed": "已结案",
    "returned": "重新派单中",
    "duplicate": "与已有案件重复，合并处理",
    "refused": "不予立案",
    "parked": "已立案，需专项处理，暂缓办理",
}
# A move as a button names it (the worker's page): the status a case moves to, as a verb.
MOVE_LABELS = {
    "registered": "立案",
    "refused": "不予立案",
    "parked": "挂账",
    "assigned": "派单",
    "accepted": "受理",
    "resolved": "办结",
    "closed": "结案",
    "returned": "退回",
    "duplicate": "判为重复",
}
CLOSED_STATUSES = ("resolved", "closed", "duplicate", "refused")
OPEN_STATUSES = tuple(s for s in CASE_STATUSES if s not in CLOSED_STATUSES)
DONE_STATUSES = ("resolved", "closed")  # dealt with; a duplicate is neither open nor done

RULES = ("covers", "boundary", "snapped")
MAX_ID = 2**63 - 1  # PostgreSQL bigint: case ids beyond it name no case

# Zones in the assignment's order: the most specific first (docs/architecture.md).
ZONE_KINDS = ("building", "business_community", "compound", "open_block")
AREA_KINDS = (
    "street",
    "community",
    "compound",
    "residential_building",  # a stairwell branch's (楼道党支部)
    "business_community",
    "building",
    "open_block",
)
PARTY_ORG_KINDS = {
    "community_committee": "社区党委",
    "compound_branch": "小区党支部",
    "stairwell_branch": "楼道党支部",  # a branch of its own, not a 党小组 (issue #17)
    "business_branch": "商务社区党支部",
    "block_org": "街区党组织",
    "mobile_branch": "流动党支部",
    # a business building's 党组织—楼委会—物业 committee, and a branch along an industry chain
    # spanning the firms of several buildings (凤栖谷's 3, the seed) (issue #32)
    "building_committee": "楼宇治理委员会",
    "chain_branch": "产业链党支部",
}
COMPOUND_TYPES = ("商品房", "老旧小区", "回迁安置")

# Accounts (geo/accounts/accounts.py, geo/access.py): each has one role and one or more areas.
ROLES = {
    "admin": "系统管理员",
    "command": "指挥中心",
    "street": "街道工作人员",
    "community": "社区工作人员",
    "grid_worker": "网格员",
    "compound_commissioner": "小区专员",
    "building_commissioner": "楼宇专员",
    "planner": "规划人员",
    "department": "职能部门",  # 市场监管、税务 …: a department of the district government
    "inspector": "监督员",  # verifies (核查) cases others have handled
    "rider": "外卖小哥",  # a courier registered by their 驿站: reports what they see (issue #32)
}
# What an account answers for: a code of one of these (the district is its six-digit code).
ACCOUNT_AREA_KINDS = (
    "district",
    "street",
    "community",
    "grid",
    "compound",
    "business_community",
    "building",
    "unit",  # a handling unit's (U…): a department account's areas (geo/cases/units.py)
)
