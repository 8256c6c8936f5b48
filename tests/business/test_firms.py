"""The firm register (issue #18): 统一社会信用代码 checked on load, per-row reasons, upsert by code,
building counts kept, the firms layer; the demo's published figures."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyogrio
import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from data.load.firms import load_firms
from geo.business.credit_code import check_char, problem
from tests.fixtures import B1, B2


def test_the_check_character_of_published_codes() -> None:
    assert problem("91110108551385082Q") is None  # a published code
    assert "should be Q" in str(problem("91110108551385082R"))
    assert "18 characters" in str(problem("9111010855138508"))
    assert "outside its set" in str(problem("9111010855138508IO"))
    assert check_char("91330105MA2H0TEXT") in "0123456789ABCDEFGHJKLMNPQRTUWXY"


def code(body: str) -> str:
    first17 = ("91330105" + body)[:17]
    return first17 + check_char(first17)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_firms_load_with_chinese_headers_and_bad_rows_get_a_reason(  # type: ignore[no-untyped-def]
    session: Session, towers, tmp_path: Path, fmt: str, client
) -> None:
    good, other = code("MA2H0AAA1"), code("MA2H0BBB2")
    rows = pd.DataFrame(
        {
            "统一社会信用代码": [
                good,
                other,
                good[:17] + ("0" if good[17] != "0" else "1"),
                "123",
                good,
                code("MA2H0CCC3"),
                code("MA2H0DDD4"),
            ],
            "企业名称": ["甲科技有限公司", "乙贸易有限公司", "丙", "丁", "重复", "戊", "己"],
            "楼宇编码": [B1, B2, B1, B1, B1, "330105999SW001LY001", B1],
            "行业": ["软件和信息服务", "商贸", None, None, None, None, None],
            "从业人员": ["35", "8", None, None, None, None, "很多"],
            "重点税源": ["是", "否", None, None, None, None, None],
            "注册资本": ["500", "50.5", None, None, None, None, None],
        }
    )
    f = tmp_path / f"firms.{fmt}"
    if fmt == "csv":
        rows.to_csv(f, index=False)
    else:
        pyogrio.write_dataframe(rows, f, driver="XLSX")
    report = load_firms(session, f)
    assert (report.inserted, report.updated) == (2, 0)
    reasons = {r["row"]: r["reason"] for r in report.rejected}
    assert "fails its check" in reasons[3]
    assert "18 characters" in reasons[4]
    assert "重复（首见于第 1 行）" in reasons[5]
    assert "未知的 building_code" in reasons[6]
    assert "employees 须为数字" in reasons[7]
    stored = session.execute(
        text("SELECT employees, key_taxpayer, registered_capital FROM firms WHERE code = :c"),
        {"c": good},
    ).one()
    assert (stored.employees, stored.key_taxpayer, float(stored.registered_capital)) == (
        35,
        True,
        500.0,
    )
    counts = dict(session.execute(text("SELECT code, firms FROM buildings")).all())
    assert (counts[B1], counts[B2]) == (1, 1)
    moved = tmp_path / "moved.csv"
    moved.write_text(f"统一社会信用代码,企业名称,楼宇编码\n{good},甲科技有限公司,{B2}\n", "utf-8")
    again = load_firms(session, moved)
    assert (again.inserted, again.updated) == (0, 1)
    counts = dict(session.execute(text("SELECT code, firms FROM buildings")).all())
    assert (counts[B1], counts[B2]) == (0, 2)  # the firm left its old building's count
    fc = client.get("/api/v1/layers/firms.geojson").get_json()
    assert {f["properties"]["code"] for f in fc["features"]} == {good, other}


@pytest.mark.demo
def test_the_demo_has_621_buildings_30000_firms_and_90_stations(demo_url: str) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(demo_url)
    with Session(engine) as s:

        def one(sql: str) -> object:
            return s.execute(text(sql)).scalar_one()

        assert one("SELECT count(*) FROM business_communities") == 30
        assert one("SELECT count(*) FROM buildings") == 621
        assert one("SELECT count(*) FROM firms") > 30_000
        assert one("SELECT sum(firms) FROM buildings") == one("SELECT count(*) FROM firms")
        assert one("SELECT count(*) FROM facilities WHERE kind = 'building_station'") > 90
        codes = s.execute(text("SELECT code FROM firms ORDER BY random() LIMIT 2000")).scalars()
        assert all(problem(c) is None for c in codes)
    engine.dispose()


@pytest.mark.demo
def test_the_demo_year_of_visits_as_the_api_returns_it(demo_url: str) -> None:
    """Key taxpayers covered above 80 %, needs closed above 90 %, fewer visits than requests,
    never two non-urgent visits of a firm within 14 days."""
    from sqlalchemy import create_engine

    from tests.conftest import keyed
    from tests.fixtures import SETTINGS
    from webmap import create_app

    c = keyed(create_app({"DATABASE_URL": demo_url, "SETTINGS": SETTINGS}), SETTINGS.demo_key)
    out = c.get("/api/v1/stats/business").get_json()
    assert out["key_taxpayer_coverage_pct"] > 80
    assert out["closure_rate_pct"] > 90
    assert out["requests"] > out["visits"] > 1000
    assert out["disturbance_saved"] > 0
    assert set(out["by_settled_level"]) == {"building", "business_community", "street", "district"}
    engine = create_engine(demo_url)
    with Session(engine) as s:
        too_close = s.execute(
            text(
                "SELECT count(*) FROM visits a JOIN visits b ON a.firm_code = b.firm_code "
                "AND a.id < b.id AND abs(a.visit_on - b.visit_on) < 14 "
                "WHERE NOT a.urgent AND NOT b.urgent"
            )
        ).scalar_one()
        assert too_close == 0
    engine.dispose()


@pytest.mark.demo
def test_xintiandi_first_year_as_published(demo_url: str) -> None:
    """新天地商务社区's first year: 286 disputes settled, 123 needs solved, 370 activities,
    2,000 firms covered; in 东新街道, as the seed says."""
    from sqlalchemy import create_engine

    from tests.conftest import keyed
    from tests.fixtures import SETTINGS
    from webmap import create_app

    engine = create_engine(demo_url)
    with engine.connect() as k:
        code = k.execute(
            text("SELECT code FROM business_communities WHERE name = '新天地商务社区'")
        ).scalar_one()
    engine.dispose()
    c = keyed(create_app({"DATABASE_URL": demo_url, "SETTINGS": SETTINGS}), SETTINGS.demo_key)
    out = c.get(f"/api/v1/business-communities/{code}").get_json()
    assert out["street_code"] == "330105018"  # 东新街道
    assert out["first_year"] == {
        "from": out["established_on"],
        "disputes_settled": 286,
        "needs_solved": 123,
        "activities": 370,
        "firms_covered": 2000,
    }
    assert c.get("/api/v1/business-communities/330105001SW999").status_code == 404


@pytest.mark.demo
def test_the_demos_courier_posts_stand_by_business_and_shops(demo_url: str) -> None:
    """The 22 小哥驿站 are "遍布在商圈、市场" (the seed): each one the locate API finds in a
    business community or an open street block, none among homes."""
    from tests.conftest import keyed
    from tests.fixtures import SETTINGS
    from webmap import create_app

    c = keyed(create_app({"DATABASE_URL": demo_url, "SETTINGS": SETTINGS}), SETTINGS.demo_key)
    posts = c.get("/api/v1/layers/facilities.geojson?kind=courier_post").get_json()["features"]
    assert len(posts) == 22
    kinds = []
    for p in posts:
        lon, lat = p["geometry"]["coordinates"]
        zone = c.get(f"/api/v1/locate?lon={lon}&lat={lat}").get_json()["zone"]
        kinds.append(zone and zone["kind"])
    assert set(kinds) <= {"business_community", "open_block", "building"}, kinds


@pytest.mark.demo
def test_building_committees_and_fengqigus_chain_branches(demo_url: str) -> None:
    """Every business building has its 楼宇治理委员会 spanning its own firms; 凤栖谷商务社区
    (东新街道) has three 产业链党支部 (生物医药, 医疗器械, 科创平台) spanning firms of several
    of its buildings; 汇金国际商务社区 is in 长庆街道 (the seed)."""
    from sqlalchemy import create_engine

    from tests.conftest import keyed
    from tests.fixtures import SETTINGS
    from webmap import create_app

    engine = create_engine(demo_url)
    with engine.connect() as k:
        codes = dict(
            k.execute(
                text(
                    "SELECT name, code FROM business_communities "
                    "WHERE name IN ('凤栖谷商务社区', '汇金国际商务社区')"
                )
            ).all()
        )
        buildings, committees, mismatched = k.execute(
            text(
                "SELECT (SELECT count(*) FROM buildings), "
                "(SELECT count(*) FROM party_orgs WHERE kind = 'building_committee'), "
                "(SELECT count(*) FROM party_org_firms x "
                " JOIN party_orgs p ON p.code = x.org_code "
                " JOIN firms f ON f.code = x.firm_code "
                " WHERE p.kind = 'building_committee' AND p.area_code <> f.building_code)"
            )
        ).one()
    engine.dispose()
    assert committees == buildings
    assert mismatched == 0
    assert codes["凤栖谷商务社区"].startswith("330105018")
    assert codes["汇金国际商务社区"].startswith("330105014")
    c = keyed(create_app({"DATABASE_URL": demo_url, "SETTINGS": SETTINGS}), SETTINGS.demo_key)
    out = c.get(f"/api/v1/business-communities/{codes['凤栖谷商务社区']}").get_json()
    chains = [o for o in out["party_orgs"] if o["kind"] == "chain_branch"]
    assert [o["name"] for o in chains] == [
        "生物医药产业链党支部",
        "医疗器械产业链党支部",
        "科创平台产业链党支部",
    ]
    assert all(o["firms"] > 0 for o in chains)
    assert all(o["kind_label"] == "产业链党支部" for o in chains)
    committees_here = [o for o in out["party_orgs"] if o["kind"] == "building_committee"]
    assert len(committees_here) == out["buildings"]
    assert sum(o["firms"] for o in committees_here) == out["firms"]
