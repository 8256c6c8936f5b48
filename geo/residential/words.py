"""The residential domain's words: a compound's three parties (三方协同) and its lifts."""

from __future__ import annotations

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

# A residential building's lifts (issue #17, #32), each counted per lift: none (a walk-up), the
# lifts it was built with (原有: every building of WALKUP_FLOORS floors or more has them, GB
# 50096), those renewed (更新, where lifts were), or one added to a walk-up (加装电梯).
ELEVATOR_STATES = ("无", "原有", "加装", "更新")
WALKUP_FLOORS = 7

# Residents' societies (群众性社团, issue #32): the kinds a register files them under.
SOCIETY_KINDS = ("文体", "志愿", "互助", "议事", "其他")

# The 三方协同 indicators (geo/residential/three_parties.py's keys) and their labels, as the API
# gives them and the pages show them. The published rate is the combined one: 业委会 or 物管委
# formed (92 % in the earlier article, 97 % in the later, both "业委会（物管会/物管委）" rates);
# the 业委会-only share is the platform's own breakdown, labelled so.
INDICATOR_LABELS = {
    "committee_formation": "业委会（物管委）综合组建率",
    "owners_committee": "其中业委会（平台细分，非公布口径）",
    "party_branch_coverage": "小区党支部覆盖率",
    "stairwell_branch_coverage": "楼道党支部（每幢）",
    "commissioner_coverage": "一小区一专员覆盖率",
    "society_coverage": "有群众性社团的小区",
    "property_coverage_old": "老旧小区物业覆盖率",
    "service_level_old": "老旧小区物业服务达标率",
    "elevators_added": "加装电梯（每多层单元）",
    "elevators_renewed": "更新电梯（占原有电梯）",
    "reelections_due": "90天内换届",
    "open_cases_per_100_households": "每百户在办案件",
}
