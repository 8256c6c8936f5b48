"""coverage_graph: the walking network split at every compound's snap point, kept between calls

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

# Any change to compounds or roads marks the stored graph stale; geo/network.py rebuilds it.
STALE = """
CREATE FUNCTION coverage_graph_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE coverage_graph_state SET stale = true WHERE NOT stale;
    RETURN NULL;
END $$;
CREATE TRIGGER compounds_stale_graph AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON compounds
    FOR EACH STATEMENT EXECUTE FUNCTION coverage_graph_stale();
CREATE TRIGGER road_edges_stale_graph AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON road_edges
    FOR EACH STATEMENT EXECUTE FUNCTION coverage_graph_stale();
"""


def upgrade() -> None:
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
        "coverage_graph_state",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("stale", sa.Boolean(), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("id = 1", name="ck_coverage_graph_state_one_row"),
    )
    op.execute("INSERT INTO coverage_graph_state (id, stale) VALUES (1, true)")
    op.execute(STALE)


def downgrade() -> None:
    op.execute("DROP TRIGGER road_edges_stale_graph ON road_edges")
    op.execute("DROP TRIGGER compounds_stale_graph ON compounds")
    op.execute("DROP FUNCTION coverage_graph_stale()")
    op.drop_table("coverage_graph_state")
    op.drop_table("coverage_targets")
    op.drop_table("coverage_graph")
