"""The platform's words, once: case statuses and their moves, the open set, zone kinds in the
assignment's order, party organisation kinds, area kinds, CRS names, spatial reference ids.

SQL mirrors what it needs in geo/sql/definitions/10_vocabulary.sql (case_is_open,
case_status_label) and 20_zones.sql (zone_polygons); tests/test_vocabulary.py holds them equal.
"""

from __future__ import annotations

from typing import Literal, get_args

SRID = 4326  # storage: WGS84 degrees
DISTRICT_TZ = "Asia/Shanghai"  # a district's days (a visit's, a signature's) are Beijing days
METRIC_SRID = 4549  # CGCS2000 / 3-degree Gauss-Kruger CM 120E: lengths and areas in Hangzhou

CrsName = Literal["wgs84", "gcj02", "bd09", "cgcs2000"]
CRS_NAMES: tuple[str, ...] = get_args(CrsName)

CaseStatus = Literal[
    "reported", "assigned", "accepted", "resolved", "closed", "returned", "duplicate"
]
CASE_STATUSES: tuple[str, ...] = get_args(CaseStatus)
STATUS_LABELS = {
    "reported": "已上报",
    "assigned": "已派单",
    "accepted": "处置中",
    "resolved": "已办结",
    "closed": "已结案",
    "returned": "已退回",
    "duplicate": "重复件",
}
# The case lifecycle: reported → assigned → accepted → resolved → closed, with returned (back
# to dispatch) and duplicate.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "reported": ("assigned", "duplicate"),
    "assigned": ("accepted", "returned", "duplicate"),
    "accepted": ("resolved", "returned"),
    "returned": ("assigned", "duplicate"),
    "resolved": ("closed", "accepted"),
    "closed": (),
    "duplicate": (),
}
CLOSED_STATUSES = ("resolved", "closed", "duplicate")
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
}
COMPOUND_TYPES = ("商品房", "老旧小区", "回迁安置")

# Accounts (geo/accounts.py, geo/access.py): each has one role and one or more areas.
ROLES = {
    "admin": "系统管理员",
    "command": "指挥中心",
    "street": "街道工作人员",
    "community": "社区工作人员",
    "grid_worker": "网格员",
    "compound_commissioner": "小区专员",
    "building_commissioner": "楼宇专员",
    "planner": "规划人员",
    "department": "职能部门",  # 市场监管、税务 …: files visit requests to firms (issue #18)
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
)

# 三方协同 in a compound (issue #17): its owners' side, and its property service.
COMMITTEE_KINDS = {
    "业委会": "业主委员会 formed",
    "物管委": "物业管理委员会 formed (where an owners' committee cannot be)",
    "社区托管": "under the community's trusteeship",
    "无": "none",
}
COMMITTEES_FORMED = ("业委会", "物管委")
PROPERTY_LEVELS = ("甲", "乙", "丙", "丁")  # service levels; NULL: not graded
FEE_MODELS = ("包干制", "酬金制")

# A residential building's lifts (issue #17): none, added to an old building (加装电梯), or an
# old lift renewed (更新), each counted per lift (one per unit as a rule).
ELEVATOR_STATES = ("无", "加装", "更新")

# Deliberation (issue #17): meetings at a place, the sides that sit at them, the seeds' five
# topic classes plus 物业服务 and 其他, and how a meeting ends.
MEETING_KINDS = ("红茶议事会", "小区说事亭", "三和楼事会", "专题议事会", "其他")
MEETING_PLACES = (
    "compound",
    "residential_building",
    "open_block",
    "business_community",
    "building",
)
MEETING_SIDES = {
    "residents_committee": "居委会",
    "owners_committee": "业委会",
    "property": "物业",
    "residents": "居民代表",
    "merchants": "商户",
    "party_members": "党员",
    "departments": "部门",
}
TOPIC_CLASSES = ("设施维修", "垃圾分类", "消防安全", "环境整治", "街区发展", "物业服务", "其他")
MEETING_STATUSES = {"scheduled": "待议", "decided": "已议定", "closed": "已落实"}
MEETING_OUTCOMES = {"agreed": "达成共识", "partly": "部分共识", "deferred": "暂缓再议"}

# Visits to firms (issue #18): the departments that ask for them, and how a visit ends.
DEPARTMENTS = ("市场监管", "税务", "人社", "统计", "商务", "科技", "经信", "消防", "其他")
VISIT_STATUSES = {"planned": "待走访", "done": "已走访", "cancelled": "已取消"}
# The three lists (企业所需、职工所盼、社区所能): needs of firms, wishes of their employees, and
# the level a need was settled at ("小事不出楼宇，大事不出社区").
NEED_KINDS = {"firm": "企业所需", "employee": "职工所盼"}
NEED_CATEGORIES = {
    "firm": ("注册落地", "人才引进", "融资与银企对接", "政策咨询", "停车", "物业与配套", "其他"),
    "employee": ("食堂", "托育", "通勤", "文体", "住房", "医疗", "其他"),
}
NEED_STATUSES = {"open": "待办", "assigned": "办理中", "closed": "已办结"}
SETTLED_LEVELS = {
    "building": "楼宇",
    "business_community": "商务社区",
    "street": "街道",
    "district": "区级",
}
OFFER_KINDS = {"policy": "政策", "measure": "楼宇服务二十条", "venue": "场地", "service": "服务"}

# Open blocks (issue #18): partner units (联建单位), shops or stalls, the rules a block's shops
# agree, and the case categories that breach them.
PARTNER_KINDS = ("派出所", "市场监管所", "执法中队", "其他")
SHOP_KINDS = {"shop": "商铺", "stall": "摊位"}
BLOCK_RULES = {"一米红线": ("outdoor_display",), "门前三包": ("frontage_duty",)}
ACTIVITY_KINDS = ("政策宣讲", "培训", "沙龙", "招聘", "联谊", "志愿服务", "其他")
