"""cases.import_id: a case written by a batch import points at its part in case_imports, which
records its creation (who, when, which file and rows) once per part, instead of a creation
event per case; the case's history shows that record as its first entry

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # No foreign key, like the case's other references (grid_code, worker_id, zone_code …):
    # the import writes the id it has just claimed, in the same transaction, and nothing
    # deletes a record that has cases. A per-row check would cost 8 % of an import. No index
    # either: the history looks a case's record up, never a record's cases.
    op.add_column("cases", sa.Column("import_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    op.drop_column("cases", "import_id")
