"""Walking coverage on a hand-made network, and plausibility on the real demo network.

The fixture compound (20–180 m square) has its interior point at about (100, 100). A straight
road runs along y = 0 from x = 0 to 1000 with a junction every 100 m. A canteen stands at
(500, 10). Walking from the compound: 100 m to the road, 400 m along it, 10 m to the door:
510 m, while the straight line is only about 410 m.
"""

import pytest
import shapely
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from geo.coverage.coverage import Site, coverage, scenario, threshold_from
from geo.coverage.derived import refresh, refresh_all
from geo.coverage.freshness import built_reach
from geo.coverage.network import prepare_network
from geo.coverage.siting import suggest
from geo.coverage.walking_areas import walking_areas
from geo.errors import Rebuilding, Unprocessable
from tests.fixtures import COMPOUND, SETTINGS, _to_wgs, m_point

REACH_M = SETTINGS.coverage_reach_m


def road(
    session: Session, rid: int, a: tuple[float, float], b: tuple[float, float], u: int, v: int
) -> None:
    line = shapely.transform(shapely.LineString([a, b]), _to_wgs)
    length = shapely.LineString([a, b]).length
    session.execute(
        text(
            "INSERT INTO road_edges (id, source, target, length_m, cost, reverse_cost, name, geom) "
            "VALUES (:i, :u, :v, :l, :l, :l, '测试路', ST_GeomFromText(:g, 4326))"
        ),
        {"i": rid, "u": u, "v": v, "l": length, "g": line.wkt},
    )


@pytest.fixture
def network(session: Session) -> Session:
    for i in range(10):
        road(session, i + 1, (i * 100, 0), ((i + 1) * 100, 0), i, i + 1)
    road(session, 99, (3000, 0), (3100, 0), 500, 501)  # an island: not part of the main network
    report = prepare_network(session)
    assert (report.main_edges, report.dropped_edges, report.components) == (10, 1, 2)
    lon, lat = m_point(500, 10)
    session.execute(
        text(
            "INSERT INTO facilities (code, name, kind, geom) VALUES "
            "('C1', '测试食堂', 'canteen', ST_SetSRID(ST_MakePoint(:x, :y), 4326))"
        ),
        {"x": lon, "y": lat},
    )
    refresh_all(session, REACH_M)  # as the loaders do after a load
    return session


def compound_row(result: dict) -> dict:  # type: ignore[type-arg]
    return next(c for c in result["compounds"] if c["code"] == COMPOUND)


def test_network_distance_counts_the_walk_to_and_from_the_road(network: Session) -> None:
    row = compound_row(coverage(network, "canteen", 500))
    assert row["network_m"] == pytest.approx(510, abs=3)
    assert row["straight_m"] == pytest.approx(410, abs=3)
    assert row["covered"] is False
    assert row["straight_covered"] is True  # a buffer would lie


def test_network_distance_is_searched_to_twice_the_threshold(network: Session) -> None:
    result = coverage(network, "canteen", 200)  # the compound is 510 m away along the roads
    row = compound_row(result)
    assert result["network_limit_m"] == 400
    assert row["network_m"] is None
    assert row["covered"] is False
    assert row["straight_m"] == pytest.approx(410, abs=3)  # straight line: not capped
    assert compound_row(coverage(network, "canteen", 520))["covered"] is True


def test_totals_per_community_in_households(network: Session) -> None:
    out = coverage(network, "canteen", 520)
    assert out["totals"] == {
        "households": 300,
        "households_covered": 300,
        "households_covered_pct": 100.0,
        "straight_covered_pct": 100.0,
        "compounds": 1,
        "compounds_covered": 1,
    }
    assert out["communities"][0]["households_covered_pct"] == 100.0
    assert coverage(network, "canteen", 500)["gaps"][0]["code"] == COMPOUND


def test_facilities_counts_the_run_s_sources(network: Session) -> None:
    assert coverage(network, "canteen", 500)["facilities"] == 1
    assert coverage(network, "canteen", 500, add=[Site(*m_point(100, -5))])["facilities"] == 2
    assert coverage(network, "canteen", 500, remove=["C1"])["facilities"] == 0


def test_stored_walks_follow_the_facilities_and_the_graph(network: Session) -> None:
    """facility_walks is derived: moving a facility, or rebuilding the graph it was measured
    on, makes it stale; a read then says so instead of rebuilding, and the next rebuild (a
    writer's) measures again."""
    assert compound_row(coverage(network, "canteen", 500))["network_m"] == pytest.approx(510, abs=3)
    lon, lat = m_point(800, 10)
    network.execute(
        text("UPDATE facilities SET geom = ST_SetSRID(ST_MakePoint(:x, :y), 4326)"),
        {"x": lon, "y": lat},
    )
    with pytest.raises(Rebuilding, match="facility_walks"):
        coverage(network, "canteen", 1000)
    assert refresh_all(network, REACH_M) == ["facility_walks", "walking_areas"]
    moved = compound_row(coverage(network, "canteen", 1000))  # 100 + 700 + 10 m
    assert moved["network_m"] == pytest.approx(810, abs=3)
    assert moved["nearest"] == "C1"
    refresh(network, "coverage_graph", REACH_M, force=True)
    assert network.execute(
        text("SELECT bool_and(stale) FROM derived_tables WHERE name LIKE '%walk%'")
    ).scalar()
    with pytest.raises(Rebuilding):
        coverage(network, "canteen", 1000)
    refresh_all(network, REACH_M)
    assert compound_row(coverage(network, "canteen", 1000))["network_m"] == pytest.approx(
        810, abs=3
    )


def gate(session: Session, code: str, compound: str, x: float, y: float) -> None:
    lon, lat = m_point(x, y)
    session.execute(
        text(
            "INSERT INTO compound_entrances (code, compound_code, name, geom) "
            "VALUES (:c, :k, '门', ST_SetSRID(ST_MakePoint(:x, :y), 4326))"
        ),
        {"c": code, "k": compound, "x": lon, "y": lat},
    )


def test_a_compound_with_gates_is_walked_through_its_nearest_gate(network: Session) -> None:
    """From the compound's point (100, 100) to a gate (straight, on its own paths), to the road,
    to the canteen at (500, 10). Through a west gate at (20, 100): 80 + 100 + 480 + 10 m."""
    gate(network, "G-W", COMPOUND, 20, 100)
    refresh_all(network, REACH_M)  # as the gates' loader does
    assert compound_row(coverage(network, "canteen", 1000))["network_m"] == pytest.approx(
        670, abs=3
    )
    gate(network, "G-E", COMPOUND, 180, 100)  # 80 + 100 + 320 + 10 m
    refresh_all(network, REACH_M)
    assert compound_row(coverage(network, "canteen", 1000))["network_m"] == pytest.approx(
        510, abs=3
    )


def test_no_walk_crosses_another_compound_from_gate_to_gate(network: Session) -> None:
    """A second road along y = 200 meets the first only at x = 1000. The test compound's only
    gate is on the north road; compound B (x 220–380) has a gate on each road. Through B the
    canteen would be 710 m away; around it is 80 + 20 + 900 + 200 + 500 + 10 = 1710 m."""
    for i in range(10):
        road(network, 20 + i, (i * 100, 200), ((i + 1) * 100, 200), 100 + i, 101 + i)
    road(network, 40, (1000, 0), (1000, 200), 10, 110)
    prepare_network(network)
    network.execute(
        text(
            "INSERT INTO compounds (code, name, community_code, households, geom) "
            "SELECT 'B', '乙小区', community_code, 100, ST_Multi(ST_GeomFromText(:g, 4326)) "
            "FROM compounds LIMIT 1"
        ),
        {"g": shapely.transform(shapely.box(220, 20, 380, 180), _to_wgs).wkt},
    )
    gate(network, "A-N", COMPOUND, 100, 180)
    gate(network, "B-N", "B", 300, 180)
    gate(network, "B-S", "B", 300, 20)
    refresh_all(network, REACH_M)
    assert compound_row(coverage(network, "canteen", 1000))["network_m"] == pytest.approx(
        1710, abs=3
    )


def test_walking_area_includes_partial_edges(network: Session) -> None:
    fc = walking_areas(network, "canteen", 150)
    (area,) = fc["features"]
    # 10 m to the road, then 140 m each way: 280 m of road, the last 40 m of each a partial edge
    assert area["properties"]["reached_m"] == pytest.approx(280, abs=2)
    poly = shapely.geometry.shape(area["geometry"])
    assert poly.contains(shapely.Point(m_point(370, 0)))
    assert not poly.contains(shapely.Point(m_point(300, 0)))


def test_offered_distances_are_stored_and_equal_the_search(network: Session) -> None:
    """The planner's distances are read from the walking_areas table (10 m to the road, then
    290 or 490 m each way, or the whole 1,000 m road), built by the same query
    that searches any other distance; a new facility marks the table stale."""
    stored = network.execute(
        text("SELECT threshold_m, reached_m FROM walking_areas WHERE code = 'C1' ORDER BY 1")
    ).all()
    assert [(t, round(r)) for t, r in stored] == [(300, 580), (500, 980), (1000, 1000)]
    read = walking_areas(network, "canteen", 300)
    searched = walking_areas(network, "canteen", 299.999)
    (a,), (b,) = read["features"], searched["features"]
    assert a["properties"]["reached_m"] == pytest.approx(b["properties"]["reached_m"], abs=0.1)
    diff = shapely.geometry.shape(a["geometry"]) ^ shapely.geometry.shape(b["geometry"])
    assert diff.area < 1e-9  # square degrees: well under a square metre
    assert a["properties"]["name"] == "测试食堂"
    network.execute(text("UPDATE facilities SET name = '新食堂' WHERE code = 'C1'"))
    with pytest.raises(Rebuilding):
        walking_areas(network, "canteen", 300)
    refresh_all(network, REACH_M)
    assert walking_areas(network, "canteen", 300)["features"][0]["properties"]["name"] == "新食堂"


def test_scenario_changes_nothing_stored(network: Session) -> None:
    held = network.execute(text("SELECT count(*) FROM facilities")).scalar()
    near = Site(*m_point(100, -5))
    added = scenario(network, "canteen", 500, add=[near])
    assert added["delta_households"] == 300
    assert added["changed"][0]["code"] == COMPOUND
    removed = scenario(network, "canteen", 600, remove=["C1"])
    assert removed["delta_households"] == -300
    assert network.execute(text("SELECT count(*) FROM facilities")).scalar() == held


def test_suggestion_picks_the_site_that_covers_the_gap(network: Session) -> None:
    out = suggest(
        network, "canteen", 300, 1, [Site(*m_point(900, -5), "远"), Site(*m_point(110, -5), "近")]
    )
    assert [s["label"] for s in out["sites"]] == ["近"]
    assert out["sites"][0]["households_gained"] == 300
    assert out["uncovered_households_after"] == 0


def test_thresholds_in_minutes_use_the_walking_speed() -> None:
    assert threshold_from(None, 10) == 600
    assert threshold_from(None, 10, 0.8) == 480
    assert threshold_from(500, None) == 500
    assert threshold_from(None, None) == 500


def test_a_threshold_beyond_the_stored_reach_is_refused(client, network) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Unprocessable, match="2000 m"):
        coverage(network, "canteen", 2500)
    for q in ("threshold_m=2500", "minutes=40"):
        r = client.get(f"/api/v1/coverage?kind=canteen&{q}")
        assert r.status_code in (400, 422), q
        assert "2000" in r.get_data(as_text=True), q
    assert client.get("/api/v1/coverage?kind=canteen&threshold_m=2000").status_code == 200


def test_coverage_api_matches_the_architecture_shape(client, network) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/api/v1/coverage?kind=canteen&threshold_m=520").get_json()
    assert {"kind", "threshold_m", "compounds", "communities", "totals"} <= set(body)
    assert {"code", "name", "households", "network_m", "straight_m", "covered"} <= set(
        body["compounds"][0]
    )
    assert {
        "households",
        "households_covered",
        "households_covered_pct",
        "straight_covered_pct",
    } <= set(body["totals"])
    csv = client.get("/api/v1/coverage?kind=canteen&threshold_m=520&format=csv").get_data(
        as_text=True
    )
    assert COMPOUND in csv
    assert csv.splitlines()[0].lstrip("\ufeff").startswith("code,name")
    gj = client.get("/api/v1/coverage?kind=canteen&threshold_m=520&format=geojson").get_json()
    assert gj["features"][0]["properties"]["covered"] is True
    assert client.get("/api/v1/coverage?kind=ufo").status_code == 422


def test_demo_coverage_is_plausible(demo_url: str) -> None:
    engine = create_engine(demo_url)
    with Session(engine) as s:
        for kind in ("party_service_centre", "canteen", "courier_post"):
            out = coverage(s, kind, 500)
            for c in out["compounds"]:  # a walk is never shorter than the straight line
                if c["network_m"] is not None:
                    assert c["network_m"] >= c["straight_m"] - 1
            t = out["totals"]
            assert 0 < t["households_covered_pct"] <= t["straight_covered_pct"] <= 100
            inside = {
                r[0]
                for r in s.execute(
                    text(
                        "SELECT DISTINCT c.code FROM compounds c "
                        "JOIN facilities f ON ST_Covers(c.geom, f.geom) WHERE f.kind = :k"
                    ),
                    {"k": kind},
                )
            }
            by_code = {c["code"]: c for c in out["compounds"]}
            assert all(by_code[code]["covered"] for code in inside), kind
            nearest = s.execute(  # every compound against every facility: the straight line
                text(
                    "SELECT t.ref, min(ST_Distance(t.geom::geography, f.geom::geography)) "
                    "FROM coverage_targets t CROSS JOIN facilities f WHERE f.kind = :k "
                    "GROUP BY t.ref"
                ),
                {"k": kind},
            ).all()
            for code, d in nearest:
                assert by_code[code]["straight_m"] == pytest.approx(d, abs=0.1), (kind, code)
        s.rollback()
    engine.dispose()


def test_incremental_delta_equals_a_full_recompute_on_the_demo(demo_url: str) -> None:
    from geo.coverage.coverage import add_sites_delta

    engine = create_engine(demo_url)
    with Session(engine) as s:
        for sites in ([Site(120.16, 30.29)], [Site(120.14, 30.31), Site(120.17, 30.30)]):
            # 小哥之家: two in the district, so new sites reach households none reaches yet
            base = coverage(s, "courier_home", 500)
            delta = add_sites_delta(s, base, sites)["delta_households"]
            full = coverage(s, "courier_home", 500, add=sites)["totals"]["households_covered"]
            assert delta == full - base["totals"]["households_covered"]
            assert delta > 0
        s.rollback()
    engine.dispose()


def test_an_added_site_walks_as_far_as_the_same_facility_stored(demo_url: str) -> None:
    """A scenario's site is measured live, a stored facility read from facility_walks and
    facility_nearest: both come from the same functions, and must agree compound by compound
    (one site inside a compound, one on a street)."""
    engine = create_engine(demo_url)
    with Session(engine) as s:
        inside = s.execute(
            text(
                "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p FROM compounds "
                "ORDER BY households DESC LIMIT 1) x"
            )
        ).one()
        sites = [Site(inside[0], inside[1]), Site(120.16, 30.29)]
        live = coverage(s, "courier_post", 800, add=sites)
        for i, site in enumerate(sites):
            s.execute(
                text(
                    "INSERT INTO facilities (code, name, kind, geom) VALUES "
                    "(:c, '测试驿站', 'courier_post', ST_SetSRID(ST_MakePoint(:x, :y), 4326))"
                ),
                {"c": f"TEST-{i}", "x": site.lon, "y": site.lat},
            )
        refresh_all(s, REACH_M)  # as the facilities' loader does
        stored = coverage(s, "courier_post", 800)
        assert stored["facilities"] == live["facilities"]
        pairs = list(zip(live["compounds"], stored["compounds"], strict=True))
        assert all(a["network_m"] == b["network_m"] for a, b in pairs)
        assert all(a["straight_m"] == b["straight_m"] for a, b in pairs)  # live vs stored
        assert stored["totals"] == live["totals"]
        assert live["totals"]["households_covered"] > 0
        assert {b["nearest"] for _, b in pairs} >= {"TEST-0", "TEST-1"}
        s.rollback()
    engine.dispose()


def test_demo_network_distances_are_the_shortest_paths(demo_url: str) -> None:
    """Every compound's network distance (looked up in the stored reach) is the least
    pgr_dijkstraCost from any party-mass centre, searched on the graph with the centres attached
    (pgRouting's equicost mode got some of these wrong)."""
    from geo.coverage.walking_areas import walking_graph

    engine = create_engine(demo_url)
    with Session(engine) as s:
        out = coverage(s, "party_service_centre", 500)
        limit = out["network_limit_m"]
        walking_graph(s, "party_service_centre")  # temp cov_sources, cov_edges
        best = dict(
            s.execute(
                text(
                    "SELECT t.ref, min(d.agg_cost) FROM pgr_dijkstraCost("
                    "'SELECT id, source, target, cost, reverse_cost FROM cov_edges', "
                    "ARRAY(SELECT -pid - 1000000000 FROM cov_sources), "
                    "ARRAY(SELECT -pid - 1000000000 FROM coverage_targets), directed := true) d "
                    "JOIN coverage_targets t ON -t.pid - 1000000000 = d.end_vid GROUP BY t.ref"
                )
            ).all()
        )
        inside = {
            r[0]
            for r in s.execute(
                text(
                    "SELECT DISTINCT c.code FROM compounds c JOIN facilities f "
                    "ON ST_Covers(c.geom, f.geom) WHERE f.kind = 'party_service_centre'"
                )
            )
        }
        checked = 0
        for c in out["compounds"]:
            if c["code"] in inside:  # reached inside the compound by the straight line
                continue
            d = best.get(c["code"])
            if d is None or d > limit:
                assert c["network_m"] is None, c
            else:
                assert c["network_m"] == pytest.approx(d, abs=0.1), c
                checked += 1
        assert checked > 300
        s.rollback()
    engine.dispose()


def test_upgrade_rebuilds_a_stale_coverage_graph(db_url: str) -> None:
    from geo.migrate import upgrade

    engine = create_engine(db_url)
    with engine.begin() as c:
        c.execute(text("UPDATE derived_tables SET stale = true"))
    upgrade(db_url)
    with engine.connect() as c:
        assert c.execute(text("SELECT bool_or(stale) FROM derived_tables")).scalar() is False
    engine.dispose()


def test_straight_line_nearest_is_found_in_metres_not_degrees(network: Session) -> None:
    """At 30°N a degree of longitude is 96 km and one of latitude 111 km: three canteens 100 m
    north look nearer in degrees than one 92 m east. The straight line must find the 92 m one."""
    cx, cy = 100.0, 100.0  # the compound's interior point (a 20–180 m square)
    for i, (x, y) in enumerate([(cx - 5, cy + 100), (cx, cy + 100), (cx + 5, cy + 100)]):
        lon, lat = m_point(x, y)
        network.execute(
            text(
                "INSERT INTO facilities (code, name, kind, geom) VALUES "
                "(:c, '北边食堂', 'canteen', ST_SetSRID(ST_MakePoint(:x, :y), 4326))"
            ),
            {"c": f"N{i}", "x": lon, "y": lat},
        )
    lon, lat = m_point(cx + 92, cy)
    network.execute(
        text(
            "INSERT INTO facilities (code, name, kind, geom) VALUES "
            "('E1', '东边食堂', 'canteen', ST_SetSRID(ST_MakePoint(:x, :y), 4326))"
        ),
        {"x": lon, "y": lat},
    )
    point = network.execute(
        text("SELECT ST_X(geom), ST_Y(geom) FROM coverage_targets WHERE ref = :c"), {"c": COMPOUND}
    ).one()
    assert point == pytest.approx(m_point(cx, cy), abs=1e-5)  # the point this test assumes
    refresh_all(network, REACH_M)
    assert compound_row(coverage(network, "canteen", 500))["straight_m"] == pytest.approx(92, abs=1)


def test_a_fresh_derived_table_is_read_without_a_lock(db_url: str) -> None:
    """Every coverage run checks the graph; a second request must not wait for the first."""
    from geo.migrate import upgrade

    upgrade(db_url)  # fresh
    engine = create_engine(db_url)
    with Session(engine) as first, engine.connect() as second:
        assert refresh(first, "coverage_graph", REACH_M) is False  # first's transaction stays open
        second.execute(text("SET lock_timeout = '1s'"))
        row = second.execute(
            text("SELECT stale FROM derived_tables WHERE name = 'coverage_graph' FOR UPDATE")
        ).one()  # would time out had refresh locked the row
        assert row.stale is False
        first.rollback()
    engine.dispose()


def test_the_coverage_reach_is_a_setting_the_tables_are_rebuilt_to(network: Session) -> None:
    """GRIDMAP_COVERAGE_REACH_M: a rebuild to another reach is due although nothing changed,
    and coverage answers within what was built."""
    assert built_reach(network) == REACH_M
    assert refresh_all(network, REACH_M) == []  # fresh at the reach they were built to
    assert refresh_all(network, 800) == ["coverage_graph", "facility_walks", "walking_areas"]
    assert built_reach(network) == 800
    stored = network.execute(text("SELECT DISTINCT threshold_m FROM walking_areas ORDER BY 1"))
    assert stored.scalars().all() == [300, 500]  # 1,000 m is past the reach
    with pytest.raises(Unprocessable, match="800 m"):
        coverage(network, "canteen", 1000)
    row = compound_row(coverage(network, "canteen", 600))  # the walk is 510 m
    assert row["network_m"] == pytest.approx(510, abs=3)
    assert coverage(network, "canteen", 600)["network_limit_m"] == 800  # not 2 × 600
