"""The desk's queues as indexes (issue #29): the cases waiting at the desk (待立案, 待派遣,
待核查, 挂账) and the supervised ones, newest first, so a queue's page reads its own rows and
not every case's.

Revision ID: 0037
Revises: 0036
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0037"
down_revision: str | None = "0036"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WAITING = "status IN ('reported', 'registered', 'returned', 'resolved', 'parked')"
# case_is_open(status) as it inlines, so that the queue's condition implies it
SUPERVISED = (
    "supervision_level IS NOT NULL AND status NOT IN ('resolved', 'closed', 'duplicate', 'refused')"
)


def upgrade() -> None:
    op.create_index(
        "ix_cases_desk_waiting", "cases", ["created_at"], postgresql_where=sa.text(WAITING)
    )
    op.create_index(  # open ones: a supervised case stays supervised once closed
        "ix_cases_desk_supervised",
        "cases",
        ["created_at"],
        postgresql_where=sa.text(SUPERVISED),
    )


def downgrade() -> None:
    op.drop_index("ix_cases_desk_supervised", table_name="cases")
    op.drop_index("ix_cases_desk_waiting", table_name="cases")
