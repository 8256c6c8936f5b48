"""Patrols (巡查, issue #30): a grid worker's walks and their points, sent by the phone in
pieces.

Revision ID: 0039
Revises: 0038
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision: str = "0039"
down_revision: str | None = "0038"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "patrols",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column(
            "account_id",
            sa.Integer(),
            sa.ForeignKey("accounts.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("username", sa.Text(), nullable=False),
        sa.Column("grid_code", sa.Text(), nullable=True),
        sa.Column(
            "started_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("idempotency_key", sa.Text(), nullable=True),
    )
    op.create_index("ix_patrols_key", "patrols", ["account_id", "idempotency_key"], unique=True)
    op.create_index("ix_patrols_started_at", "patrols", ["started_at"])
    op.create_index("ix_patrols_grid_started", "patrols", ["grid_code", "started_at"])
    op.create_table(
        "patrol_points",
        sa.Column(
            "patrol_id",
            sa.BigInteger(),
            sa.ForeignKey("patrols.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("seq", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("geom", Geometry("POINT", srid=4326, spatial_index=False), nullable=False),
        sa.Column("accuracy_m", sa.Float(), nullable=True),
        sa.CheckConstraint("seq >= 0", name="ck_patrol_points_seq"),
        sa.CheckConstraint("accuracy_m >= 0", name="ck_patrol_points_accuracy"),
    )
    op.create_index("ix_patrol_points_geom", "patrol_points", ["geom"], postgresql_using="gist")


def downgrade() -> None:
    op.drop_table("patrol_points")
    op.drop_table("patrols")
