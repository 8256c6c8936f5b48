"""What the community can offer (社区所能), the third of the three lists: policy items, the
twenty building-service measures (楼宇服务二十条), venues and services, each answering a need
category, a venue or service with its place; a need records the offer that met it

Revision ID: 0023
Revises: 0022
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "offers",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("provider", sa.Text(), nullable=True),
        sa.Column("facility_code", sa.String(40), sa.ForeignKey("facilities.code"), nullable=True),
        sa.Column(
            "geom",
            Geometry(
                "POINT",
                srid=4326,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
            ),
            nullable=True,
        ),
        sa.CheckConstraint(
            "kind IN ('policy', 'measure', 'venue', 'service')", name="ck_offers_kind"
        ),
    )
    op.create_index("ix_offers_category", "offers", ["category"])
    op.create_index("ix_offers_geom", "offers", ["geom"], postgresql_using="gist")
    op.add_column(
        "needs", sa.Column("offer_id", sa.BigInteger(), sa.ForeignKey("offers.id"), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("needs", "offer_id")
    op.drop_table("offers")
