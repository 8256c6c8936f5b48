"""The walking graph (coverage_graph) goes stale when a compound's place or households change,
not when its three parties, commissioner or other attributes do: a commissioner named for every
compound (issue #32) or a 业委会 edited no longer sets the planner's coverage rebuilding.

Revision ID: 0043
Revises: 0042
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0043"
down_revision: str | None = "0042"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("DROP TRIGGER compounds_stale_graph ON compounds")
    op.execute(
        "CREATE TRIGGER compounds_stale_graph "
        "AFTER INSERT OR UPDATE OF code, geom, households OR DELETE OR TRUNCATE ON compounds "
        "FOR EACH STATEMENT EXECUTE FUNCTION derived_stale('coverage_graph')"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER compounds_stale_graph ON compounds")
    op.execute(
        "CREATE TRIGGER compounds_stale_graph AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
        "ON compounds FOR EACH STATEMENT EXECUTE FUNCTION derived_stale('coverage_graph')"
    )
