"""One vocabulary: geo/vocabulary.py, the SQL that mirrors it, the schema's CHECK constraints,
and the ORM models against the migrations, held equal."""

from __future__ import annotations

import re

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.business.words import (
    DEPARTMENTS,
    NEED_KINDS,
    NEED_STATUSES,
    OFFER_KINDS,
    SETTLED_LEVELS,
    VISIT_STATUSES,
)
from geo.cases.partitions import made_by_database
from geo.meetings.words import (
    MEETING_KINDS,
    MEETING_OUTCOMES,
    MEETING_PLACES,
    MEETING_STATUSES,
    TOPIC_CLASSES,
)
from geo.migrations.metadata import metadata
from geo.open_blocks.words import ACTIVITY_KINDS, PARTNER_KINDS, SHOP_KINDS
from geo.residential.words import COMMITTEE_KINDS, ELEVATOR_STATES, FEE_MODELS, PROPERTY_LEVELS
from geo.vocabulary import (
    ACCOUNT_AREA_KINDS,
    AREA_KINDS,
    CASE_STATUSES,
    DONE_STATUSES,
    OPEN_STATUSES,
    PARTY_ORG_KINDS,
    ROLES,
    RULES,
    STATUS_LABELS,
    TRANSITIONS,
    ZONE_KINDS,
)


def check_values(session: Session, name: str) -> set[str]:
    """The quoted values a CHECK constraint allows."""
    definition = session.execute(
        text(  # the table's own, not its partitions' copies
            "SELECT pg_get_constraintdef(k.oid) FROM pg_constraint k "
            "JOIN pg_class t ON t.oid = k.conrelid WHERE k.conname = :n AND NOT t.relispartition"
        ),
        {"n": name},
    ).scalar_one()
    return set(re.findall(r"'([^']+)'::", definition))


@pytest.mark.parametrize("status", CASE_STATUSES)
def test_sql_case_functions_agree_with_the_python_vocabulary(session: Session, status: str) -> None:
    row = session.execute(
        text("SELECT case_is_open(:s), case_is_done(:s), case_status_label(:s)"), {"s": status}
    ).one()
    assert row[0] is (status in OPEN_STATUSES)
    assert row[1] is (status in DONE_STATUSES)
    assert row[2] == STATUS_LABELS[status]


@pytest.mark.parametrize("kind", list(PARTY_ORG_KINDS))
def test_sql_party_org_labels_agree_with_the_python_vocabulary(session: Session, kind: str) -> None:
    label = session.execute(text("SELECT party_org_kind_label(:k)"), {"k": kind}).scalar()
    assert label == PARTY_ORG_KINDS[kind]


def test_every_status_has_a_label_and_its_moves_stay_in_the_vocabulary() -> None:
    assert set(STATUS_LABELS) == set(CASE_STATUSES)
    assert set(TRANSITIONS) == set(CASE_STATUSES)
    assert {to for moves in TRANSITIONS.values() for to in moves} <= set(CASE_STATUSES)


def test_schema_checks_allow_exactly_the_vocabulary(session: Session) -> None:
    assert check_values(session, "ck_cases_status") == set(CASE_STATUSES)
    assert check_values(session, "ck_cases_rule") == set(RULES)
    assert check_values(session, "ck_party_orgs_kind") == set(PARTY_ORG_KINDS)
    assert check_values(session, "ck_party_orgs_area_kind") == set(AREA_KINDS)
    assert check_values(session, "ck_accounts_role") == set(ROLES)
    assert check_values(session, "ck_compounds_committee_kind") == set(COMMITTEE_KINDS)
    assert check_values(session, "ck_compounds_property_level") == set(PROPERTY_LEVELS)
    assert check_values(session, "ck_compounds_fee_model") == set(FEE_MODELS)
    assert check_values(session, "ck_account_areas_kind") == set(ACCOUNT_AREA_KINDS)
    assert check_values(session, "ck_residential_buildings_elevator") == set(ELEVATOR_STATES)
    assert check_values(session, "ck_meetings_kind") == set(MEETING_KINDS)
    assert check_values(session, "ck_meetings_place_kind") == set(MEETING_PLACES)
    assert check_values(session, "ck_meetings_topic_class") == set(TOPIC_CLASSES)
    assert check_values(session, "ck_meetings_status") == set(MEETING_STATUSES)
    assert check_values(session, "ck_meetings_outcome") == set(MEETING_OUTCOMES)
    assert check_values(session, "ck_visit_requests_department") == set(DEPARTMENTS)
    assert check_values(session, "ck_visits_status") == set(VISIT_STATUSES)
    assert check_values(session, "ck_needs_kind") == set(NEED_KINDS)
    assert check_values(session, "ck_needs_status") == set(NEED_STATUSES)
    assert check_values(session, "ck_needs_settled_level") == set(SETTLED_LEVELS)
    assert check_values(session, "ck_offers_kind") == set(OFFER_KINDS)
    assert check_values(session, "ck_partner_units_kind") == set(PARTNER_KINDS)
    assert check_values(session, "ck_shops_kind") == set(SHOP_KINDS)
    assert check_values(session, "ck_business_activities_kind") == set(ACTIVITY_KINDS)


def test_zone_polygons_rank_the_zone_kinds_in_the_rules_order(session: Session) -> None:
    view = session.execute(text("SELECT pg_get_viewdef('zone_polygons')")).scalar_one()
    branches = re.findall(r"SELECT '([a-z_]+)'::text AS kind,\s*(\d+) AS priority", view)
    assert [k for k, _ in sorted(branches, key=lambda b: int(b[1]))] == list(ZONE_KINDS)


def test_orm_models_match_the_migrations(session: Session) -> None:
    """geo/models/ (what Alembic autogenerates against) cannot drift from the migrations."""

    def ours(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
        # PostGIS's own table, and the months of cases the database makes (geo/cases/partitions.py)
        return not (
            (type_ == "table" and name == "spatial_ref_sys") or made_by_database(obj, name, type_)
        )

    ctx = MigrationContext.configure(
        session.connection(), opts={"compare_type": True, "include_object": ours}
    )
    assert compare_metadata(ctx, metadata) == []
