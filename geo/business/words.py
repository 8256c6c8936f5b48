"""The business domain's words: departments asking for visits, visits' statuses, the three lists."""

from __future__ import annotations

from typing import Literal, get_args

# Visits to firms (issue #18): the departments that ask for them, and how a visit ends.
Department = Literal["市场监管", "税务", "人社", "统计", "商务", "科技", "经信", "消防", "其他"]
DEPARTMENTS: tuple[str, ...] = get_args(Department)
NeedKind = Literal["firm", "employee"]
VISIT_STATUSES = {"planned": "待走访", "done": "已走访", "cancelled": "已取消"}
# The three lists (企业所需、职工所盼、社区所能): needs of firms, wishes of their employees, and
# the level a need was settled at ("小事不出楼宇，大事不出社区").
NEED_KINDS: dict[NeedKind, str] = {"firm": "企业所需", "employee": "职工所盼"}
FirmNeedCategory = Literal[
    "注册落地", "人才引进", "融资与银企对接", "政策咨询", "停车", "物业与配套", "其他"
]
EmployeeNeedCategory = Literal["食堂", "托育", "通勤", "文体", "住房", "医疗", "其他"]
NEED_CATEGORIES = {
    "firm": get_args(FirmNeedCategory),
    "employee": get_args(EmployeeNeedCategory),
}
NEED_STATUSES = {"open": "待办", "assigned": "办理中", "closed": "已办结"}
SETTLED_LEVELS = {
    "building": "楼宇",
    "business_community": "商务社区",
    "street": "街道",
    "district": "区级",
}
OFFER_KINDS = {"policy": "政策", "measure": "楼宇服务二十条", "venue": "场地", "service": "服务"}
