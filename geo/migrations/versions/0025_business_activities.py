"""A business community's founding date and its activities (沙龙, 培训, 政策宣讲 …), for the
figures of its first year (新天地: 286 disputes settled, 123 needs solved, 370 activities,
2,000 firms covered)

Revision ID: 0025
Revises: 0024
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("business_communities", sa.Column("established_on", sa.Date(), nullable=True))
    op.create_table(
        "business_activities",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column(
            "business_community_code",
            sa.String(32),
            sa.ForeignKey("business_communities.code", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('政策宣讲', '培训', '沙龙', '招聘', '联谊', '志愿服务', '其他')",
            name="ck_business_activities_kind",
        ),
    )
    op.create_index(
        "ix_business_activities_bc", "business_activities", ["business_community_code", "held_on"]
    )


def downgrade() -> None:
    op.drop_table("business_activities")
    op.drop_column("business_communities", "established_on")
