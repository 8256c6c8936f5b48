"""grid_parts (ST_Subdivide of grids, kept by trigger), api_keys, case due time and request hash

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Grids have hundreds of vertices; point-in-polygon on pieces of at most 64 is much faster.
# A point on a seam between two pieces of one grid hits both: callers count distinct codes.
SYNC = """
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
"""


def upgrade() -> None:
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
    op.execute(SYNC)
    op.execute(
        "INSERT INTO grid_parts (grid_code, geom) SELECT code, ST_Subdivide(geom, 64) FROM grids"
    )

    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), sa.Identity(), primary_key=True),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("worker_id", sa.String(32), sa.ForeignKey("workers.id", ondelete="SET NULL")),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
    )
    op.add_column("cases", sa.Column("due_at", sa.DateTime(timezone=True)))
    op.add_column("cases", sa.Column("request_hash", sa.String(64)))
    op.create_index(
        "ix_cases_open_category",
        "cases",
        ["category_code", "created_at"],
        postgresql_where=sa.text("status NOT IN ('resolved', 'closed', 'duplicate')"),
    )
    # Batch rows carry no key: a partial unique index costs them nothing. The open-case
    # index above serves status filters, so the plain status index goes.
    op.drop_constraint("cases_idempotency_key_key", "cases", type_="unique")
    op.create_index(
        "ix_cases_idempotency_key",
        "cases",
        ["idempotency_key"],
        unique=True,
        postgresql_where=sa.text("idempotency_key IS NOT NULL"),
    )
    op.drop_index("ix_cases_status", "cases")


def downgrade() -> None:
    op.create_index("ix_cases_status", "cases", ["status"])
    op.drop_index("ix_cases_idempotency_key", "cases")
    op.create_unique_constraint("cases_idempotency_key_key", "cases", ["idempotency_key"])
    op.drop_index("ix_cases_open_category", "cases")
    op.drop_column("cases", "request_hash")
    op.drop_column("cases", "due_at")
    op.drop_table("api_keys")
    op.execute("DROP TRIGGER grids_sync_parts ON grids")
    op.execute("DROP FUNCTION grid_parts_sync()")
    op.drop_table("grid_parts")
