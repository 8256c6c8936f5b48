"""Residential buildings (楼幢) inside compounds, with units, floors, households, year built and
their lifts (none / added 加装 / renewed 更新, with the date); stairwell branches belong to a
residential building; a case records the residential building it fell in and that building's
stairwell branch.

Revision ID: 0018
Revises: 0017
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_AREAS = "('street', 'community', 'compound', 'business_community', 'building', 'open_block')"
NEW_AREAS = (
    "('street', 'community', 'compound', 'residential_building', 'business_community', "
    "'building', 'open_block')"
)


def upgrade() -> None:
    op.create_geospatial_table(
        "residential_buildings",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("compound_code", sa.String(length=32), nullable=False),
        sa.Column("units", sa.Integer(), nullable=True),
        sa.Column("floors", sa.Integer(), nullable=True),
        sa.Column("households", sa.Integer(), server_default="0", nullable=False),
        sa.Column("year_built", sa.Integer(), nullable=True),
        sa.Column("elevator", sa.Text(), server_default="无", nullable=False),
        sa.Column("elevators", sa.Integer(), server_default="0", nullable=False),
        sa.Column("elevator_date", sa.Date(), nullable=True),
        sa.Column("schematic", sa.Boolean(), server_default="false", nullable=False),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="MULTIPOLYGON",
                srid=4326,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.CheckConstraint("ST_IsValid(geom)", name="ck_residential_buildings_geom_valid"),
        sa.CheckConstraint("households >= 0", name="ck_residential_buildings_households"),
        sa.CheckConstraint(
            "elevator IN ('无', '加装', '更新')", name="ck_residential_buildings_elevator"
        ),
        sa.CheckConstraint(
            "(elevator = '无') = (elevators = 0)", name="ck_residential_buildings_elevators"
        ),
        sa.ForeignKeyConstraint(["compound_code"], ["compounds.code"]),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_index(
        "ix_residential_buildings_compound_code", "residential_buildings", ["compound_code"]
    )
    op.create_geospatial_index(
        "ix_residential_buildings_geom",
        "residential_buildings",
        ["geom"],
        postgresql_using="gist",
    )
    op.drop_constraint("ck_party_orgs_area_kind", "party_orgs")
    op.create_check_constraint("ck_party_orgs_area_kind", "party_orgs", f"area_kind IN {NEW_AREAS}")
    op.add_column("cases", sa.Column("residential_building_code", sa.Text()))
    op.add_column("cases", sa.Column("stairwell_branch_code", sa.Text()))


def downgrade() -> None:
    # the definition reading the table goes with it, and is applied again after an upgrade
    op.execute("DROP VIEW IF EXISTS compound_indicators")
    op.execute("DELETE FROM sql_definitions WHERE name = '50_residential.sql'")
    op.drop_column("cases", "stairwell_branch_code")
    op.drop_column("cases", "residential_building_code")
    op.execute("DELETE FROM party_orgs WHERE area_kind = 'residential_building'")
    op.drop_constraint("ck_party_orgs_area_kind", "party_orgs")
    op.create_check_constraint("ck_party_orgs_area_kind", "party_orgs", f"area_kind IN {OLD_AREAS}")
    op.drop_geospatial_index(
        "ix_residential_buildings_geom",
        table_name="residential_buildings",
        postgresql_using="gist",
        column_name="geom",
    )
    op.drop_index("ix_residential_buildings_compound_code", table_name="residential_buildings")
    op.drop_geospatial_table("residential_buildings")
