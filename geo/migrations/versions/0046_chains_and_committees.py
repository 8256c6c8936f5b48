"""楼宇治理委员会 and 产业链党建 (issue #32): two party-organisation kinds, a business building's
governance committee and an industry-chain branch, with the firms each spans.

Revision ID: 0046
Revises: 0045
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0046"
down_revision: str | None = "0045"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = (
    "'community_committee', 'compound_branch', 'stairwell_branch', 'business_branch', "
    "'block_org', 'mobile_branch'"
)


def upgrade() -> None:
    op.drop_constraint("ck_party_orgs_kind", "party_orgs", type_="check")
    op.create_check_constraint(
        "ck_party_orgs_kind",
        "party_orgs",
        f"kind IN ({KINDS}, 'building_committee', 'chain_branch')",
    )
    op.create_table(
        "party_org_firms",
        sa.Column(
            "org_code",
            sa.String(40),
            sa.ForeignKey("party_orgs.code", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "firm_code",
            sa.String(18),
            sa.ForeignKey("firms.code", ondelete="CASCADE"),
            primary_key=True,
        ),
    )
    op.create_index("ix_party_org_firms_firm_code", "party_org_firms", ["firm_code"])


def downgrade() -> None:
    op.drop_table("party_org_firms")
    op.execute("DELETE FROM party_orgs WHERE kind IN ('building_committee', 'chain_branch')")
    op.drop_constraint("ck_party_orgs_kind", "party_orgs", type_="check")
    op.create_check_constraint("ck_party_orgs_kind", "party_orgs", f"kind IN ({KINDS})")
