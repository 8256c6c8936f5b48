"""The case clock's pause (issue #29): when a case's clock stopped — parked (挂账) or an
extension (延期) waiting for its answer — so that it restarts by the working time that passed.

Revision ID: 0036
Revises: 0035
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0036"
down_revision: str | None = "0035"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("cases", sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True))
    # cases parked or waiting on an extension today: paused since they were
    op.execute(
        """
        UPDATE cases c SET paused_at = e.at
        FROM (SELECT case_id, max(at) AS at FROM case_events
              WHERE to_status = 'parked' OR kind = 'extension' GROUP BY case_id) e
        WHERE e.case_id = c.id AND (c.status = 'parked' OR c.extension_hours IS NOT NULL)
        """
    )


def downgrade() -> None:
    op.drop_column("cases", "paused_at")
