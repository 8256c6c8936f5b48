"""Couriers as the district's eyes (issue #32): the `rider` role; riders registered by their
驿站 (a courier post); the points their accepted reports earn, redeemed at a 驿站; 小哥之家 as a
facility kind; the services a facility offers.

Revision ID: 0047
Revises: 0046
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0047"
down_revision: str | None = "0046"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = (
    "'admin', 'command', 'street', 'community', 'grid_worker', 'compound_commissioner', "
    "'building_commissioner', 'planner', 'department', 'inspector'"
)


def upgrade() -> None:
    op.drop_constraint("ck_accounts_role", "accounts", type_="check")
    op.create_check_constraint("ck_accounts_role", "accounts", f"role IN ({ROLES}, 'rider')")
    op.execute(
        "INSERT INTO facility_kinds (code, name) VALUES ('courier_home', '小哥之家') "
        "ON CONFLICT DO NOTHING"
    )
    op.add_column(
        "facilities",
        sa.Column(
            "services",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'::text[]"),
            nullable=False,
        ),
    )
    op.create_table(
        "riders",
        sa.Column(
            "account_id",
            sa.Integer(),
            sa.ForeignKey("accounts.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("post_code", sa.String(40), sa.ForeignKey("facilities.code"), nullable=False),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column(
            "registered_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
    )
    op.create_index("ix_riders_post_code", "riders", ["post_code"])
    op.create_table(
        "rider_redemptions",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column(
            "account_id",
            sa.Integer(),
            sa.ForeignKey("riders.account_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("post_code", sa.String(40), sa.ForeignKey("facilities.code"), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("item", sa.Text(), nullable=False),
        sa.Column("by", sa.Text(), nullable=False),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.CheckConstraint("points > 0", name="ck_rider_redemptions_points"),
    )
    op.create_index("ix_rider_redemptions_account_id", "rider_redemptions", ["account_id"])


def downgrade() -> None:
    op.drop_table("rider_redemptions")
    op.drop_table("riders")
    op.drop_column("facilities", "services")
    op.execute("DELETE FROM facilities WHERE kind = 'courier_home'")
    op.execute("DELETE FROM facility_kinds WHERE code = 'courier_home'")
    op.execute("DELETE FROM accounts WHERE role = 'rider'")
    op.drop_constraint("ck_accounts_role", "accounts", type_="check")
    op.create_check_constraint("ck_accounts_role", "accounts", f"role IN ({ROLES})")
