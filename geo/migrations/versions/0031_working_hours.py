"""Time limits on the district's calendar (issue #29): working days and hours, public holidays
and make-up working days (calendar_days, loaded per year; weekdays work, weekends rest unless a
day says otherwise), the working periods of a day (work_periods: 08:30-12:00, 13:30-17:30 by
default), whether a category's limit counts working or calendar hours, and each case's warning
time (warn_at: 80 % of its limit, on the same clock as its due time).

Revision ID: 0031
Revises: 0030
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calendar_days",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("working", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
    )
    op.create_table(
        "work_periods",
        sa.Column("id", sa.Integer(), sa.Identity(), primary_key=True),
        sa.Column("starts", sa.Time(), nullable=False),
        sa.Column("ends", sa.Time(), nullable=False),
        sa.CheckConstraint("starts < ends", name="ck_work_periods_order"),
    )
    op.execute(
        "INSERT INTO work_periods (starts, ends) VALUES ('08:30', '12:00'), ('13:30', '17:30')"
    )
    op.add_column(
        "categories",
        sa.Column("working_hours", sa.Boolean(), server_default="false", nullable=False),
    )
    op.add_column("cases", sa.Column("warn_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE cases SET warn_at = created_at + (due_at - created_at) * 0.8 "
        "WHERE due_at IS NOT NULL"
    )


def downgrade() -> None:
    op.drop_column("cases", "warn_at")
    op.drop_column("categories", "working_hours")
    op.drop_table("work_periods")
    op.drop_table("calendar_days")
