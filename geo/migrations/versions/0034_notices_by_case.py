"""notices by case and kind: the warning pass (ops/notify.py) writes a case's yellow and red
notice once, looking for the ones it wrote.

Revision ID: 0034
Revises: 0033
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0034"
down_revision: str | None = "0033"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_notices_case_kind", "notices", ["case_id", "kind"])


def downgrade() -> None:
    op.drop_index("ix_notices_case_kind", "notices")
