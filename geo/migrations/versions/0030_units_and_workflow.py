"""The case workflow of a command centre (issue #29): handling units (处置单位) that cases are
dispatched to, the steps' state on each case (its unit, rework count, 督办, 挂账), two more
statuses (registered 已立案, refused 不予立案, parked 挂账), and the notices each step writes
(an outbox that is also every account's and unit's inbox).

Revision ID: 0030
Revises: 0029
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0030"
down_revision: str | None = "0029"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = "'reported', 'assigned', 'accepted', 'resolved', 'closed', 'returned', 'duplicate'"
NEW = OLD + ", 'registered', 'refused', 'parked'"
ROLES = (
    "'admin', 'command', 'street', 'community', 'grid_worker', 'compound_commissioner', "
    "'building_commissioner', 'planner', 'department'"
)
AREAS = "'district', 'street', 'community', 'grid', 'compound', 'business_community', 'building'"
KINDS = (
    "'street_office', 'community_office', 'grid', 'department', 'utility', 'partner', 'property'"
)


def upgrade() -> None:
    op.create_table(
        "units",
        sa.Column("code", sa.Text(), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("area_code", sa.Text(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(f"kind IN ({KINDS})", name="ck_units_kind"),
        sa.CheckConstraint("code ~ '^U[0-9A-Z]{2,31}$'", name="ck_units_code"),
    )
    op.create_index("ix_units_area_code", "units", ["area_code"])
    op.drop_constraint("ck_account_areas_kind", "account_areas", type_="check")
    op.create_check_constraint(
        "ck_account_areas_kind", "account_areas", f"kind IN ({AREAS}, 'unit')"
    )
    op.drop_constraint("ck_accounts_role", "accounts", type_="check")
    op.create_check_constraint("ck_accounts_role", "accounts", f"role IN ({ROLES}, 'inspector')")
    op.drop_constraint("ck_cases_status", "cases", type_="check")
    op.create_check_constraint("ck_cases_status", "cases", f"status IN ({NEW})")
    op.add_column("cases", sa.Column("unit_code", sa.Text(), nullable=True))
    op.add_column(
        "cases", sa.Column("rework_count", sa.Integer(), server_default="0", nullable=False)
    )
    op.add_column("cases", sa.Column("supervision_level", sa.SmallInteger(), nullable=True))
    op.add_column("cases", sa.Column("supervision_due", sa.DateTime(timezone=True), nullable=True))
    op.add_column("cases", sa.Column("parked_reason", sa.Text(), nullable=True))
    op.add_column("cases", sa.Column("parked_review_on", sa.Date(), nullable=True))
    op.create_index("ix_cases_unit_code", "cases", ["unit_code"])
    op.create_table(
        "notices",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("account_id", sa.BigInteger(), nullable=True),
        sa.Column("unit_code", sa.Text(), nullable=True),
        sa.Column("case_id", sa.BigInteger(), nullable=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("body", postgresql.JSONB(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "account_id IS NOT NULL OR unit_code IS NOT NULL", name="ck_notices_addressee"
        ),
    )
    op.create_index("ix_notices_account", "notices", ["account_id", "read_at"])
    op.create_index("ix_notices_unit", "notices", ["unit_code", "read_at"])
    op.create_table(
        "webhooks",
        sa.Column("id", sa.Integer(), sa.Identity(), primary_key=True),
        sa.Column("url", sa.Text(), nullable=False, unique=True),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "notice_deliveries",
        sa.Column("notice_id", sa.BigInteger(), primary_key=True),
        sa.Column("webhook_id", sa.Integer(), primary_key=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "next_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["notice_id"], ["notices.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["webhook_id"], ["webhooks.id"], ondelete="CASCADE"),
    )
    op.create_index(
        "ix_notice_deliveries_due",
        "notice_deliveries",
        ["webhook_id", "next_at"],
        postgresql_where=sa.text("delivered_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_table("notice_deliveries")
    op.drop_table("webhooks")
    op.drop_table("notices")
    op.drop_index("ix_cases_unit_code", "cases")
    for column in (
        "parked_review_on",
        "parked_reason",
        "supervision_due",
        "supervision_level",
        "rework_count",
        "unit_code",
    ):
        op.drop_column("cases", column)
    op.execute(
        "UPDATE cases SET status = CASE status WHEN 'registered' THEN 'reported' "
        "WHEN 'parked' THEN 'reported' WHEN 'refused' THEN 'duplicate' ELSE status END "
        "WHERE status IN ('registered', 'refused', 'parked')"
    )
    op.drop_constraint("ck_cases_status", "cases", type_="check")
    op.create_check_constraint("ck_cases_status", "cases", f"status IN ({OLD})")
    op.execute("DELETE FROM account_areas WHERE kind = 'unit'")
    op.execute("UPDATE accounts SET disabled_at = now(), role = 'command' WHERE role = 'inspector'")
    op.drop_constraint("ck_accounts_role", "accounts", type_="check")
    op.create_check_constraint("ck_accounts_role", "accounts", f"role IN ({ROLES})")
    op.drop_constraint("ck_account_areas_kind", "account_areas", type_="check")
    op.create_check_constraint("ck_account_areas_kind", "account_areas", f"kind IN ({AREAS})")
    op.drop_table("units")
