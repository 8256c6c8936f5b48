"""The district's working clock as two derived tables (issue #31's speed): working seconds
before each day and, within a working day, before each second, so a month's evaluation counts
working hours by joins instead of a calendar walk per case. Filled and kept by
refresh_work_clock() (geo/cases/sql/definitions/68_working_hours.sql).

Revision ID: 0041
Revises: 0040
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0041"
down_revision: str | None = "0040"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "work_clock_days",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("working", sa.Boolean(), nullable=False),
        sa.Column("before_s", sa.Double(), nullable=False),
    )
    op.create_table(
        "work_clock_seconds",
        sa.Column("second", sa.Integer(), primary_key=True),
        sa.Column("working", sa.Boolean(), nullable=False),
        sa.Column("before_s", sa.Double(), nullable=False),
    )


def downgrade() -> None:
    # the definition filling the tables goes with them, and is applied again after an upgrade
    op.execute("DROP TRIGGER IF EXISTS work_clock_calendar ON calendar_days")
    op.execute("DROP TRIGGER IF EXISTS work_clock_periods ON work_periods")
    for fn in ("work_clock_changed", "refresh_work_clock", "refresh_work_clock_days"):
        op.execute(f"DROP FUNCTION IF EXISTS {fn}()")
    op.execute("DELETE FROM sql_definitions WHERE name = '68_working_hours.sql'")
    op.drop_table("work_clock_seconds")
    op.drop_table("work_clock_days")
