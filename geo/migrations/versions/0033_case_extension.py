"""延期 (issue #29): the hours a unit asked more for a case, waiting for the dispatcher's answer.

Revision ID: 0033
Revises: 0032
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0033"
down_revision: str | None = "0032"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("cases", sa.Column("extension_hours", sa.Float(), nullable=True))


def downgrade() -> None:
    op.drop_column("cases", "extension_hours")
