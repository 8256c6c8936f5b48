"""A residential building's lifts may be the ones it was built with (原有, issue #32): every
building of 7 floors or more has lifts (GB 50096); renewals (更新) are of those, additions (加装)
are to walk-ups.

Revision ID: 0042
Revises: 0041
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0042"
down_revision: str | None = "0041"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_constraint("ck_residential_buildings_elevator", "residential_buildings", type_="check")
    op.create_check_constraint(
        "ck_residential_buildings_elevator",
        "residential_buildings",
        "elevator IN ('无', '原有', '加装', '更新')",
    )


def downgrade() -> None:
    op.execute(
        "UPDATE residential_buildings SET elevator = '无', elevators = 0 WHERE elevator = '原有'"
    )
    op.drop_constraint("ck_residential_buildings_elevator", "residential_buildings", type_="check")
    op.create_check_constraint(
        "ck_residential_buildings_elevator",
        "residential_buildings",
        "elevator IN ('无', '加装', '更新')",
    )
