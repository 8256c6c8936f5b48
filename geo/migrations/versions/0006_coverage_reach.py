"""coverage_reach: every compound's walking distance to each network node within 2 km, part of
the coverage_graph derived table; coverage_targets indexed in EPSG:4549 for straight lines

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "coverage_reach",
        sa.Column("node", sa.BigInteger(), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("cost", sa.REAL(), nullable=False),
        sa.PrimaryKeyConstraint("node", "pid"),
    )
    op.create_index(
        "ix_coverage_targets_m",
        "coverage_targets",
        [sa.text("ST_Transform(geom, 4549)")],
        postgresql_using="gist",
    )
    op.execute("UPDATE derived_tables SET stale = true WHERE name = 'coverage_graph'")


def downgrade() -> None:
    op.drop_index("ix_coverage_targets_m", "coverage_targets")
    op.drop_table("coverage_reach")
