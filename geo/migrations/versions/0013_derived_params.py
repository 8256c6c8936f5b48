"""derived_tables.reach_m: how far the coverage tables were built (GRIDMAP_COVERAGE_REACH_M), so
coverage answers within what is stored and a changed setting rebuilds them

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("derived_tables", sa.Column("reach_m", sa.Float(), nullable=True))
    # What they were built with until now: the constant 2000 m.
    op.execute(
        "UPDATE derived_tables SET reach_m = 2000 "
        "WHERE name IN ('coverage_graph', 'facility_walks') AND NOT stale"
    )


def downgrade() -> None:
    op.drop_column("derived_tables", "reach_m")
