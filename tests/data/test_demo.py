"""The Gongshu demo district, built once per test session into its own database."""

import csv
import io
from importlib.resources import files

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from geo.validate import validate


@pytest.fixture(scope="module")
def demo(demo_url: str):  # type: ignore[no-untyped-def]
    engine = create_engine(demo_url)
    with Session(engine) as s:
        yield s
    engine.dispose()


def scalar(s: Session, sql: str) -> int:
    return s.execute(text(sql)).scalar_one()


def test_demo_has_the_18_real_streets_with_official_codes_and_names(demo: Session) -> None:
    with files("data").joinpath("demo/gongshu_streets.csv").open(encoding="utf-8") as f:
        real = {r["street_code_9"]: r["name"] for r in csv.DictReader(f)}
    stored = dict(demo.execute(text("SELECT code, name FROM streets")).all())
    assert stored == real
    assert len(stored) == 18
    assert "330105006" not in stored


def test_demo_is_at_the_real_district_scale(demo: Session) -> None:
    assert 180 <= scalar(demo, "SELECT count(*) FROM communities") <= 220
    assert scalar(demo, "SELECT count(*) FROM compounds") == 690
    assert scalar(demo, "SELECT count(*) FROM business_communities") == 30
    assert scalar(demo, "SELECT count(*) FROM buildings") == 621
    assert scalar(demo, "SELECT count(*) FROM facilities WHERE kind = 'courier_post'") == 22
    assert (
        110
        <= scalar(
            demo,
            "SELECT count(*) FROM facilities "
            "WHERE kind NOT IN ('courier_post', 'building_station')",
        )
        <= 140
    )
    assert scalar(demo, "SELECT count(*) FROM workers") == scalar(
        demo, "SELECT count(*) FROM grids"
    )
    assert scalar(demo, "SELECT count(*) FROM cases") >= 25_000


def test_demo_grids_hold_at_most_500_households_and_tile_their_community(demo: Session) -> None:
    assert scalar(demo, "SELECT max(households) FROM grids") <= 500
    median = scalar(
        demo, "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY households) FROM grids"
    )
    assert 300 <= median <= 500
    assert validate(demo) == []


def test_demo_codes_follow_the_gb_t_30428_hierarchy(demo: Session) -> None:
    assert (
        scalar(demo, "SELECT count(*) FROM grids g WHERE left(g.code, 12) <> g.community_code") == 0
    )
    assert (
        scalar(demo, "SELECT count(*) FROM communities m WHERE left(m.code, 9) <> m.street_code")
        == 0
    )


def test_demo_geometry_is_marked_schematic(demo: Session) -> None:
    for table in ("streets", "communities", "grids", "compounds", "buildings", "facilities"):
        assert scalar(demo, f"SELECT bool_and(schematic)::int FROM {table}") == 1  # noqa: S608


def test_every_demo_case_is_assigned_consistently(demo: Session) -> None:
    assert (
        scalar(demo, "SELECT count(*) FROM cases WHERE rule IS NULL OR party_org_code IS NULL") == 0
    )
    assert (
        scalar(
            demo,
            """SELECT count(*) FROM cases c JOIN grids g ON g.code = c.grid_code
                           WHERE NOT ST_Covers(g.geom, c.geom)""",
        )
        == 0
    )
    assert (
        scalar(demo, "SELECT count(*) FROM cases WHERE left(grid_code, 12) <> community_code") == 0
    )
    assert scalar(demo, "SELECT count(*) FROM cases WHERE zone_kind = 'compound'") > 5_000


def test_demo_cases_span_a_year_with_a_daily_rhythm(demo: Session) -> None:
    days = scalar(
        demo, "SELECT extract(day FROM max(created_at) - min(created_at))::int FROM cases"
    )
    assert 360 <= days <= 366
    night = scalar(
        demo,
        "SELECT count(*) FROM cases WHERE extract(hour FROM created_at AT TIME ZONE "
        "'Asia/Shanghai') BETWEEN 2 AND 4",
    )
    assert night < scalar(demo, "SELECT count(*) FROM cases") * 0.05


def test_demo_roads_are_the_real_osm_network(demo: Session) -> None:
    km = scalar(demo, "SELECT round(sum(length_m) / 1000) FROM road_edges")
    assert 1241 <= km <= 2000  # 1,241 km intersect the district; the extract adds a 1.5 km margin
    assert scalar(demo, "SELECT count(*) FROM road_edges WHERE cost <> reverse_cost") == 0


def test_the_demo_build_marks_every_step_of_its_progress_bar(demo_url: str) -> None:
    """The build drew its bar (ops/progress.py) to the end: every step it marks is counted."""
    from data.demo.city import BUILD_STEPS
    from ops import progress
    from tests.conftest import DEMO_BUILD, TERMINAL

    assert DEMO_BUILD["steps"] == BUILD_STEPS
    drawn = TERMINAL.getvalue()
    assert "100%" in drawn
    assert "商务社区活动" in drawn
    assert drawn.endswith("\n")
    with progress.task("不是终端", 3, out=io.StringIO()) as bar:  # a log or a pipe: no bar
        progress.step("一")
    assert bar is None
