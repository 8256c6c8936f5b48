"""walking_areas: each facility's walking area at the planner's distances, a derived table
(geo/walking_areas.py) so the planner's options answer without a network search

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "walking_areas",
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("code", sa.String(40), nullable=False),
        sa.Column("threshold_m", sa.Float(), nullable=False),
        sa.Column("geom", Geometry("MULTIPOLYGON", srid=4326, spatial_index=False), nullable=False),
        sa.Column("reached_m", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "threshold_m", "code"),
    )
    op.create_index("ix_walking_areas_geom", "walking_areas", ["geom"], postgresql_using="gist")
    op.execute(
        "CREATE TRIGGER facilities_stale_areas AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
        "ON facilities FOR EACH STATEMENT EXECUTE FUNCTION derived_stale('walking_areas')"
    )
    op.execute("INSERT INTO derived_tables (name, stale) VALUES ('walking_areas', true)")


def downgrade() -> None:
    op.execute("DELETE FROM derived_tables WHERE name = 'walking_areas'")
    op.execute("DROP TRIGGER facilities_stale_areas ON facilities")
    op.drop_table("walking_areas")
