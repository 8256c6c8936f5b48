"""Open blocks (开放式街区): their rules (一米红线, 门前三包), shops and stalls, the party members
who look after them (包干: "党员+商铺"), partner units (联建单位) and the members linked to them
("党员+联建单位"); the case categories that breach the rules (占道外摆, 门前三包)

Revision ID: 0024
Revises: 0023
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BREACHES = (
    ("outdoor_display", "占道外摆", "街面秩序", 24),
    ("frontage_duty", "门前三包", "街面秩序", 48),
)


def upgrade() -> None:
    op.add_column(
        "open_blocks",
        sa.Column("rules", sa.ARRAY(sa.Text()), server_default="{}", nullable=False),
    )
    op.create_table(
        "party_members",
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("org_code", sa.String(40), sa.ForeignKey("party_orgs.code"), nullable=False),
        sa.Column("mobile", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("phone", sa.Text(), nullable=True),
    )
    op.create_index("ix_party_members_org_code", "party_members", ["org_code"])
    op.create_table(
        "partner_units",
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column(
            "open_block_code", sa.String(32), sa.ForeignKey("open_blocks.code"), nullable=False
        ),
        sa.CheckConstraint(
            "kind IN ('派出所', '市场监管所', '执法中队', '其他')", name="ck_partner_units_kind"
        ),
    )
    op.create_table(
        "member_partners",
        sa.Column(
            "member_code",
            sa.String(40),
            sa.ForeignKey("party_members.code", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "partner_code",
            sa.String(40),
            sa.ForeignKey("partner_units.code", ondelete="CASCADE"),
            primary_key=True,
        ),
    )
    op.create_geospatial_table(
        "shops",
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column(
            "open_block_code", sa.String(32), sa.ForeignKey("open_blocks.code"), nullable=False
        ),
        sa.Column("kind", sa.Text(), server_default="shop", nullable=False),
        sa.Column("trade", sa.Text(), nullable=True),
        sa.Column(
            "member_code",
            sa.String(40),
            sa.ForeignKey("party_members.code", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("schematic", sa.Boolean(), server_default="false", nullable=False),
        sa.Column(
            "geom",
            Geometry(
                "POINT",
                srid=4326,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.CheckConstraint("kind IN ('shop', 'stall')", name="ck_shops_kind"),
    )
    op.create_index("ix_shops_open_block_code", "shops", ["open_block_code"])
    op.create_geospatial_index("ix_shops_geom", "shops", ["geom"], postgresql_using="gist")
    categories = sa.table(
        "categories",
        sa.column("code"),
        sa.column("name"),
        sa.column("group_name"),
        sa.column("sla_hours"),
    )
    op.bulk_insert(
        categories,
        [{"code": c, "name": n, "group_name": g, "sla_hours": h} for c, n, g, h in BREACHES],
    )


def downgrade() -> None:
    op.execute(
        "DELETE FROM categories WHERE code IN ('outdoor_display', 'frontage_duty') "
        "AND code NOT IN (SELECT category_code FROM cases)"
    )
    op.drop_geospatial_index(
        "ix_shops_geom", table_name="shops", postgresql_using="gist", column_name="geom"
    )
    op.drop_index("ix_shops_open_block_code", table_name="shops")
    op.drop_geospatial_table("shops")
    op.drop_table("member_partners")
    op.drop_table("partner_units")
    op.drop_table("party_members")
    op.drop_column("open_blocks", "rules")
