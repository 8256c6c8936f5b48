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

# A residential building's lifts (issue #17): none, added to an old building (加装电梯), or an
# old lift renewed (更新), each counted per lift (one per unit as a rule).
ELEVATOR_STATES = ("无", "加装", "更新")
