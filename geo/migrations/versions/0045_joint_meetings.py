"""三方办 and 联席会议 (issue #32): the three-party offices as units (district, street and
community levels), the joint meeting and the couriers' 小哥治家会 as meeting kinds, and
meetings held at a district, street, community or facility (a 小哥之家).

Revision ID: 0045
Revises: 0044
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0045"
down_revision: str | None = "0044"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHECKS = {
    ("units", "ck_units_kind"): (
        "kind IN ('street_office', 'community_office', 'grid', 'department', 'utility', "
        "'partner', 'property', 'three_party_office')",
        "kind IN ('street_office', 'community_office', 'grid', 'department', 'utility', "
        "'partner', 'property')",
    ),
    ("meetings", "ck_meetings_kind"): (
        "kind IN ('红茶议事会', '小区说事亭', '三和楼事会', '专题议事会', '联席会议', "
        "'小哥治家会', '其他')",
        "kind IN ('红茶议事会', '小区说事亭', '三和楼事会', '专题议事会', '其他')",
    ),
    ("meetings", "ck_meetings_place_kind"): (
        "place_kind IN ('compound', 'residential_building', 'open_block', "
        "'business_community', 'building', 'district', 'street', 'community', 'facility')",
        "place_kind IN ('compound', 'residential_building', 'open_block', "
        "'business_community', 'building')",
    ),
}


def _set(which: int) -> None:
    for (table, name), rules in CHECKS.items():
        op.drop_constraint(name, table, type_="check")
        op.create_check_constraint(name, table, rules[which])


def upgrade() -> None:
    _set(0)


def downgrade() -> None:
    # the places view (geo/meetings/sql/definitions/70_meeting_places.sql) goes too, and is
    # applied again after an upgrade
    op.execute("DROP VIEW IF EXISTS meeting_places")
    op.execute("DELETE FROM sql_definitions WHERE name = '70_meeting_places.sql'")
    op.execute(
        "DELETE FROM meetings WHERE kind IN ('联席会议', '小哥治家会') "
        "OR place_kind IN ('district', 'street', 'community', 'facility')"
    )
    op.execute("DELETE FROM units WHERE kind = 'three_party_office'")
    _set(1)
