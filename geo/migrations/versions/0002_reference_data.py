"""reference data: case categories and facility kinds

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# GB/T 30428 event classes, then the governance cases the district handles; SLA in hours.
CATEGORIES = [
    ("city_appearance", "市容环境", "GB/T 30428 事件", 24),
    ("advertising", "宣传广告", "GB/T 30428 事件", 48),
    ("construction", "施工管理", "GB/T 30428 事件", 48),
    ("street_order", "街面秩序", "GB/T 30428 事件", 12),
    ("emergency", "突发事件", "GB/T 30428 事件", 2),
    ("dispute", "矛盾纠纷", "基层治理", 72),
    ("parking", "停车管理", "基层治理", 24),
    ("cooking_fumes", "油烟扰民", "基层治理", 72),
    ("facility_repair", "设施维修", "基层治理", 72),
    ("property_service", "物业服务", "基层治理", 120),
    ("noise", "噪声扰民", "基层治理", 24),
    ("fire_hazard", "消防隐患", "基层治理", 12),
]
FACILITY_KINDS = [
    ("party_service_centre", "党群服务中心"),
    ("building_station", "楼宇服务站"),
    ("courier_post", "小哥驿站"),
    ("canteen", "社区食堂"),
    ("sports_room", "文体活动室"),
    ("reading_room", "城市书房"),
]


def upgrade() -> None:
    categories = sa.table(
        "categories",
        sa.column("code"),
        sa.column("name"),
        sa.column("group_name"),
        sa.column("sla_hours"),
    )
    op.bulk_insert(
        categories,
        [{"code": c, "name": n, "group_name": g, "sla_hours": h} for c, n, g, h in CATEGORIES],
    )
    kinds = sa.table("facility_kinds", sa.column("code"), sa.column("name"))
    op.bulk_insert(kinds, [{"code": c, "name": n} for c, n in FACILITY_KINDS])


def downgrade() -> None:
    # Rows still referenced by data stay; the tables themselves go with revision 0001.
    op.execute("DELETE FROM facility_kinds WHERE code NOT IN (SELECT kind FROM facilities)")
    op.execute("DELETE FROM categories WHERE code NOT IN (SELECT category_code FROM cases)")
