"""Open blocks (issue #18): shops and stalls loaded with the party member who looks after each
(bad rows refused with a reason), the block's members (masked as reporters are), partner
units, rules and the cases that breach them; the demo's published blocks."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from data.load.upsert import load_layer
from tests.conftest import keyed
from tests.fixtures import COMMUNITY, SETTINGS, STREET, m_box, m_point

BLOCK = f"{COMMUNITY}JQ001"


@pytest.fixture
def block(session: Session) -> None:
    session.execute(
        text(
            "INSERT INTO open_blocks (code, name, community_code, rules, geom) VALUES "
            "(:b, '测试街区', :m, '{一米红线,门前三包}', ST_Multi(ST_GeomFromText(:g, 4326)))"
        ),
        {"b": BLOCK, "m": COMMUNITY, "g": m_box(210, 110, 390, 190).wkt},
    )
    session.execute(
        text(
            "INSERT INTO party_orgs (code, name, kind, parent_code, area_kind, area_code) "
            "VALUES ('DZZ' || :b, '测试街区临时党组织', 'block_org', 'DW' || :m, 'open_block', :b)"
        ),
        {"b": BLOCK, "m": COMMUNITY},
    )
    session.execute(
        text(
            "INSERT INTO party_members (code, name, org_code, mobile) VALUES "
            "('M1', '王小明', 'DZZ' || :b, true), ('M2', '李四', 'DZZ' || :b, false)"
        ),
        {"b": BLOCK},
    )
    session.execute(
        text(
            "INSERT INTO partner_units (code, name, kind, open_block_code) "
            "VALUES ('P1', '测试派出所', '派出所', :b)"
        ),
        {"b": BLOCK},
    )
    session.execute(text("INSERT INTO member_partners VALUES ('M1', 'P1')"))


def test_shops_load_with_their_member_and_bad_rows_get_a_reason(  # type: ignore[no-untyped-def]
    session: Session, block, tmp_path: Path
) -> None:
    rows = [
        {
            "编码": "S1",
            "名称": "好味面馆",
            "街区编码": BLOCK,
            "类型": "商铺",
            "业态": "餐饮",
            "包干党员": "M1",
        },
        {
            "编码": "S2",
            "名称": "水果摊",
            "街区编码": BLOCK,
            "类型": "摊位",
            "业态": "水果",
            "包干党员": "",
        },
        {
            "编码": "S3",
            "名称": "无名",
            "街区编码": BLOCK,
            "类型": "门面",
            "业态": None,
            "包干党员": None,
        },
        {
            "编码": "S4",
            "名称": "外街",
            "街区编码": "X",
            "类型": "商铺",
            "业态": None,
            "包干党员": None,
        },
        {
            "编码": "S5",
            "名称": "错党员",
            "街区编码": BLOCK,
            "类型": "商铺",
            "业态": None,
            "包干党员": "M9",
        },
    ]
    pts = [m_point(220 + 20 * i, 150) for i in range(len(rows))]
    f = tmp_path / "shops.geojson"
    gpd.GeoDataFrame(rows, geometry=gpd.points_from_xy(*zip(*pts, strict=True)), crs=4326).to_file(
        f
    )
    report = load_layer(session, SETTINGS, "shops", f)
    assert report.inserted == 2
    reasons = {r["code"]: r["reason"] for r in report.rejected}
    assert "kind「门面」不在 商铺/摊位/shop/stall 之中" in reasons["S3"]
    assert "未知的 open_block_code「X」" in reasons["S4"]
    assert "未知的 member_code「M9」" in reasons["S5"]
    stored = session.execute(text("SELECT code, kind, member_code FROM shops ORDER BY code")).all()
    assert [tuple(r) for r in stored] == [("S1", "shop", "M1"), ("S2", "stall", None)]


def test_a_block_shows_its_people_shops_rules_and_breaches(app, block, session: Session) -> None:  # type: ignore[no-untyped-def]
    for code, kind, member in (("S1", "shop", "M1"), ("S2", "shop", None), ("S3", "stall", "M2")):
        session.execute(
            text(
                "INSERT INTO shops (code, name, open_block_code, kind, member_code, geom) "
                "VALUES (:c, :n, :b, :k, :m, ST_SetSRID(ST_MakePoint(:x, :y), 4326))"
            ),
            {
                "c": code,
                "n": f"商铺{code}",
                "b": BLOCK,
                "k": kind,
                "m": member,
                "x": m_point(300, 150)[0],
                "y": m_point(300, 150)[1],
            },
        )
    lon, lat = m_point(300, 150)
    for category in ("outdoor_display", "outdoor_display", "frontage_duty", "noise"):
        made = keyed(app, "command-key").post(
            "/api/v1/cases",
            json={"lon": lon, "lat": lat, "category": category, "description": "街区巡查"},
        )
        assert made.status_code == 201, made.get_json()
    staff = keyed(app, "community-key").get(f"/api/v1/open-blocks/{BLOCK}").get_json()
    assert (staff["shops"], staff["stalls"], staff["covered"], staff["covered_pct"]) == (
        2,
        1,
        2,
        66.67,
    )
    assert staff["party_org"]["name"] == "测试街区临时党组织"
    assert staff["mobile_members"] == 1
    members = {m["code"]: m for m in staff["party_members"]}
    assert members["M1"]["name"] == "王小明"
    assert members["M1"]["partners"] == ["测试派出所"]
    assert {r["rule"]: r["breaches"] for r in staff["rules"]} == {"一米红线": 2, "门前三包": 1}
    masked = keyed(app, "command-key").get(f"/api/v1/open-blocks/{BLOCK}").get_json()
    assert {m["name"] for m in masked["party_members"]} == {"王**", "李*"}
    stats = keyed(app, "command-key").get(f"/api/v1/stats/blocks?street={STREET}").get_json()
    assert (stats["blocks"], stats["shops"], stats["stalls"], stats["breaches_365d"]) == (
        1,
        2,
        1,
        3,
    )
    fc = keyed(app, "command-key").get("/api/v1/layers/shops.geojson").get_json()
    assert {f["properties"]["member"] for f in fc["features"]} == {
        "已包干（M1）",
        "未包干",
        "已包干（M2）",
    }


@pytest.mark.demo
def test_the_demo_has_the_published_blocks(demo_url: str) -> None:
    from webmap import create_app

    c = keyed(create_app({"DATABASE_URL": demo_url, "SETTINGS": SETTINGS}), SETTINGS.demo_key)

    def block(name: str) -> dict:  # type: ignore[type-arg]
        code = c.get(f"/api/v1/search?q={name}").get_json()["results"][0]["code"]
        return c.get(f"/api/v1/open-blocks/{code}").get_json()  # type: ignore[no-any-return]

    hh = block("河罕上街区")
    assert (hh["shops"], hh["stalls"], hh["mobile_members"]) == (52, 25, 7)
    assert hh["covered_pct"] == 100.0
    assert hh["party_org"]["name"] == "河罕上街区临时党组织"
    assert {p["kind"] for p in hh["partner_units"]} == {"派出所", "市场监管所", "执法中队"}
    assert [r["rule"] for r in hh["rules"]] == ["一米红线", "门前三包"]
    wl = block("武林路街区")
    assert wl["shops"] == 642
    assert 380 <= wl["stalls"] <= 420


def test_members_partners_and_links_load_from_spreadsheets(  # type: ignore[no-untyped-def]
    session: Session, block, tmp_path: Path
) -> None:
    from data.load.block_people import load_block_people

    members = tmp_path / "members.csv"
    members.write_text(
        "编码,姓名,党组织编码,流动党员\nM3,赵六,DZZ" + BLOCK + ",是\nM4,钱七,DZZ-nope,否\n"
        "M5,孙八,DZZ" + BLOCK + ",也许\n",
        encoding="utf-8",
    )
    report = load_block_people(session, "party_members", members)
    assert report.inserted == 1
    reasons = {r["row"]: r["reason"] for r in report.rejected}
    assert "未知的 org_code「DZZ-nope」" in reasons[2]
    assert "mobile 须为" in reasons[3]
    units = tmp_path / "units.csv"
    units.write_text(
        f"编码,名称,类型,街区编码\nP2,测试市场监管所,市场监管所,{BLOCK}\nP3,某单位,银行,{BLOCK}\n",
        encoding="utf-8",
    )
    report = load_block_people(session, "partner_units", units)
    assert report.inserted == 1
    assert "kind「银行」" in report.rejected[0]["reason"]
    links = tmp_path / "links.csv"
    links.write_text("党员编码,联建单位编码\nM3,P2\nM3,P9\n", encoding="utf-8")
    report = load_block_people(session, "member_partners", links)
    assert report.inserted == 1
    assert "未知的 partner_code「P9」" in report.rejected[0]["reason"]
    mobile = session.execute(text("SELECT mobile FROM party_members WHERE code = 'M3'")).scalar()
    assert mobile is True


def test_the_sql_breach_categories_are_the_block_rules_categories(session: Session) -> None:
    """block_breach_categories() (the SQL that counts breaches) says what BLOCK_RULES says."""
    from geo.open_blocks.words import BLOCK_RULES, BREACH_CATEGORIES

    in_sql = session.execute(text("SELECT block_breach_categories()")).scalar_one()
    assert list(in_sql) == list(BREACH_CATEGORIES)
    assert set(BREACH_CATEGORIES) == {c for cs in BLOCK_RULES.values() for c in cs}


def test_a_block_on_the_map_is_kept_until_its_oldest_breach_leaves_the_year(  # type: ignore[no-untyped-def]
    app, block, session: Session
) -> None:
    """The blocks layer counts the breaches of the last 365 days: it says when the clock alone
    changes a block (its oldest breach leaves the count a year after it was reported), so its
    tiles are kept until then, not remade each minute; a block with no breach, as long as
    its data."""
    from geo.cases.partitions import ensure_months
    from layers.frames import feature_collection_sql, layer_params, states_changes
    from tests.fixtures import GRID_A

    assert states_changes("open_blocks")
    params = layer_params(None, m_box(200, 100, 400, 200).bounds)
    assert session.execute(text(feature_collection_sql("open_blocks")), params).one().lasts is None
    lon, lat = m_point(300, 150)
    made = keyed(app, "command-key").post(
        "/api/v1/cases",
        json={"lon": lon, "lat": lat, "category": "outdoor_display", "description": "街区巡查"},
    )
    assert made.status_code == 201, made.get_json()
    ago = session.execute(text("SELECT now() - interval '364 days'")).scalar_one()
    ensure_months(session, ago, ago)
    session.execute(  # a breach reported 364 days ago: it leaves the count in a day
        text(
            "INSERT INTO cases (received_lon, received_lat, received_crs, geom, category_code, "
            "description, status, created_at, updated_at, grid_code, community_code, "
            "street_code, zone_kind, zone_code, due_at, closed_at) VALUES (:lon, :lat, 'wgs84', "
            "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), 'frontage_duty', '去年', 'closed', "
            ":t, :t, :grid, :community, :street, 'open_block', :b, :t, :t)"
        ),
        {
            "lon": lon,
            "lat": lat,
            "t": ago,
            "grid": GRID_A,
            "community": COMMUNITY,
            "street": STREET,
            "b": BLOCK,
        },
    )
    got = session.execute(text(feature_collection_sql("open_blocks")), params).one()
    assert '"breaches": 2' in got.body or '"breaches":2' in got.body
    assert 86399 <= got.lasts <= 86400
