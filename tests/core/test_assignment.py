"""One rule, one text: the single-point and set forms of the assignment give the same answer,
field by field, and every path honours the snap distance the app was started with."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from data.load.upsert import load_layer
from geo.assign import OutsideDistrict, assign_set, locate
from geo.db import driver
from geo.settings import load_settings
from tests.conftest import keyed, make_app
from tests.fixtures import COMMUNITY, GRID_A, GRID_B, SETTINGS, m_point, m_poly

FIELDS = (
    "grid_code",
    "rule",
    "outside",
    "distance_m",
    "community_code",
    "street_code",
    "zone_kind",
    "zone_code",
    "party_org_code",
    "worker_id",
    "residential_building_code",
    "stairwell_branch_code",
)
SNAP_M = SETTINGS.snap_distance_m


def sample(s: Session) -> dict[str, np.ndarray]:
    """WGS84 points of each kind the rule must agree on, drawn from the demo district."""

    def pts(sql: str, **params: object) -> np.ndarray:
        rows = s.execute(text(sql), params).all()
        return np.array(rows, dtype=float).reshape(-1, 2)

    x0, y0, x1, y1 = s.execute(
        text(
            "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
            "(SELECT ST_Extent(geom) e FROM grids) x"
        )
    ).one()
    rng = np.random.default_rng(14)
    return {
        "random": np.column_stack(
            [rng.uniform(x0 - 0.003, x1 + 0.003, 600), rng.uniform(y0 - 0.003, y1 + 0.003, 600)]
        ),
        # vertices two or more grids share: exactly on a shared edge
        "shared_edge": pts(
            "SELECT ST_X(v), ST_Y(v) FROM (SELECT DISTINCT (ST_DumpPoints(geom)).geom AS v "
            "FROM grids) d WHERE (SELECT count(*) FROM grids g WHERE ST_Covers(g.geom, d.v)) > 1 "
            "ORDER BY 1, 2 LIMIT 300"
        ),
        # inside the slivers where two digitised grids overlap
        "sliver": pts(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p FROM grid_slivers "
            "ORDER BY ST_Area(geom) DESC LIMIT 200) x"
        ),
        "zone": pts(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT kind, ST_PointOnSurface(geom) p, "
            "row_number() OVER (PARTITION BY kind ORDER BY code) n FROM zone_polygons) z "
            "WHERE n <= 100"
        ),
        # inside residential buildings, some with a stairwell branch
        "residential_building": pts(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geom) p FROM "
            "residential_buildings ORDER BY code LIMIT 200) r"
        ),
        # in a band just outside the district: snapped
        "snapped": pts(
            "SELECT ST_X(g.geom), ST_Y(g.geom) FROM (SELECT ST_Union(geom) u FROM grids) d, "
            "ST_Dump(ST_GeneratePoints(ST_Difference(ST_Buffer(d.u, 0.0009), d.u), 400, 7)) g"
        ),
        "far": pts(
            "SELECT ST_X(g.geom), ST_Y(g.geom) FROM (SELECT ST_Union(geom) u FROM grids) d, "
            "ST_Dump(ST_GeneratePoints(ST_Difference(ST_Buffer(d.u, 0.02), "
            "ST_Buffer(d.u, 0.003)), 200, 8)) g"
        ),
    }


def assign_batch(s: Session, points: np.ndarray, snap_m: float) -> dict[int, tuple[object, ...]]:
    s.execute(text("DROP TABLE IF EXISTS assign_input"))
    s.execute(
        text(
            "CREATE TEMP TABLE assign_input ON COMMIT DROP AS SELECT u.id, "
            "ST_SetSRID(ST_MakePoint(u.x, u.y), 4326) AS geom "
            "FROM unnest(CAST(:ids AS bigint[]), CAST(:xs AS float8[]), CAST(:ys AS float8[])) "
            "AS u(id, x, y)"
        ),
        {"ids": list(range(len(points))), "xs": points[:, 0].tolist(), "ys": points[:, 1].tolist()},
    )
    assign_set(s, snap_m)
    cols = ", ".join(FIELDS)
    return {r[0]: tuple(r[1:]) for r in s.execute(text(f"SELECT id, {cols} FROM assign_output"))}  # noqa: S608


def test_single_point_and_set_forms_agree_field_by_field_on_2000_points(demo_url: str) -> None:
    engine = create_engine(demo_url)
    with Session(engine) as s:
        kinds = sample(s)
        for kind, p in kinds.items():
            assert len(p) >= 100, kind
        points = np.vstack(list(kinds.values()))
        assert len(points) >= 2000
        batch = assign_batch(s, points, SNAP_M)
        rules: dict[str, set[str]] = {k: set() for k in kinds}
        zone_kinds: set[str] = set()
        offset = 0
        for kind, p in kinds.items():
            for j, (x, y) in enumerate(p):
                i = offset + j
                try:
                    one = locate(driver(s), float(x), float(y), SNAP_M).row
                except OutsideDistrict:
                    assert i not in batch, (kind, x, y)
                    continue
                assert i in batch, (kind, x, y)
                assert tuple(getattr(one, f) for f in FIELDS) == batch[i], (kind, x, y)
                rules[kind].add(one.rule)
                if one.zone_kind:
                    zone_kinds.add(one.zone_kind)
            offset += len(p)
        s.rollback()
    engine.dispose()
    assert rules["shared_edge"] == {"boundary"}
    assert "boundary" in rules["sliver"]
    assert rules["snapped"] == {"snapped"}
    assert rules["far"] == set()  # every far point is outside the district in both forms
    assert zone_kinds == {"building", "business_community", "compound", "open_block"}


def test_community_fallback_is_the_party_committee_in_both_forms(session: Session) -> None:
    """Another organisation bound to the community (a couriers' mobile branch whose code sorts
    first) never takes a case: the fallback is the community party committee."""
    session.execute(
        text(
            "INSERT INTO party_orgs (code, name, kind, area_kind, area_code) "
            "VALUES ('A-MOBILE', '快递小哥流动党支部', 'mobile_branch', 'community', :m)"
        ),
        {"m": COMMUNITY},
    )
    lon, lat = m_point(300, 100)  # grid B, in no zone
    one = locate(driver(session), lon, lat, SNAP_M).row
    batch = assign_batch(session, np.array([[lon, lat]]), SNAP_M)
    assert one.party_kind == "community_committee"
    assert batch[0][FIELDS.index("party_org_code")] == one.party_org_code


FAR = (-200, 100)  # 200 m west of grid A: outside the default 100 m, inside 300 m


@pytest.fixture
def wide(db_url: str, connection):  # type: ignore[no-untyped-def]
    """The app started with GRIDMAP_SNAP_M=300."""
    settings = load_settings({"GRIDMAP_SNAP_M": "300"})
    return settings, keyed(make_app(db_url, connection, settings))


def test_locate_honours_the_apps_snap_distance(wide, client) -> None:  # type: ignore[no-untyped-def]
    _, wide_client = wide
    q = "/api/v1/locate?lon={}&lat={}".format(*m_point(*FAR))
    assert client.get(q).status_code == 422
    body = wide_client.get(q).get_json()
    assert body["rule"] == "snapped"
    assert body["distance_m"] == pytest.approx(200, abs=1)


def test_search_honours_the_apps_snap_distance(wide, client) -> None:  # type: ignore[no-untyped-def]
    _, wide_client = wide
    q = "/api/v1/search?q={},{}".format(*m_point(*FAR))
    assert client.get(q).get_json()["kind"] == "none"
    found = wide_client.get(q).get_json()
    assert found["kind"] == "point"
    assert found["results"][0]["grid"]["code"] == GRID_A


def test_batch_honours_the_apps_snap_distance(wide, client) -> None:  # type: ignore[no-untyped-def]
    _, wide_client = wide
    lon, lat = m_point(*FAR)
    body = f"lon,lat,crs,category,description\n{lon},{lat},wgs84,parking,区边\n".encode()
    headers = {"X-API-Key": "dispatch-key", "Content-Type": "text/csv"}
    narrow = client.post("/api/v1/cases/batch", data=body, headers=headers).get_json()
    assert narrow["accepted"] == 0
    wide_report = wide_client.post("/api/v1/cases/batch", data=body, headers=headers).get_json()
    assert wide_report["accepted"] == 1


def test_reassignment_honours_the_loaders_snap_distance(wide, session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings, wide_client = wide
    lon, lat = m_point(-150, 100)
    case = wide_client.post(
        "/api/v1/cases",
        json={"lon": lon, "lat": lat, "category": "parking", "description": "区边停车"},
    ).get_json()
    assert case["assignment"]["distance_m"] == pytest.approx(150, abs=1)
    # Grid A shrinks to x 100–200: the case is now 250 m away, within 300 m only.
    f = tmp_path / "grids.geojson"
    gpd.GeoDataFrame(
        {"code": [GRID_A, GRID_B], "name": ["一", "二"], "community_code": [COMMUNITY] * 2},
        geometry=[
            m_poly((100, 0), (200, 0), (200, 200), (100, 200)),
            m_poly((200, 0), (400, 0), (400, 200), (200, 200)),
        ],
        crs=4326,
    ).to_file(f)
    report = load_layer(session, settings, "grids", f)
    assert report.reassigned_cases == 1
    moved = wide_client.get(f"/api/v1/cases/{case['id']}").get_json()["assignment"]
    assert moved["grid"]["code"] == GRID_A
    assert moved["distance_m"] == pytest.approx(250, abs=1)


def test_pending_cases_are_assigned_in_pieces_of_whole_months_or_a_months_parts(
    session: Session,
) -> None:
    """assign_pending works a piece at a time: small months that follow each other together,
    a month of more cases than a piece holds in parts by id. Every pending case is assigned
    exactly once, as the point rule assigns it, and no piece holds more than it may."""
    from geo.assign import Piece, assign_pending, pieces
    from geo.sql.loader import query

    category = session.execute(text("SELECT code FROM categories LIMIT 1")).scalar_one()
    months = {  # months back from now: how many cases
        5: 1,
        4: 2,
        3: 1,
        2: 6,  # more than a piece: in parts
        1: 1,
        0: 2,
    }
    session.execute(text("SELECT ensure_case_months(now() - interval '6 months', now())"))
    rng = np.random.default_rng(7)
    for back, count in months.items():
        for _ in range(count):
            lon, lat = m_point(float(rng.uniform(10, 390)), float(rng.uniform(10, 190)))
            session.execute(
                text(
                    "INSERT INTO cases (received_lon, received_lat, received_crs, geom, "
                    "category_code, description, source, status, created_at, updated_at, "
                    "due_at) VALUES (:x, :y, 'wgs84', ST_SetSRID(ST_MakePoint(:x, :y), 4326), "
                    ":c, '分批指派', 'import', 'reported', :at, :at, :at + interval '3 days')"
                ),
                {"x": lon, "y": lat, "c": category}
                | {
                    "at": session.execute(
                        text(
                            "SELECT date_trunc('month', now()) - make_interval(months => :b) "
                            "+ interval '10 days'"
                        ),
                        {"b": back},
                    ).scalar_one()
                },
            )
    most = 4
    parts = [
        Piece(*r)
        for r in session.execute(text(query("assign_apply", "pending_pieces")), {"piece": most})
    ]
    made = pieces(parts, most)
    assert [p.n for p in made] == [4, 4, 2, 3]  # months 5 to 3; 2 in two parts; 1 and 0
    assert all(p.n <= most for p in made)

    placed = assign_pending(session, SNAP_M, most=most)
    assert placed == sum(months.values())
    rows = session.execute(
        text(
            "SELECT received_lon, received_lat, grid_code, rule FROM cases WHERE source = 'import'"
        )
    ).all()
    assert len(rows) == placed
    for lon, lat, grid, rule in rows:
        one = locate(driver(session), lon, lat, SNAP_M).row
        assert (grid, rule) == (one.grid_code, one.rule)
