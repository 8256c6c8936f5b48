"""Life circles by the standard (issue #32): each compound's required services reached along
the network within the circle's distance, by the coverage's own walks (an integrated centre
counts for each service it lists), missing ones named, and the 达标率 of its community."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.coverage.coverage import coverage
from geo.coverage.derived import refresh_all
from geo.coverage.lifecircle import circles, lifecircle
from tests.conftest import keyed
from tests.coverage.test_coverage import REACH_M, compound_row, network  # noqa: F401
from tests.fixtures import COMPOUND, m_point


def _mine(out: dict) -> dict:  # type: ignore[type-arg]
    return next(c for c in out["compounds"] if c["code"] == COMPOUND)


def test_a_service_is_reached_as_the_coverage_walks_it(network: Session) -> None:  # noqa: F811
    walked = compound_row(coverage(network, "canteen", 500))  # 510 m along the road
    ten = _mine(lifecircle(network, "10"))
    assert ("社区食堂" in ten["reached"]) is walked["covered"] is False
    assert "社区食堂" in _mine(lifecircle(network, "15"))["reached"]  # 1,000 m
    # an integrated 党群服务中心 by the compound: its canteen and childcare count too
    lon, lat = m_point(120, 10)
    network.execute(
        text(
            "INSERT INTO facilities (code, name, kind, services, geom) VALUES ('P1', '中心', "
            "'party_service_centre', ARRAY['社区食堂', '托育'], "
            "ST_SetSRID(ST_MakePoint(:x, :y), 4326))"
        ),
        {"x": lon, "y": lat},
    )
    refresh_all(network, REACH_M)
    assert compound_row(coverage(network, "party_service_centre", 500))["covered"]
    ten = lifecircle(network, "10")
    mine = _mine(ten)
    assert {"社区服务", "社区食堂", "托育"} <= set(mine["reached"])
    assert set(mine["missing"]) == set(circles()["circles"]["10"]["services"]) - set(
        mine["reached"]
    )
    assert mine["complete"] is False
    (community,) = [m for m in ten["communities"] if m["code"] == mine["community"]]
    assert community["complete"] == 0
    assert community["rate_pct"] == 0.0
    assert community["missing"]["养老服务"] == community["compounds"]


def test_the_api_gives_a_circle_to_the_planners(app) -> None:  # type: ignore[no-untyped-def]
    ok = keyed(app, "planner-key").get("/api/v1/coverage/lifecircle?level=5")
    assert ok.status_code in (200, 503), ok.get_json()  # 503: walks still being built
    assert keyed(app, "worker_a-key").get("/api/v1/coverage/lifecircle?level=5").status_code == 403
    bad = keyed(app, "planner-key").get("/api/v1/coverage/lifecircle?level=7")
    assert bad.status_code == 400
