"""sql_definitions: which text of each repeatable SQL definitions file (geo/sql/definitions/,
functions and views that are code) is applied, so `gridmap migrate` re-applies a file when it
changes. The walking functions of 0007 are now defined there. grid_parts goes: the assignment
rule (geo/sql/assignment.sql) reads whole grids, for one point and for a set alike

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sql_definitions",
        sa.Column("name", sa.Text(), primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.execute("DROP TRIGGER grids_sync_parts ON grids")
    op.execute("DROP FUNCTION grid_parts_sync()")
    op.drop_table("grid_parts")


def downgrade() -> None:
    op.create_table(
        "grid_parts",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column(
            "grid_code",
            sa.String(15),
            sa.ForeignKey("grids.code", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("geom", Geometry("POLYGON", srid=4326, spatial_index=False), nullable=False),
    )
    op.create_index("ix_grid_parts_geom", "grid_parts", ["geom"], postgresql_using="gist")
    op.execute(
        """
CREATE FUNCTION grid_parts_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM grid_parts WHERE grid_code = OLD.code;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO grid_parts (grid_code, geom) SELECT NEW.code, ST_Subdivide(NEW.geom, 64);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER grids_sync_parts AFTER INSERT OR UPDATE OF code, geom OR DELETE ON grids
    FOR EACH ROW EXECUTE FUNCTION grid_parts_sync();
INSERT INTO grid_parts (grid_code, geom) SELECT code, ST_Subdivide(geom, 64) FROM grids;
"""
    )
    op.execute("DROP VIEW IF EXISTS zone_polygons")
    op.execute(
        "DROP FUNCTION IF EXISTS case_is_open(text), case_is_done(text), "
        "case_status_label(text), deg_box(float8)"
    )
    op.drop_table("sql_definitions")
