"""data_changes: an insert-only record of which tables each write statement touched, so a
cache (the vector tile cache, webmap/tile_cache.py) can tell whether a layer's data changed
since it computed a result. Triggers installed by geo/sql/definitions/60_changes.sql.

Revision ID: 0026
Revises: 0025
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "data_changes",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("table_name", sa.Text(), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_data_changes_table_name", "data_changes", ["table_name"])


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS install_change_triggers()")
    op.execute("DROP FUNCTION IF EXISTS data_version(text[])")
    op.execute("DROP FUNCTION IF EXISTS note_data_change() CASCADE")  # and its triggers
    op.execute("DELETE FROM sql_definitions WHERE name = '60_changes.sql'")
    op.drop_table("data_changes")
