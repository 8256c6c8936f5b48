"""Categories as a catalogue (issue #29): each one's kind (部件 or 事件, GB/T 30428.2), its 立案
conditions, the unit that takes it by default (a mark: CG, SJ, PCS, WY …, found for the case's
place; none: its grid) and whether resolving it needs a handling photo. The defaults the code
held until now are written in.

Revision ID: 0035
Revises: 0034
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0035"
down_revision: str | None = "0034"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULT_UNIT = {
    "outdoor_display": "CG",
    "street_order": "CG",
    "advertising": "CG",
    "construction": "CG",
    "frontage_duty": "CG",
    "city_appearance": "CG",
    "cooking_fumes": "SJ",
    "property_service": "WY",
}


def upgrade() -> None:
    op.add_column("categories", sa.Column("kind", sa.Text(), server_default="事件", nullable=False))
    op.add_column("categories", sa.Column("conditions", sa.Text(), nullable=True))
    op.add_column("categories", sa.Column("default_unit", sa.Text(), nullable=True))
    op.add_column(
        "categories",
        sa.Column("photo_required", sa.Boolean(), server_default="false", nullable=False),
    )
    op.create_check_constraint("ck_categories_kind", "categories", "kind IN ('部件', '事件')")
    for code, mark in DEFAULT_UNIT.items():
        op.execute(
            sa.text("UPDATE categories SET default_unit = :m WHERE code = :c").bindparams(
                m=mark, c=code
            )
        )


def downgrade() -> None:
    op.drop_constraint("ck_categories_kind", "categories", type_="check")
    for column in ("photo_required", "default_unit", "conditions", "kind"):
        op.drop_column("categories", column)
