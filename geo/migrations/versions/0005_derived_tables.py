"""derived tables: coverage_graph (the walking network split where each compound joins it) and
grid_slivers (where grid interiors overlap), kept between calls and marked stale by triggers

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A change to the tables a derived table is built from marks it stale; geo/derived.py rebuilds.
STALE = """
CREATE FUNCTION derived_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE derived_tables SET stale = true WHERE name = TG_ARGV[0] AND NOT stale;
    RETURN NULL;
END $$;
CREATE TRIGGER compounds_stale_graph AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON compounds
    FOR EACH STATEMENT EXECUTE FUNCTION derived_stale('coverage_graph');
CREATE TRIGGER road_edges_stale_graph AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON road_edges
    FOR EACH STATEMENT EXECUTE FUNCTION derived_stale('coverage_graph');
CREATE TRIGGER grids_stale_slivers AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON grids
    FOR EACH STATEMENT EXECUTE FUNCTION derived_stale('grid_slivers');
"""


def upgrade() -> None:
    op.create_table(
        "derived_tables",
        sa.Column("name", sa.Text(), primary_key=True),
        sa.Column("stale", sa.Boolean(), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True)),
    )
    op.execute(
        "INSERT INTO derived_tables (name, stale) VALUES ('coverage_graph', true), "
        "('grid_slivers', true)"
    )
    op.create_table(
        "coverage_graph",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("source", sa.BigInteger(), nullable=False),
        sa.Column("target", sa.BigInteger(), nullable=False),
        sa.Column("cost", sa.Float(), nullable=False),
        sa.Column("edge_id", sa.BigInteger()),
        sa.Column("f0", sa.Float()),
        sa.Column("f1", sa.Float()),
    )
    op.create_index("ix_coverage_graph_edge_id", "coverage_graph", ["edge_id"])
    op.create_table(
        "coverage_targets",
        sa.Column("pid", sa.BigInteger(), primary_key=True),
        sa.Column("ref", sa.Text(), nullable=False, unique=True),
        sa.Column("geom", Geometry("POINT", srid=4326, spatial_index=False), nullable=False),
    )
    op.create_index(
        "ix_coverage_targets_geom", "coverage_targets", ["geom"], postgresql_using="gist"
    )
    op.create_table(
        "grid_slivers",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column("code", sa.String(15), nullable=False),
        sa.Column("other", sa.String(15), nullable=False),
        sa.Column("geom", Geometry("GEOMETRY", srid=4326, spatial_index=False), nullable=False),
    )
    op.create_index("ix_grid_slivers_geom", "grid_slivers", ["geom"], postgresql_using="gist")
    op.execute(STALE)


def downgrade() -> None:
    op.execute("DROP TRIGGER grids_stale_slivers ON grids")
    op.execute("DROP TRIGGER road_edges_stale_graph ON road_edges")
    op.execute("DROP TRIGGER compounds_stale_graph ON compounds")
    op.execute("DROP FUNCTION derived_stale()")
    op.drop_table("grid_slivers")
    op.drop_table("coverage_targets")
    op.drop_table("coverage_graph")
    op.drop_table("derived_tables")
