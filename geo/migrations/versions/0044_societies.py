"""Residents' societies (群众性社团, issue #32): a register per compound and their activities.

Revision ID: 0044
Revises: 0043
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0044"
down_revision: str | None = "0043"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "societies",
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("compound_code", sa.String(32), sa.ForeignKey("compounds.code"), nullable=False),
        sa.Column("members", sa.Integer(), server_default="0", nullable=False),
        sa.Column("founded_on", sa.Date(), nullable=True),
        sa.Column("contact_name", sa.Text(), nullable=True),
        sa.Column("contact_phone", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('文体', '志愿', '互助', '议事', '其他')", name="ck_societies_kind"
        ),
        sa.CheckConstraint("members >= 0", name="ck_societies_members"),
    )
    op.create_index("ix_societies_compound_code", "societies", ["compound_code"])
    op.create_table(
        "society_activities",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column(
            "society_code",
            sa.String(40),
            sa.ForeignKey("societies.code", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=True),
    )
    op.create_index("ix_society_activities_society_code", "society_activities", ["society_code"])
    op.create_index("ix_society_activities_held_on", "society_activities", ["held_on"])


def downgrade() -> None:
    # the definition reading the tables goes with them, and is applied again after an upgrade
    op.execute("DROP VIEW IF EXISTS compound_indicators")
    op.execute("DELETE FROM sql_definitions WHERE name = '50_residential.sql'")
    op.drop_table("society_activities")
    op.drop_table("societies")
