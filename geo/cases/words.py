"""The case workflow's words: handling units' kinds, who takes which category by default, and
the notices the steps write."""

from __future__ import annotations

from typing import Literal, get_args

UnitKind = Literal[
    "street_office", "community_office", "grid", "department", "utility", "partner", "property"
]
UNIT_KINDS: tuple[str, ...] = get_args(UnitKind)
UNIT_KIND_LABELS = {
    "street_office": "街道办事处",
    "community_office": "社区居委会",
    "grid": "网格",
    "department": "职能部门",
    "utility": "公用事业单位",
    "partner": "联建单位",
    "property": "物业公司",
    "three_party_office": "三方办",
}
# The marks a unit's code ends in, after the code of the area it serves (U + area + mark):
# each street has its 执法中队 (CG), 市场监管所 (SJ) and 派出所 (PCS); the district its
# utilities (SW 水务, DL 电力, RQ 燃气); a grid's unit is its worker's (WG), a compound's its
# property company (WY), a street's and community's their offices (JD, SQ).
UNIT_MARKS = {
    "CG": ("department", "综合行政执法中队"),
    "SJ": ("department", "市场监督管理所"),
    "PCS": ("department", "派出所"),
    "SW": ("utility", "水务集团"),
    "DL": ("utility", "供电公司"),
    "RQ": ("utility", "燃气集团"),
    "JD": ("street_office", "街道办事处"),
    "SQ": ("community_office", "社区居委会"),
    "WG": ("grid", "网格"),
    "WY": ("property", "物业"),
    "SF": ("three_party_office", "三方办"),  # 区、街、社三级 (the seed): at each level's area
}
# An open block's partner units (partner_units, 联建单位) as units: their kinds' marks.
PARTNER_MARKS = {"执法中队": "CG", "市场监管所": "SJ", "派出所": "PCS"}

NoticeKind = Literal[
    "dispatched", "returned", "resolved", "rework", "supervised", "warning", "extension"
]
NOTICE_LABELS = {
    "dispatched": "新派遣案件",
    "returned": "案件被退回",
    "resolved": "案件待核查",
    "rework": "核查未通过，需返工",
    "supervised": "案件被督办",
    "warning": "案件时限预警",
    "extension": "延期申请",
    "early_warning": "事件预警",  # geo/evaluation/warnings.py: to the offices, not of one case
}
# A case's trail: what each kind of event is called (a transition by the status it reached)
EVENT_LABELS = {
    "created": "上报",
    "dispatch": "派遣",
    "verify": "核查",
    "supervise": "督办",
    "extension": "申请延期",
    "extension_decision": "延期审批",
    "agenda": "提交议事",
}
# The photos' stages
# A case's source when a grid worker reported it themselves (主动发现, found on the round):
# the demo's patrol finds, and every report a grid worker's account files
FOUND_BY_WORKER = "worker_patrol"
STAGE_LABELS = {"report": "上报照片", "handling": "处置照片", "verify": "核查照片"}
# The warning notices' levels (geo/cases/notices.py write_warnings)
WARNING_LABELS = {"yellow": "黄灯：案件即将超时", "red": "红灯：案件已超时"}
