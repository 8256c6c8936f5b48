"""The meetings domain's words: kinds, places, sides, topic classes, statuses, outcomes."""

from __future__ import annotations

from typing import Literal, get_args

# Deliberation (issue #17): meetings at a place, the sides that sit at them, the seeds' five
# topic classes plus 物业服务 and 其他, and how a meeting ends.
# 联席会议: the three parties' joint meeting (三方协同联席会议) at district, street or community
# level; 小哥治家会: the couriers' own, at a 小哥之家 (a facility)
# Each list is written once, as the type the API checks (webmap/api/meetings.py); the tuples
# are read from it.
MeetingKind = Literal[
    "红茶议事会", "小区说事亭", "三和楼事会", "专题议事会", "联席会议", "小哥治家会", "其他"
]
MeetingPlace = Literal[
    "compound",
    "residential_building",
    "open_block",
    "business_community",
    "building",
    "district",
    "street",
    "community",
    "facility",
]
TopicClass = Literal["设施维修", "垃圾分类", "消防安全", "环境整治", "街区发展", "物业服务", "其他"]
MEETING_KINDS: tuple[str, ...] = get_args(MeetingKind)
MEETING_PLACES: tuple[str, ...] = get_args(MeetingPlace)
THREE_PARTIES = ("residents_committee", "owners_committee", "property")  # 居委会、业委会、物业
# the meeting a place holds when a topic is proposed for it and none is scheduled
PLACE_MEETING_KINDS = {
    "compound": "小区说事亭",
    "residential_building": "三和楼事会",
    "open_block": "红茶议事会",
    "business_community": "专题议事会",
    "building": "专题议事会",
}
MEETING_SIDES = {
    "residents_committee": "居委会",
    "owners_committee": "业委会",
    "property": "物业",
    "residents": "居民代表",
    "merchants": "商户",
    "party_members": "党员",
    "departments": "部门",
}
TOPIC_CLASSES: tuple[str, ...] = get_args(TopicClass)
MEETING_STATUSES = {"scheduled": "待议", "decided": "已议定", "closed": "已落实"}
MEETING_OUTCOMES = {"agreed": "达成共识", "partly": "部分共识", "deferred": "暂缓再议"}
