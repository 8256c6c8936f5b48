"""cases: one index (category_code, created_at) instead of two (category_code, and the same
pair for open cases only): it serves the duplicate check (a category's last 72 h) and the
Open311 filters alike, and a batch import maintains one index fewer

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_cases_open_category", "cases")
    op.drop_index("ix_cases_category_code", "cases")
    op.create_index("ix_cases_category_created", "cases", ["category_code", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_cases_category_created", "cases")
    op.create_index("ix_cases_category_code", "cases", ["category_code"])
    op.create_index(
        "ix_cases_open_category",
        "cases",
        ["category_code", "created_at"],
        postgresql_where=sa.text("status NOT IN ('resolved', 'closed', 'duplicate')"),
    )
