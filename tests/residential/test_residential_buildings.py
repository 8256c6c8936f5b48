"""Residential buildings (楼幢) and stairwell branches (issue #17): loaded with Chinese headers
(bad rows refused with a reason), found by locate and stored on a case beside the unchanged
zone, listed with their compound, drawn as a layer; the demo's published figures."""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from data.load.upsert import load_layer
from tests.fixtures import COMPOUND, SETTINGS, m_box, m_point


def write(tmp_path: Path, rows: list[dict[str, object]], boxes: list[object], name: str) -> Path:
    f = tmp_path / name
    gdf = gpd.GeoDataFrame(rows, geometry=boxes, crs=4326)
    if name.endswith(".csv"):
        gdf.assign(wkt=gdf.geometry.to_wkt()).drop(columns="geometry").to_csv(f, index=False)
    else:
        with warnings.catch_warnings():  # a Shapefile cuts its field names to 10 characters
            warnings.simplefilter("ignore")
            gdf.to_file(f)
    return f


def add_buildings(session: Session) -> None:
    """Two buildings in the fixture compound; the first with a stairwell branch."""
    for code, name, box in (
        ("RB1", "1幢", m_box(40, 40, 80, 60)),
        ("RB2", "2幢", m_box(100, 40, 140, 60)),
    ):
        session.execute(
            text(
                "INSERT INTO residential_buildings (code, name, compound_code, units, floors, "
                "households, geom) VALUES (:c, :n, :x, 3, 6, 36, "
                "ST_Multi(ST_GeomFromText(:g, 4326)))"
            ),
            {"c": code, "n": name, "x": COMPOUND, "g": box.wkt},
        )
    session.execute(
        text(
            "INSERT INTO party_orgs (code, name, kind, parent_code, area_kind, area_code) VALUES "
            "('LDZB-RB1', '测试新村1幢楼道党支部', 'stairwell_branch', 'DZB' || :x, "
            "'residential_building', 'RB1')"
        ),
        {"x": COMPOUND},
    )


ENGLISH = {
    "编码": "code",
    "名称": "name",
    "小区编码": "compound_code",
    "单元数": "units",
    "层数": "floors",
    "户数": "households",
    "建成年份": "year_built",
    "电梯": "elevator",
    "电梯数": "elevators",
    "加装日期": "elevator_date",
}


@pytest.mark.parametrize("fmt", ["geojson", "csv", "gpkg", "shp"])
def test_buildings_load_with_chinese_headers_and_bad_rows_get_a_reason(
    session: Session, tmp_path: Path, fmt: str
) -> None:
    base = {"小区编码": COMPOUND, "单元数": 3, "层数": 6}
    rows = [
        {
            **base,
            "编码": "B1",
            "名称": "1幢",
            "户数": 36,
            "建成年份": 1988,
            "电梯": "加装",
            "加装日期": "2021-05-01",
        },
        {**base, "编码": "B2", "名称": "2幢", "户数": 30, "电梯": "无"},
        {**base, "编码": "B3", "名称": "3幢", "户数": 30, "电梯": "有"},
        {**base, "编码": "B4", "名称": "4幢", "户数": 30, "电梯": "无", "电梯数": 2},
        {**base, "编码": "B5", "名称": "5幢", "户数": 30, "小区编码": "330105999999XQ001"},
        {**base, "编码": "B6", "名称": "6幢", "户数": -3},
    ]
    if fmt == "shp":  # a dBase field name holds 10 bytes, three Chinese characters in UTF-8
        rows = [{ENGLISH[k]: v for k, v in r.items()} for r in rows]
    boxes = [m_box(30 + 20 * i, 100, 45 + 20 * i, 115) for i in range(len(rows))]
    report = load_layer(
        session, SETTINGS, "residential_buildings", write(tmp_path, rows, boxes, f"b.{fmt}")
    )
    assert report.inserted == 2
    reasons = {r["code"]: r["reason"] for r in report.rejected}
    assert "elevator「有」不在 无/原有/加装/更新 之中" in reasons["B3"]
    assert "elevator「无」却有 2 部电梯" in reasons["B4"]
    assert "未知的 compound_code「330105999999XQ001」" in reasons["B5"]
    assert "≥ 0 的整数" in reasons["B6"]
    stored = session.execute(
        text(
            "SELECT code, compound_code, units, floors, households, year_built, elevator, "
            "elevators, elevator_date::text FROM residential_buildings ORDER BY code"
        )
    ).all()
    assert [tuple(r) for r in stored] == [
        ("B1", COMPOUND, 3, 6, 36, 1988, "加装", 3, "2021-05-01"),  # one lift per unit
        ("B2", COMPOUND, 3, 6, 30, None, "无", 0, None),
    ]


def test_locate_and_a_case_gain_the_building_and_its_stairwell_branch(
    client, session: Session
) -> None:  # type: ignore[no-untyped-def]
    add_buildings(session)
    lon, lat = m_point(60, 50)
    a = client.get(f"/api/v1/locate?lon={lon}&lat={lat}").get_json()
    assert a["residential_building"] == {"code": "RB1", "name": "1幢"}
    assert a["stairwell_branch"] == {"code": "LDZB-RB1", "name": "测试新村1幢楼道党支部"}
    assert a["zone"]["code"] == COMPOUND  # the zone rule is unchanged
    assert a["party_org"]["code"] == f"DZB{COMPOUND}"  # and so is the zone's organisation
    lon2, lat2 = m_point(120, 50)
    b = client.get(f"/api/v1/locate?lon={lon2}&lat={lat2}").get_json()
    assert b["residential_building"] == {"code": "RB2", "name": "2幢"}
    assert b["stairwell_branch"] is None
    lon3, lat3 = m_point(60, 150)  # in the compound, in no building
    c = client.get(f"/api/v1/locate?lon={lon3}&lat={lat3}").get_json()
    assert c["residential_building"] is None
    assert c["stairwell_branch"] is None
    made = client.post(
        "/api/v1/cases",
        json={"lon": lon, "lat": lat, "category": "facility_repair", "description": "楼道灯坏"},
    )
    assert made.status_code == 201, made.get_json()
    case = client.get(f"/api/v1/cases/{made.get_json()['id']}").get_json()
    assert case["assignment"]["residential_building"]["code"] == "RB1"
    assert case["assignment"]["stairwell_branch"]["code"] == "LDZB-RB1"
    stored = session.execute(
        text("SELECT residential_building_code, stairwell_branch_code FROM cases WHERE id = :i"),
        {"i": made.get_json()["id"]},
    ).one()
    assert tuple(stored) == ("RB1", "LDZB-RB1")


def test_a_reload_of_buildings_moves_open_cases_with_an_event(
    client, session: Session, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    lon, lat = m_point(60, 150)
    made = client.post(
        "/api/v1/cases",
        json={"lon": lon, "lat": lat, "category": "facility_repair", "description": "门禁坏"},
    ).get_json()
    f = write(
        tmp_path,
        [{"code": "RB9", "name": "9幢", "compound_code": COMPOUND, "households": 20}],
        [m_box(40, 130, 80, 170)],
        "b.geojson",
    )
    report = load_layer(session, SETTINGS, "residential_buildings", f)
    assert report.reassigned_cases == 1
    case = client.get(f"/api/v1/cases/{made['id']}").get_json()
    assert case["assignment"]["residential_building"]["code"] == "RB9"
    assert case["events"][-1]["kind"] == "reassigned"


def test_the_compound_lists_its_buildings_and_the_layer_draws_them(
    client, session: Session
) -> None:  # type: ignore[no-untyped-def]
    add_buildings(session)
    out = client.get(f"/api/v1/compounds/{COMPOUND}").get_json()
    assert [b["code"] for b in out["residential_buildings"]] == ["RB1", "RB2"]
    assert out["residential_buildings"][0]["stairwell_branch"]["name"] == "测试新村1幢楼道党支部"
    assert out["residential_buildings"][1]["elevator"] == {"state": "无", "count": 0, "date": None}
    ind = out["indicators"]
    assert (ind["residential_buildings"], ind["stairwell_branches"]) == (2, 1)
    assert ind["elevators_added"] == {"numerator": 0, "denominator": 6, "rate": 0.0}
    fc = client.get("/api/v1/layers/residential_buildings.geojson").get_json()
    props = {f["properties"]["code"]: f["properties"] for f in fc["features"]}
    assert props["RB1"]["name"] == "1幢"
    assert props["RB1"]["compound_code"] == COMPOUND
    assert props["RB1"]["stairwell_branch"] == "测试新村1幢楼道党支部"


@pytest.mark.demo
def test_the_demo_has_the_published_buildings_branches_and_lifts(demo_url: str) -> None:
    """621 compound party organisations and 2,359 stairwell branches; 1,300 lifts added (to
    walk-ups of 4-6 floors) and 2,200 renewed (where buildings had lifts), every building of 7
    floors or more with lifts (GB 50096); households of each compound's buildings add up to
    its own; 浙工新村 548 households in 13 buildings; sizes spread with no cap."""
    from sqlalchemy import create_engine

    from tests.conftest import keyed
    from webmap import create_app

    engine = create_engine(demo_url)
    with Session(engine) as s:

        def one(sql: str) -> object:
            return s.execute(text(sql)).one()

        assert one(
            "SELECT count(*) FILTER (WHERE kind = 'compound_branch'), "
            "count(*) FILTER (WHERE kind = 'stairwell_branch'), "
            "count(*) FILTER (WHERE kind = 'stairwell_branch' "
            "AND area_kind <> 'residential_building') FROM party_orgs"
        ) == (621, 2359, 0)
        assert one(
            "SELECT count(*) FROM compounds c WHERE c.households <> "
            "(SELECT COALESCE(sum(households), 0) FROM residential_buildings b "
            "WHERE b.compound_code = c.code)"
        ) == (0,)
        assert one(  # every footprint inside its own compound
            "SELECT count(*) FROM residential_buildings b JOIN compounds c "
            "ON c.code = b.compound_code WHERE NOT ST_Within(b.geom, c.geom)"
        ) == (0,)
        assert one(
            "SELECT c.households, count(b.*) FROM compounds c JOIN residential_buildings b "
            "ON b.compound_code = c.code WHERE c.name = '浙工新村' AND c.code LIKE '330105016%' "
            "GROUP BY c.households"
        ) == (548, 13)
        top, at_top, big = one(
            "SELECT max(households), count(*) FILTER (WHERE households = "
            "(SELECT max(households) FROM compounds)), count(*) FILTER (WHERE households > 1000) "
            "FROM compounds"
        )  # type: ignore[misc]
        assert top > 2000
        assert at_top == 1
        assert big >= 10
        assert one("SELECT max(households) FROM grids") <= (500,)  # big compounds span grids
    engine.dispose()
    c = keyed(create_app({"DATABASE_URL": demo_url, "SETTINGS": SETTINGS}), SETTINGS.demo_key)
    out = c.get("/api/v1/stats/residential").get_json()
    assert out["elevators_added"]["numerator"] == 1300
    assert out["elevators_renewed"]["numerator"] == 2200
    assert out["elevators_renewed"]["denominator"] > 2200  # of the lifts buildings came with
    assert out["party_branch_coverage"]["numerator"] == 621
    assert out["party_branch_coverage"]["denominator"] == 690
    buildings = [
        f["properties"]
        for f in c.get("/api/v1/layers/residential_buildings.geojson").get_json()["features"]
    ]
    state = {b["code"]: (b["elevator"].split()[0], int(b["floors"])) for b in buildings}
    assert not [k for k, (e, floors) in state.items() if floors >= 7 and e == "无"]
    assert {floors for e, floors in state.values() if e == "加装"} <= {4, 5, 6}
    assert all(floors >= 7 for e, floors in state.values() if e in ("原有", "更新"))
    assert sum(e == "加装" for e, _ in state.values()) > 0
