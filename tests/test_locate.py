"""The assignment rule, point by point: covers, shared edges, seams, snapping, CRS, bad input."""

import math

import numpy as np
import pytest
import shapely
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo.crs import wgs84_to_bd09, wgs84_to_gcj02
from geo.db import driver
from geo.locate import OutsideDistrict, locate
from tests.fixtures import (
    COMMUNITY,
    COMPOUND,
    GRID_A,
    GRID_B,
    WORKER_A,
    _to_wgs,
    ewkt,
    m_box,
    m_point,
)


def get(client, lon: float, lat: float, crs: str | None = None):  # type: ignore[no-untyped-def]
    q = f"/api/v1/locate?lon={lon!r}&lat={lat!r}" + (f"&crs={crs}" if crs else "")
    return client.get(q)


def test_point_inside_a_compound_gets_grid_zone_branch_and_worker(client) -> None:  # type: ignore[no-untyped-def]
    body = get(client, *m_point(100, 100)).get_json()
    assert body["grid"]["code"] == GRID_A and body["rule"] == "covers"
    assert body["community"]["code"] == COMMUNITY and body["street"]["name"] == "米市巷街道"
    assert body["zone"] == {"kind": "compound", "code": COMPOUND, "name": "测试新村"}
    assert (
        body["party_org"]["code"] == f"DZB{COMPOUND}"
        and body["party_org"]["kind"] == "compound_branch"
    )
    assert body["worker"] == {"id": WORKER_A, "name": "王网格"}
    assert body["outside"] is False and body["distance_m"] == 0


def test_point_outside_any_zone_goes_to_the_community_party_committee(client) -> None:  # type: ignore[no-untyped-def]
    body = get(client, *m_point(300, 100)).get_json()
    assert body["grid"]["code"] == GRID_B and body["zone"] is None
    assert body["party_org"]["kind"] == "community_committee"


def test_point_on_shared_edge_goes_to_lower_grid_code(client) -> None:  # type: ignore[no-untyped-def]
    lon, lat = m_point(200, 100)  # a vertex of both grids: exactly on the shared edge
    body = get(client, lon, lat).get_json()
    assert body["grid"]["code"] == GRID_A == min(GRID_A, GRID_B)
    assert body["rule"] == "boundary"


def test_point_just_outside_within_snap_distance_is_snapped(client) -> None:  # type: ignore[no-untyped-def]
    body = get(client, *m_point(-40, 100)).get_json()
    assert body["grid"]["code"] == GRID_A and body["rule"] == "snapped"
    assert body["outside"] is True and body["distance_m"] == pytest.approx(40, abs=0.5)


def test_snap_distance_is_configurable(app, client) -> None:  # type: ignore[no-untyped-def]
    app.config["SNAP_DISTANCE_M"] = 30
    r = get(client, *m_point(-40, 100))
    assert r.status_code == 422 and "30 m snap distance" in r.get_json()["message"]


def test_snap_distance_comes_from_gridmap_snap_m(db_url: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from webmap import create_app

    monkeypatch.setenv("GRIDMAP_SNAP_M", "30")
    assert create_app({"DATABASE_URL": db_url}).config["SNAP_DISTANCE_M"] == 30.0


def test_point_farther_than_snap_distance_is_outside_the_district(client) -> None:  # type: ignore[no-untyped-def]
    r = get(client, *m_point(-500, 100))
    assert r.status_code == 422
    assert "outside the district" in r.get_json()["message"] and "500 m" in r.get_json()["message"]


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
        ("lon=120.0&lat=95", 422, "outside China"),
        ("lon=30.288&lat=120.0", 422, "swapped"),
        ("lon=2.35&lat=48.85", 422, "outside China"),
        ("lon=120.0&lat=30.29&crs=mars", 400, "crs"),
    ],
)
def test_bad_input_is_a_4xx_naming_the_problem(client, query: str, status: int, names: str) -> None:  # type: ignore[no-untyped-def]
    r = client.get(f"/api/v1/locate?{query}")
    assert r.status_code == status and names in r.get_json()["message"]


def test_point_on_a_seam_between_pieces_of_one_grid_is_covers_not_boundary(
    session: Session,
) -> None:
    ring = shapely.Point(1000, 1000).buffer(150, quad_segs=64)  # ~256 vertices: several pieces
    circle = shapely.transform(ring, _to_wgs)
    session.execute(
        text(
            "INSERT INTO grids (code, name, community_code, geom) "
            "VALUES ('330105001001003', '圆形网格', :m, :g)"
        ),
        {"m": COMMUNITY, "g": ewkt(circle)},
    )
    pieces = session.execute(
        text("SELECT count(*) FROM grid_parts WHERE grid_code = '330105001001003'")
    ).scalar()
    assert pieces > 1
    seam = session.execute(
        text("""
        SELECT ST_X(d.geom), ST_Y(d.geom) FROM grid_parts p, grids g, ST_DumpPoints(p.geom) d
        WHERE p.grid_code = '330105001001003' AND g.code = p.grid_code
          AND NOT ST_Intersects(d.geom, ST_Boundary(g.geom))
        LIMIT 1""")
    ).one()
    a = locate(driver(session), seam[0], seam[1])
    assert a.row.grid_code == "330105001001003" and a.row.rule == "covers"


def test_far_point_raises_with_the_distance(session: Session) -> None:
    with pytest.raises(OutsideDistrict) as err:
        locate(driver(session), *m_point(0, 2000))
    assert err.value.distance_m == pytest.approx(1800, rel=0.01)


def test_single_point_and_batch_forms_of_the_rule_agree_on_the_demo(demo_url: str) -> None:
    from sqlalchemy import create_engine

    from geo.assign import assign_input

    engine = create_engine(demo_url)
    with Session(engine) as s:
        bounds = s.execute(
            text(
                "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) "
                "FROM (SELECT ST_Extent(geom) e FROM grids) x"
            )
        ).one()
        rng = np.random.default_rng(5)
        pts = np.column_stack(
            [
                rng.uniform(bounds[0] - 0.002, bounds[2] + 0.002, 400),
                rng.uniform(bounds[1] - 0.002, bounds[3] + 0.002, 400),
            ]
        )
        vertices = s.execute(
            text(
                "SELECT ST_X(d.geom), ST_Y(d.geom) FROM "
                "(SELECT geom FROM grids ORDER BY code LIMIT 40) g, "
                "ST_DumpPoints(g.geom) d LIMIT 100"
            )
        ).all()
        pts = np.vstack([pts, np.array(vertices)])  # grid corners: shared boundaries
        s.execute(text("CREATE TEMP TABLE assign_input (id bigint, geom geometry(Point, 4326))"))
        for i, (x, y) in enumerate(pts):
            s.execute(
                text(
                    "INSERT INTO assign_input VALUES (:i, ST_SetSRID(ST_MakePoint(:x, :y), 4326))"
                ),
                {"i": i, "x": float(x), "y": float(y)},
            )
        assign_input(s)
        batch = {r.id: r for r in s.execute(text("SELECT * FROM assign_output"))}
        rules = set()
        for i, (x, y) in enumerate(pts):
            try:
                one = locate(driver(s), float(x), float(y)).row
            except OutsideDistrict:
                assert i not in batch
                continue
            b = batch[i]
            rules.add(one.rule)
            assert (
                one.grid_code,
                one.rule,
                one.zone_kind,
                one.zone_code,
                one.party_org_code,
                one.worker_id,
            ) == (b.grid_code, b.rule, b.zone_kind, b.zone_code, b.party_org_code, b.worker_id)
            assert one.distance_m == pytest.approx(b.distance_m, abs=0.1)
        assert {"covers", "boundary", "snapped"} <= rules
        s.rollback()
    engine.dispose()


def test_batch_and_single_agree_when_grids_overlap(session: Session) -> None:
    """Overlapping grids are a data error (validate reports them) but must not break a batch:
    a point inside two grids gets the lower code, rule 'boundary', in both forms."""
    from geo.assign import assign_input

    overlap = "330105001001003"
    session.execute(
        text(
            "INSERT INTO grids (code, name, community_code, households, geom) "
            "VALUES (:c, '重叠网格', :m, 10, :g)"
        ),
        {"c": overlap, "m": COMMUNITY, "g": ewkt(m_box(150, 50, 250, 150))},
    )
    pts = {1: (100, 100), 2: (175, 100), 3: (200, 100), 4: (300, 100), 5: (240, 60)}
    session.execute(text("CREATE TEMP TABLE assign_input (id bigint, geom geometry(Point, 4326))"))
    for i, (x, y) in pts.items():
        lon, lat = m_point(x, y)
        session.execute(
            text("INSERT INTO assign_input VALUES (:i, ST_SetSRID(ST_MakePoint(:x, :y), 4326))"),
            {"i": i, "x": lon, "y": lat},
        )
    assert assign_input(session) == len(pts)
    batch = {
        r.id: (r.grid_code, r.rule) for r in session.execute(text("SELECT * FROM assign_output"))
    }
    single = {i: locate(driver(session), *m_point(x, y)).row for i, (x, y) in pts.items()}
    assert batch == {i: (r.grid_code, r.rule) for i, r in single.items()}
    assert batch[1] == (GRID_A, "covers") and batch[4] == (GRID_B, "covers")
    assert batch[2] == (GRID_A, "boundary") and batch[3] == (GRID_A, "boundary")
    assert batch[5] == (GRID_B, "boundary")
