"""The assignment rule, point by point: covers, shared edges, seams, snapping, CRS, bad input."""

import math

import pytest
from sqlalchemy.orm import Session

from geo.assign import OutsideDistrict, locate
from geo.crs import wgs84_to_bd09, wgs84_to_gcj02
from geo.db import driver
from geo.settings import load_settings
from tests.conftest import keyed, make_app
from tests.fixtures import (
    COMMUNITY,
    COMPOUND,
    GRID_A,
    GRID_B,
    SETTINGS,
    WORKER_A,
    m_point,
)


def get(client, lon: float, lat: float, crs: str | None = None):  # type: ignore[no-untyped-def]
    q = f"/api/v1/locate?lon={lon!r}&lat={lat!r}" + (f"&crs={crs}" if crs else "")
    return client.get(q)


def test_point_inside_a_compound_gets_grid_zone_branch_and_worker(client) -> None:  # type: ignore[no-untyped-def]
    body = get(client, *m_point(100, 100)).get_json()
    assert body["grid"]["code"] == GRID_A
    assert body["rule"] == "covers"
    assert body["community"]["code"] == COMMUNITY
    assert body["street"]["name"] == "米市巷街道"
    assert body["zone"] == {"kind": "compound", "code": COMPOUND, "name": "测试新村"}
    assert body["party_org"]["code"] == f"DZB{COMPOUND}"
    assert body["party_org"]["kind"] == "compound_branch"
    assert body["worker"] == {"id": WORKER_A, "name": "王网格"}
    assert body["outside"] is False
    assert body["distance_m"] == 0


def test_point_outside_any_zone_goes_to_the_community_party_committee(client) -> None:  # type: ignore[no-untyped-def]
    body = get(client, *m_point(300, 100)).get_json()
    assert body["grid"]["code"] == GRID_B
    assert body["zone"] is None
    assert body["party_org"]["kind"] == "community_committee"


def test_point_on_shared_edge_goes_to_lower_grid_code(client) -> None:  # type: ignore[no-untyped-def]
    lon, lat = m_point(200, 100)  # a vertex of both grids: exactly on the shared edge
    body = get(client, lon, lat).get_json()
    assert body["grid"]["code"] == GRID_A == min(GRID_A, GRID_B)
    assert body["rule"] == "boundary"


def test_point_just_outside_within_snap_distance_is_snapped(client) -> None:  # type: ignore[no-untyped-def]
    body = get(client, *m_point(-40, 100)).get_json()
    assert body["grid"]["code"] == GRID_A
    assert body["rule"] == "snapped"
    assert body["outside"] is True
    assert body["distance_m"] == pytest.approx(40, abs=0.5)


def test_snap_distance_comes_from_gridmap_snap_m(db_url: str, connection) -> None:  # type: ignore[no-untyped-def]
    settings = load_settings({"GRIDMAP_SNAP_M": "30"})
    r = keyed(make_app(db_url, connection, settings)).get(
        "/api/v1/locate?lon={}&lat={}".format(*m_point(-40, 100))
    )
    assert r.status_code == 422
    assert "超过 30 米的吸附距离" in r.get_json()["message"]


def test_point_farther_than_snap_distance_is_outside_the_district(client) -> None:  # type: ignore[no-untyped-def]
    r = get(client, *m_point(-500, 100))
    assert r.status_code == 422
    assert "超出辖区" in r.get_json()["message"]
    assert "500 米" in r.get_json()["message"]


@pytest.mark.parametrize("crs", ["gcj02", "bd09", "cgcs2000"])
def test_every_crs_lands_where_the_true_wgs84_point_does(client, crs: str) -> None:  # type: ignore[no-untyped-def]
    lon, lat = m_point(300, 100)
    shifted = {"gcj02": wgs84_to_gcj02, "bd09": wgs84_to_bd09}.get(crs, lambda x, y: (x, y))(
        lon, lat
    )
    body = get(client, float(shifted[0]), float(shifted[1]), crs).get_json()
    assert body["grid"]["code"] == GRID_B
    assert math.dist((body["point"]["lon"], body["point"]["lat"]), (lon, lat)) < 1e-6


def test_gcj02_point_taken_as_wgs84_would_land_hundreds_of_metres_off(client) -> None:  # type: ignore[no-untyped-def]
    lon, lat = wgs84_to_gcj02(*m_point(300, 100))
    assert (
        get(client, float(lon), float(lat)).status_code == 422
    )  # ~500 m away: not in the district


@pytest.mark.parametrize(
    ("query", "status", "names"),
    [
        ("lon=120.0", 400, "lat"),
        ("lon=abc&lat=30.29", 400, "lon"),
        ("lon=nan&lat=30.29", 400, "lon"),
        ("lon=120.0&lat=inf", 400, "lat"),
        ("lon=120.0&lat=95", 400, "超出中国范围"),  # the description states China's extent
        ("lon=30.288&lat=120.0", 400, "经纬度颠倒"),
        ("lon=2.35&lat=48.85", 400, "超出中国范围"),
        ("lon=120.0&lat=30.29&crs=mars", 400, "crs"),
    ],
)
def test_bad_input_is_a_4xx_naming_the_problem(client, query: str, status: int, names: str) -> None:  # type: ignore[no-untyped-def]
    r = client.get(f"/api/v1/locate?{query}")
    assert r.status_code == status
    assert names in r.get_json()["message"]


def test_point_on_a_grid_edge_no_other_grid_shares_is_covers_not_boundary(client) -> None:  # type: ignore[no-untyped-def]
    body = get(client, *m_point(0, 100)).get_json()  # grid A's west edge, the district's border
    assert body["grid"]["code"] == GRID_A
    assert body["rule"] == "covers"
    assert body["outside"] is False


def test_far_point_raises_with_the_distance(session: Session) -> None:
    with pytest.raises(OutsideDistrict) as err:
        locate(driver(session), *m_point(0, 2000), SETTINGS.snap_distance_m)
    assert err.value.distance_m == pytest.approx(1800, rel=0.01)
