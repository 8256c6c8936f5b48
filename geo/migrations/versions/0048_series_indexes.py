"""Indexes for the trends (geo/evaluation/sql/series.sql): the cases closed in a window, by
their closing time, and those closed after their due time, by it. Without them the series'
closed and overdue counts read every month partition in full (at 10⁷ cases, 3 s).

Revision ID: 0048
Revises: 0047
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0048"
down_revision: str | None = "0047"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("CREATE INDEX ix_cases_closed_at ON cases (closed_at) WHERE status = 'closed'")
    op.execute(
        "CREATE INDEX ix_cases_late_due ON cases (due_at) "
        "WHERE status = 'closed' AND closed_at > due_at"
    )


def downgrade() -> None:
    op.execute("DROP INDEX ix_cases_late_due")
    op.execute("DROP INDEX ix_cases_closed_at")
