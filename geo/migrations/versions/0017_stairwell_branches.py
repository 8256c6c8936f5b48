"""Stairwell party organisations are branches (楼道党支部), not groups (党小组): their stored
names say so

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "UPDATE party_orgs SET name = replace(name, '楼道党小组', '楼道党支部') "
        "WHERE kind = 'stairwell_branch'"
    )


def downgrade() -> None:
    op.execute(
        "UPDATE party_orgs SET name = replace(name, '楼道党支部', '楼道党小组') "
        "WHERE kind = 'stairwell_branch'"
    )
