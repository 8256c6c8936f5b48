"""The firm register (企业): a firm per 统一社会信用代码 in a business building, with its
industry, employees, key-taxpayer flag (重点税源) and registered capital (万元)

Revision ID: 0021
Revises: 0020
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "firms",
        sa.Column("code", sa.String(18), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("building_code", sa.String(32), sa.ForeignKey("buildings.code"), nullable=False),
        sa.Column("industry", sa.Text(), nullable=True),
        sa.Column("employees", sa.Integer(), nullable=True),
        sa.Column("key_taxpayer", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("registered_capital", sa.Numeric(14, 2), nullable=True),
        sa.Column("schematic", sa.Boolean(), server_default="false", nullable=False),
        sa.CheckConstraint("code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'", name="ck_firms_code"),
        sa.CheckConstraint("employees >= 0", name="ck_firms_employees"),
    )
    op.create_index("ix_firms_building_code", "firms", ["building_code"])


def downgrade() -> None:
    op.drop_table("firms")
