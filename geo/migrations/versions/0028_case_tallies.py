"""case_tallies: the cockpit's running counts of cases (all, open, done, done in time) by
street, grid, zone and category, kept by triggers on cases (geo/sql/definitions/
66_case_tallies.sql), so the cockpit reads a few thousand rows instead of every case; partial
indexes on the open cases (due times for the overdue counts, places for the cases layer) and an
index on updated_at (the cases closed in the last 24 hours, also on the layer).

Revision ID: 0028
Revises: 0027
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028"
down_revision: str | None = "0027"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_tallies",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        # '' for none, so that a key is found by equality (ix_case_tallies_key)
        sa.Column("street_code", sa.String(9), nullable=False),
        sa.Column("grid_code", sa.String(15), nullable=False),
        sa.Column("zone_code", sa.Text(), nullable=False),
        sa.Column("category_code", sa.String(40), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("open", sa.BigInteger(), nullable=False),
        sa.Column("done", sa.BigInteger(), nullable=False),
        sa.Column("done_in_time", sa.BigInteger(), nullable=False),
    )
    op.create_index(
        "ix_case_tallies_key",
        "case_tallies",
        ["street_code", "grid_code", "zone_code", "category_code"],
    )
    op.create_index(
        "ix_cases_open_due",
        "cases",
        ["due_at"],
        postgresql_where=sa.text("status NOT IN ('resolved', 'closed', 'duplicate')"),
    )
    op.create_index(  # the cases layer (layers/sql/cases.sql): the open cases in a box …
        "ix_cases_open_geom",
        "cases",
        ["geom"],
        postgresql_using="gist",
        postgresql_where=sa.text("status NOT IN ('resolved', 'closed', 'duplicate')"),
    )
    op.create_index("ix_cases_updated_at", "cases", ["updated_at"])  # … and the just closed
    op.execute(
        """
        INSERT INTO case_tallies (street_code, grid_code, zone_code, category_code, total, open,
                                  done, done_in_time)
        SELECT COALESCE(street_code, ''), COALESCE(grid_code, ''), COALESCE(zone_code, ''),
               category_code, count(*),
               count(*) FILTER (WHERE status NOT IN ('resolved', 'closed', 'duplicate')),
               count(*) FILTER (WHERE status IN ('resolved', 'closed') AND closed_at IS NOT NULL),
               count(*) FILTER (WHERE status IN ('resolved', 'closed') AND closed_at <= due_at)
        FROM cases GROUP BY 1, 2, 3, 4
        """
    )


def downgrade() -> None:
    for fn in ("case_tallies_change", "case_tallies_truncate"):
        op.execute(f"DROP FUNCTION IF EXISTS {fn}() CASCADE")  # and their triggers
    op.execute("DROP FUNCTION IF EXISTS fold_case_tallies(bigint[])")
    op.execute("DROP FUNCTION IF EXISTS case_counts(text, timestamptz, timestamptz)")
    op.execute("DELETE FROM sql_definitions WHERE name = '66_case_tallies.sql'")
    op.drop_index("ix_cases_updated_at", table_name="cases")
    op.drop_index("ix_cases_open_geom", table_name="cases")
    op.drop_index("ix_cases_open_due", table_name="cases")
    op.drop_table("case_tallies")
