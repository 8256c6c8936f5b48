"""Demand beyond compounds (issue #32): a 楼宇服务站 counted by the employees of the business
buildings its walking areas reach, a 小哥驿站 by the shops and market stalls; kinds that serve
households only have no such demand.

On the coverage fixture's road (y = 0, x 0–1000): buildings 20 m off the road at x 220–260
(100 employees), 300–340 (50) and 900–940 (30, 650 m along the road from the station at x 250);
shops at x 450 and 950, 5 m off the road, a courier post at x 500."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.coverage.demand import demand
from geo.coverage.derived import refresh_all
from geo.errors import Unprocessable
from tests.conftest import keyed
from tests.coverage.test_coverage import REACH_M, network  # noqa: F401
from tests.fixtures import B1, B2, BC, COMMUNITY, add_towers, m_box, m_point

B3 = BC + "LY003"


@pytest.fixture
def served(network: Session) -> Session:  # noqa: F811
    add_towers(network)
    network.execute(
        text(
            "INSERT INTO buildings (code, name, business_community_code, geom) "
            "VALUES (:c, '远楼', :bc, ST_Multi(ST_GeomFromText(:g, 4326)))"
        ),
        {"c": B3, "bc": BC, "g": m_box(900, 20, 940, 60).wkt},
    )
    for i, (building, employees) in enumerate(((B1, 60), (B1, 40), (B2, 50), (B3, 30))):
        network.execute(
            text(
                "INSERT INTO firms (code, name, building_code, employees) VALUES (:c, :n, :b, :e)"
            ),
            {"c": f"91330105000000000{i}", "n": f"企业{i}", "b": building, "e": employees},
        )
    network.execute(
        text(
            "INSERT INTO open_blocks (code, name, community_code, geom) VALUES "
            "('KB1', '测试街区', :m, ST_Multi(ST_GeomFromText(:g, 4326)))"
        ),
        {"m": COMMUNITY, "g": m_box(400, -50, 1000, 50).wkt},
    )
    points = (("S1", 450, "shop"), ("S2", 950, "stall"))
    for code, x, kind in points:
        lon, lat = m_point(x, 5)
        network.execute(
            text(
                "INSERT INTO shops (code, name, open_block_code, kind, geom) "
                "VALUES (:c, :n, 'KB1', :k, ST_SetSRID(ST_MakePoint(:x, :y), 4326))"
            ),
            {"c": code, "n": code, "k": kind, "x": lon, "y": lat},
        )
    for code, kind, x in (("BS1", "building_station", 250), ("CP1", "courier_post", 500)):
        lon, lat = m_point(x, 10)
        network.execute(
            text(
                "INSERT INTO facilities (code, name, kind, geom) "
                "VALUES (:c, :n, :k, ST_SetSRID(ST_MakePoint(:x, :y), 4326))"
            ),
            {"c": code, "n": code, "k": kind, "x": lon, "y": lat},
        )
    refresh_all(network, REACH_M)
    return network


def test_a_building_station_serves_the_employees_within_its_walk(served: Session) -> None:
    near = demand(served, "building_station", 500)
    assert near["of"] == "employees"
    assert near["facilities"] == 1
    assert near["totals"] == {
        "points": 3,
        "points_reached": 2,
        "weight": 180,
        "weight_reached": 150,  # B3 is 650 m along the road
        "weight_pct": 83.33,
    }
    assert [(g["code"], g["weight"]) for g in near["gaps"]] == [(B3, 30)]
    (area,) = near["areas"]
    assert (area["code"], area["weight"], area["weight_reached"]) == (BC, 180, 150)
    far = demand(served, "building_station", 1000)
    assert far["totals"]["weight_reached"] == 180
    assert far["gaps"] == []


def test_a_courier_post_serves_the_shops_and_stalls_within_its_walk(served: Session) -> None:
    five = demand(served, "courier_post", 300)  # S1 55 m, S2 455 m along the road
    assert (five["of"], five["totals"]["points"], five["totals"]["weight_reached"]) == (
        "shops",
        2,
        1,
    )
    assert [g["code"] for g in five["gaps"]] == ["S2"]
    assert demand(served, "courier_post", 500)["totals"]["weight_pct"] == 100.0


def test_a_kind_for_households_has_no_other_demand_and_distances_are_the_stored(
    served: Session,
) -> None:
    assert demand(served, "canteen", 500) == {"kind": "canteen", "threshold_m": 500, "of": None}
    with pytest.raises(Unprocessable, match="规划距离"):
        demand(served, "building_station", 400)


def test_the_api_gives_the_demand_to_planners(app) -> None:  # type: ignore[no-untyped-def]
    ok = keyed(app, "planner-key").get("/api/v1/coverage/demand?kind=courier_post&threshold_m=300")
    assert ok.status_code in (200, 503), ok.get_json()
    if ok.status_code == 200:
        assert ok.get_json()["of"] == "shops"
    bad = keyed(app, "planner-key").get("/api/v1/coverage/demand?kind=courier_post&threshold_m=400")
    assert bad.status_code == 400
    assert keyed(app, "planner-key").get("/api/v1/coverage/demand?kind=nope").status_code == 422
