"""三方协同 per compound: the owners' side (业委会 / 物管委 / 社区托管 / 无) and its term, the
property service's level (甲–丁) and fee model, and the compound's commissioner (an account)

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "compounds",
        sa.Column("committee_kind", sa.Text(), nullable=False, server_default="无"),
    )
    op.add_column("compounds", sa.Column("committee_term_start", sa.Date()))
    op.add_column("compounds", sa.Column("committee_term_end", sa.Date()))
    op.add_column("compounds", sa.Column("property_level", sa.Text()))
    op.add_column("compounds", sa.Column("fee_model", sa.Text()))
    op.add_column(
        "compounds",
        sa.Column(
            "commissioner_id", sa.Integer(), sa.ForeignKey("accounts.id", ondelete="SET NULL")
        ),
    )
    op.create_check_constraint(
        "ck_compounds_committee_kind",
        "compounds",
        "committee_kind IN ('业委会', '物管委', '社区托管', '无')",
    )
    op.create_check_constraint(
        "ck_compounds_property_level", "compounds", "property_level IN ('甲', '乙', '丙', '丁')"
    )
    op.create_check_constraint(
        "ck_compounds_fee_model", "compounds", "fee_model IN ('包干制', '酬金制')"
    )
    # what was known: a named owners' committee
    op.execute("UPDATE compounds SET committee_kind = '业委会' WHERE owners_committee IS NOT NULL")


def downgrade() -> None:
    for name in ("fee_model", "property_level", "committee_kind"):
        op.drop_constraint(f"ck_compounds_{name}", "compounds")
    for col in (
        "commissioner_id",
        "fee_model",
        "property_level",
        "committee_term_end",
        "committee_term_start",
        "committee_kind",
    ):
        op.drop_column("compounds", col)
