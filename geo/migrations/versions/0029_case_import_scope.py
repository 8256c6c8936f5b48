"""case_imports.scope: a part of a batch file is claimed for the areas of whoever imported it
(their LIKE patterns joined by commas, `*` for anywhere), so a file holding rows of two streets
is imported by each street for its own rows: the same file from street B is no longer refused
because street A imported its rows of it. Earlier claims were made before areas were recorded
and count as `*` (everything), which writes nothing twice.

Revision ID: 0029
Revises: 0028
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0029"
down_revision: str | None = "0028"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("case_imports", sa.Column("scope", sa.Text(), server_default="*", nullable=False))
    op.drop_constraint("uq_case_imports_part", "case_imports", type_="unique")
    op.create_unique_constraint(
        "uq_case_imports_part", "case_imports", ["digest", "first_row", "scope"]
    )


def downgrade() -> None:
    op.drop_constraint("uq_case_imports_part", "case_imports", type_="unique")
    op.execute(
        "DELETE FROM case_imports a USING case_imports b "
        "WHERE a.digest = b.digest AND a.first_row = b.first_row AND a.id > b.id"
    )
    op.create_unique_constraint("uq_case_imports_part", "case_imports", ["digest", "first_row"])
    op.drop_column("case_imports", "scope")
