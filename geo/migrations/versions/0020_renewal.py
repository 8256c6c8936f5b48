"""Renewal (有机更新) projects: a compound's buildings in scope with their households, one
representative per building (一楼幢一代表) and the work group (工作组) that serves it, and a
dated signing record per household (a room, no personal name)

Revision ID: 0020
Revises: 0019
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "renewal_projects",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("compound_code", sa.String(32), sa.ForeignKey("compounds.code"), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("mobilised_on", sa.Date(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("mobilised_on >= started_on", name="ck_renewal_projects_dates"),
    )
    op.create_index("ix_renewal_projects_compound_code", "renewal_projects", ["compound_code"])
    op.create_table(
        "renewal_buildings",
        sa.Column(
            "project_id",
            sa.BigInteger(),
            sa.ForeignKey("renewal_projects.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "building_code",
            sa.String(40),
            sa.ForeignKey("residential_buildings.code"),
            primary_key=True,
        ),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("representative", sa.Text(), nullable=True),
        sa.Column("group_name", sa.Text(), nullable=True),
        sa.CheckConstraint("households >= 0", name="ck_renewal_buildings_households"),
    )
    op.create_table(
        "renewal_signings",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("project_id", sa.BigInteger(), nullable=False),
        sa.Column("building_code", sa.String(40), nullable=False),
        sa.Column("household", sa.Text(), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id", "building_code"],
            ["renewal_buildings.project_id", "renewal_buildings.building_code"],
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint(
            "project_id", "building_code", "household", name="uq_renewal_signings_household"
        ),
    )


def downgrade() -> None:
    op.drop_table("renewal_signings")
    op.drop_table("renewal_buildings")
    op.drop_table("renewal_projects")
