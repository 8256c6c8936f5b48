"""The category catalogue's two levels and the dispatch limit (issue #29): each category's 大类
code and its GB/T 30428.2 class code where it has one, a dispatch limit (派遣时限) beside the
handling limit, and on each case the dispatch due time and when it was last dispatched.

Revision ID: 0038
Revises: 0037
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0038"
down_revision: str | None = "0037"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The demo's categories by the 事件 major classes of GB/T 30428.2 (01 市容环境, 02 宣传广告,
# 03 施工管理, 04 突发事件, 05 街面秩序) and the district's own 基层治理 class (JC).
GROUPS = {
    "city_appearance": ("01", "市容环境类"),
    "advertising": ("02", "宣传广告类"),
    "construction": ("03", "施工管理类"),
    "emergency": ("04", "突发事件类"),
    "street_order": ("05", "街面秩序类"),
    "outdoor_display": ("05", "街面秩序类"),
    "frontage_duty": ("05", "街面秩序类"),
}
# dispatched within half an hour: emergencies, fire hazards and what moves on the street
URGENT = ("emergency", "fire_hazard", "street_order", "outdoor_display")


def upgrade() -> None:
    op.add_column("categories", sa.Column("group_code", sa.String(8), nullable=True))
    op.add_column("categories", sa.Column("national_code", sa.String(8), nullable=True))
    op.add_column(
        "categories",
        sa.Column("dispatch_hours", sa.Float(), server_default="1", nullable=False),
    )
    op.create_check_constraint(
        "ck_categories_dispatch_hours", "categories", "dispatch_hours > 0 AND dispatch_hours <= 720"
    )
    for code, (group, name) in GROUPS.items():
        op.execute(
            sa.text(
                "UPDATE categories SET group_code = :g, group_name = :n WHERE code = :c"
            ).bindparams(g=group, n=name, c=code)
        )
    op.execute("UPDATE categories SET group_code = 'JC' WHERE group_code IS NULL")
    op.alter_column("categories", "group_code", nullable=False)
    op.execute(
        sa.text("UPDATE categories SET dispatch_hours = 0.5 WHERE code = ANY(:c)").bindparams(
            c=list(URGENT)
        )
    )
    op.add_column("cases", sa.Column("dispatch_due_at", sa.DateTime(timezone=True)))
    op.add_column("cases", sa.Column("dispatched_at", sa.DateTime(timezone=True)))
    # the cases already held: their dispatch due time on their category's clock (when the
    # working-hours clock exists: on a new database it does not yet, and there are no cases),
    # and their last dispatch (a 'dispatch' step, else their first move to 'assigned')
    op.execute(
        """
        DO $$ BEGIN
        IF to_regprocedure('add_hours(timestamptz, double precision, boolean)') IS NOT NULL THEN
            EXECUTE 'UPDATE cases c SET dispatch_due_at = add_hours(c.created_at,
                         k.dispatch_hours, k.working_hours)
                     FROM categories k WHERE k.code = c.category_code';
        END IF;
        END $$
        """
    )
    op.execute(
        """
        UPDATE cases c SET dispatched_at = e.at
        FROM (SELECT case_id,
                     COALESCE(max(at) FILTER (WHERE kind = 'dispatch'),
                              min(at) FILTER (WHERE to_status = 'assigned')) AS at
              FROM case_events GROUP BY case_id) e
        WHERE e.case_id = c.id AND e.at IS NOT NULL
        """
    )


def downgrade() -> None:
    op.execute(
        sa.text(
            "UPDATE categories SET group_name = CASE WHEN code IN ('outdoor_display', "
            "'frontage_duty') THEN '街面秩序' ELSE 'GB/T 30428 事件' END WHERE code = ANY(:c)"
        ).bindparams(c=list(GROUPS))
    )
    op.drop_column("cases", "dispatched_at")
    op.drop_column("cases", "dispatch_due_at")
    op.drop_constraint("ck_categories_dispatch_hours", "categories")
    op.drop_column("categories", "dispatch_hours")
    op.drop_column("categories", "national_code")
    op.drop_column("categories", "group_code")
