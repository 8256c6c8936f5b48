"""compound_entrances: the gates of residential compounds (小区出入口); where a compound has
any, its residents reach the road network through them. coverage_graph gets a reverse_cost: a
compound's node can be walked into, never through (the coverage graph is rebuilt)

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STALE = """
CREATE TRIGGER compound_entrances_stale_graph
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON compound_entrances
    FOR EACH STATEMENT EXECUTE FUNCTION derived_stale('coverage_graph');
"""


def upgrade() -> None:
    op.create_table(
        "compound_entrances",
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column(
            "compound_code",
            sa.String(32),
            sa.ForeignKey("compounds.code", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.Text()),
        sa.Column("schematic", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("geom", Geometry("POINT", srid=4326, spatial_index=False), nullable=False),
    )
    op.create_index("ix_compound_entrances_compound_code", "compound_entrances", ["compound_code"])
    op.create_index(
        "ix_compound_entrances_geom", "compound_entrances", ["geom"], postgresql_using="gist"
    )
    op.execute(STALE)
    op.add_column("coverage_graph", sa.Column("reverse_cost", sa.Float()))
    op.execute("UPDATE derived_tables SET stale = true WHERE name = 'coverage_graph'")


def downgrade() -> None:
    op.execute("DROP TRIGGER compound_entrances_stale_graph ON compound_entrances")
    op.drop_table("compound_entrances")
    op.drop_column("coverage_graph", "reverse_cost")
    op.execute("UPDATE derived_tables SET stale = true WHERE name = 'coverage_graph'")
