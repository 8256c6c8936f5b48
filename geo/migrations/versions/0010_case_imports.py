"""case_imports: the committed parts of each batch file, so a large file is imported in parts
(in parallel, each in its own transaction) and re-submitting it imports only what is missing;
cases lose ix_cases_street_code, which no query uses (the dashboard joins all cases by street)

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_imports",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("first_row", sa.Integer(), nullable=False),
        sa.Column("last_row", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Integer(), server_default="0", nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("digest", "first_row", name="uq_case_imports_part"),
    )
    op.drop_index("ix_cases_street_code", "cases")


def downgrade() -> None:
    op.create_index("ix_cases_street_code", "cases", ["street_code"])
    op.drop_table("case_imports")
