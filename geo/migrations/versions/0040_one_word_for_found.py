"""One word for a grid worker's own report (主动发现, issue #30): the demo's open blocks filed
theirs as `grid_worker` and its patrol finds as `worker_patrol`; every such case is now
`worker_patrol` (geo/cases/words.py FOUND_BY_WORKER), as the intake files them.

Revision ID: 0040
Revises: 0039
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0040"
down_revision: str | None = "0039"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("UPDATE cases SET source = 'worker_patrol' WHERE source = 'grid_worker'")


def downgrade() -> None:
    pass  # the two words meant one thing; which case had which is not kept
