"""The open blocks' words: partner units, shops and stalls, the blocks' rules, activities."""

from __future__ import annotations

# Open blocks (issue #18): partner units (联建单位), shops or stalls, the rules a block's shops
# agree, and the case categories that breach them.
PARTNER_KINDS = ("派出所", "市场监管所", "执法中队", "其他")
SHOP_KINDS = {"shop": "商铺", "stall": "摊位"}
BLOCK_RULES = {"一米红线": ("outdoor_display",), "门前三包": ("frontage_duty",)}
# every category that breaches a rule (SQL: block_breach_categories(), sql/definitions/)
BREACH_CATEGORIES = tuple(c for cs in BLOCK_RULES.values() for c in cs)
ACTIVITY_KINDS = ("政策宣讲", "培训", "沙龙", "招聘", "联谊", "志愿服务", "其他")
