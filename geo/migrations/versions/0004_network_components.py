"""road_edges: connected component and main-network flag

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("road_edges", sa.Column("component", sa.BigInteger()))
    op.add_column(
        "road_edges", sa.Column("main", sa.Boolean(), server_default="true", nullable=False)
    )
    # Snapping looks only at the main network.
    op.create_index(
        "ix_road_edges_main_geom",
        "road_edges",
        ["geom"],
        postgresql_using="gist",
        postgresql_where=sa.text("main"),
    )


def downgrade() -> None:
    op.drop_index("ix_road_edges_main_geom", "road_edges")
    op.drop_column("road_edges", "main")
    op.drop_column("road_edges", "component")
