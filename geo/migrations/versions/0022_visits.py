"""Visits to firms with the least disturbance (扫楼跑企): departments' visit requests, the visits
they are merged into (one per firm and overlapping window, at most one non-urgent visit per
firm in the gap), each with the commissioner it goes to and its day; the needs found (企业所需,
职工所盼) on the three lists with the level where they were settled

Revision ID: 0022
Revises: 0021
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEPARTMENTS = ("市场监管", "税务", "人社", "统计", "商务", "科技", "经信", "消防", "其他")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


ROLES = (
    "admin",
    "command",
    "street",
    "community",
    "grid_worker",
    "compound_commissioner",
    "building_commissioner",
    "planner",
)


def upgrade() -> None:
    # departments (市场监管, 税务 …) file visit requests: a role of their own
    op.drop_constraint("ck_accounts_role", "accounts")
    op.create_check_constraint("ck_accounts_role", "accounts", _in("role", (*ROLES, "department")))
    op.create_table(
        "visits",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("firm_code", sa.String(18), sa.ForeignKey("firms.code"), nullable=False),
        sa.Column("commissioner_id", sa.Integer(), sa.ForeignKey("accounts.id"), nullable=False),
        sa.Column("visit_on", sa.Date(), nullable=False),
        sa.Column("window_start", sa.Date(), nullable=False),
        sa.Column("window_end", sa.Date(), nullable=False),
        sa.Column("urgent", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("status", sa.Text(), server_default="planned", nullable=False),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("status IN ('planned', 'done', 'cancelled')", name="ck_visits_status"),
        sa.CheckConstraint("visit_on BETWEEN window_start AND window_end", name="ck_visits_window"),
    )
    op.create_index("ix_visits_firm_code", "visits", ["firm_code"])
    op.create_index("ix_visits_commissioner_day", "visits", ["commissioner_id", "visit_on"])
    op.create_table(
        "visit_requests",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("firm_code", sa.String(18), sa.ForeignKey("firms.code"), nullable=False),
        sa.Column("department", sa.Text(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("earliest", sa.Date(), nullable=False),
        sa.Column("latest", sa.Date(), nullable=False),
        sa.Column("urgent", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("visit_id", sa.BigInteger(), sa.ForeignKey("visits.id"), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint(_in("department", DEPARTMENTS), name="ck_visit_requests_department"),
        sa.CheckConstraint("latest >= earliest", name="ck_visit_requests_window"),
    )
    op.create_index("ix_visit_requests_visit_id", "visit_requests", ["visit_id"])
    op.create_table(
        "needs",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("firm_code", sa.String(18), sa.ForeignKey("firms.code"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("visit_id", sa.BigInteger(), sa.ForeignKey("visits.id"), nullable=True),
        sa.Column("status", sa.Text(), server_default="open", nullable=False),
        sa.Column("assignee", sa.Text(), nullable=True),
        sa.Column("settled_level", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("kind IN ('firm', 'employee')", name="ck_needs_kind"),
        sa.CheckConstraint("status IN ('open', 'assigned', 'closed')", name="ck_needs_status"),
        sa.CheckConstraint(
            "settled_level IS NULL OR settled_level IN "
            "('building', 'business_community', 'street', 'district')",
            name="ck_needs_settled_level",
        ),
        sa.CheckConstraint(
            "(status = 'closed') = (settled_level IS NOT NULL)", name="ck_needs_closed_level"
        ),
    )
    op.create_index("ix_needs_firm_code", "needs", ["firm_code"])


def downgrade() -> None:
    op.execute("DELETE FROM accounts WHERE role = 'department'")
    op.drop_constraint("ck_accounts_role", "accounts")
    op.create_check_constraint("ck_accounts_role", "accounts", _in("role", ROLES))
    op.drop_table("needs")
    op.drop_table("visit_requests")
    op.drop_table("visits")
