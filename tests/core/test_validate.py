"""`validate` finds overlaps, gaps, border crossings and stray zones, with areas in m²."""

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.coverage.derived import refresh
from geo.validate import validate
from tests.fixtures import COMMUNITY, GRID_B, SETTINGS, ewkt, m_box


def test_the_fixture_district_is_clean(session: Session) -> None:
    assert validate(session) == []


def test_overlapping_grids_are_reported_with_their_shared_area(session: Session) -> None:
    session.execute(
        text("UPDATE grids SET geom = :g WHERE code = :c"),
        {"g": ewkt(m_box(150, 0, 400, 200)), "c": GRID_B},
    )  # 50 m × 200 m overlap
    found = [p for p in validate(session) if p.check == "overlap"]
    assert len(found) == 1
    assert found[0].area_m2 == pytest.approx(10_000, rel=0.01)


def test_gap_between_grids_inside_a_community_is_reported(session: Session) -> None:
    session.execute(
        text("UPDATE grids SET geom = :g WHERE code = :c"),
        {"g": ewkt(m_box(230, 0, 400, 200)), "c": GRID_B},
    )  # 30 m strip uncovered
    found = [p for p in validate(session) if p.check == "gap"]
    assert [p.code for p in found] == [COMMUNITY]
    assert found[0].area_m2 == pytest.approx(6_000, rel=0.01)


def test_grid_reaching_outside_its_community_is_reported(session: Session) -> None:
    session.execute(
        text("UPDATE grids SET geom = :g WHERE code = :c"),
        {"g": ewkt(m_box(200, 0, 400, 260)), "c": GRID_B},
    )
    found = [p for p in validate(session) if p.check == "crosses_community"]
    assert [p.code for p in found] == [GRID_B]
    assert found[0].area_m2 == pytest.approx(200 * 60, rel=0.01)


def test_zone_outside_every_grid_is_reported(session: Session) -> None:
    session.execute(
        text(
            "INSERT INTO open_blocks (code, name, community_code, geom) "
            "VALUES ('JQ1', '越界街区', :m, :g)"
        ),
        {"m": COMMUNITY, "g": ewkt(m_box(380, 50, 450, 100))},
    )
    found = [p for p in validate(session) if p.check == "zone_outside_grids"]
    assert [(p.code, p.other) for p in found] == [("JQ1", "open_block")]
    assert found[0].area_m2 == pytest.approx(50 * 50, rel=0.01)


def test_slivers_below_the_threshold_are_not_noise(session: Session) -> None:
    session.execute(
        text("UPDATE grids SET geom = :g WHERE code = :c"),
        {"g": ewkt(m_box(199.999, 0, 400, 200)), "c": GRID_B},
    )  # 0.2 m² overlap
    assert validate(session, min_m2=1.0) == []
    overlap = [p for p in validate(session, min_m2=0.01) if p.check == "overlap"]
    assert len(overlap) == 1
    assert overlap[0].area_m2 == pytest.approx(0.2, abs=0.1)


def test_small_slivers_are_counted_not_reported(session: Session) -> None:
    from geo.validate import small_slivers

    assert small_slivers(session) == small_slivers(session, 0.01)  # none in the fixture
    assert small_slivers(session).count == 0
    session.execute(
        text("UPDATE grids SET geom = :g WHERE code = :c"),
        {"g": ewkt(m_box(199.999, 0, 400, 200)), "c": GRID_B},
    )  # 0.2 m² overlap
    refresh(session, "grid_slivers", SETTINGS.coverage_reach_m)  # as `gridmap validate` does first
    s = small_slivers(session, 1.0)
    assert s.count == 1
    assert s.area_m2 == pytest.approx(0.2, abs=0.1)
    assert small_slivers(session, 0.01).count == 0  # reported as a problem instead
