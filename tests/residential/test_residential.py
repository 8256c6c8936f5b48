"""Residential compounds' 三方协同 (issue #17, first part): loaded with Chinese headers (bad
values rejected with a reason), indicators with numerator and denominator on a hand-made set,
one compound's three parties, and the demo's published figures."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import geopandas as gpd
import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from data.load.upsert import load_layer
from tests.fixtures import COMMUNITY, COMPOUND, SETTINGS, STREET, m_box


def load(session: Session, tmp_path: Path, rows: list[dict]) -> object:  # type: ignore[type-arg]
    f = tmp_path / "compounds.geojson"
    boxes = [m_box(20 + 40 * i, 20, 50 + 40 * i, 60) for i in range(len(rows))]
    gpd.GeoDataFrame(rows, geometry=boxes, crs=4326).to_file(f, driver="GeoJSON")
    return load_layer(session, SETTINGS, "compounds", f)


def test_three_parties_load_with_chinese_headers_and_bad_values_are_refused(  # type: ignore[no-untyped-def]
    session: Session, tmp_path: Path
) -> None:
    base = {"社区编码": COMMUNITY, "户数": 100, "小区类型": "老旧小区"}
    report = load(
        session,
        tmp_path,
        [
            {
                **base,
                "编码": f"{COMMUNITY}XQ101",
                "名称": "甲小区",
                "业委会状态": "业委会",
                "届期开始": "2023-05-01",
                "届期结束": "2028-04-30",
                "物业服务等级": "丙",
                "物业收费模式": "酬金制",
            },
            {
                **base,
                "编码": f"{COMMUNITY}XQ102",
                "名称": "乙小区",
                "业委会状态": "已成立",
                "物业服务等级": "丙",
            },
            {
                **base,
                "编码": f"{COMMUNITY}XQ103",
                "名称": "丙小区",
                "业委会状态": "物管委",
                "物业服务等级": "戊",
            },
            {
                **base,
                "编码": f"{COMMUNITY}XQ104",
                "名称": "丁小区",
                "业委会状态": "社区托管",
                "届期结束": "明年",
            },
        ],
    )
    assert report.inserted == 1  # type: ignore[attr-defined]
    reasons = {r["code"]: r["reason"] for r in report.rejected}  # type: ignore[attr-defined]
    assert (
        "committee_kind「已成立」不在 业委会/物管委/社区托管/无 之中"
        in reasons[f"{COMMUNITY}XQ102"]
    )
    assert "property_level「戊」" in reasons[f"{COMMUNITY}XQ103"]
    assert "须为日期" in reasons[f"{COMMUNITY}XQ104"]
    row = session.execute(
        text(
            "SELECT committee_kind, committee_term_start, committee_term_end, property_level, "
            "fee_model FROM compounds WHERE code = :c"
        ),
        {"c": f"{COMMUNITY}XQ101"},
    ).one()
    assert tuple(row) == ("业委会", date(2023, 5, 1), date(2028, 4, 30), "丙", "酬金制")


def test_indicators_count_numerators_and_denominators(client, session: Session) -> None:  # type: ignore[no-untyped-def]
    """Four compounds: three committees (two 业委会), two old ones both with property service
    and one graded, one term ending within 90 days."""
    soon = date.today() + timedelta(days=30)
    session.execute(
        text(
            "UPDATE compounds SET committee_kind = '业委会', committee_term_end = :soon, "
            "compound_type = '商品房' WHERE code = :c"
        ),
        {"c": COMPOUND, "soon": soon},
    )
    session.execute(
        text(
            "INSERT INTO compounds (code, name, community_code, households, compound_type, "
            "property_company, committee_kind, committee_term_end, property_level, geom) "
            "SELECT :m || v.suffix, v.name, :m, v.hh, v.kind, '某物业', v.committee, "
            "DATE '2030-01-01', v.level, geom FROM compounds, (VALUES "
            "('XQ201', '老一', 200, '老旧小区', '业委会', '丁'), "
            "('XQ202', '老二', 300, '老旧小区', '物管委', NULL), "
            "('XQ203', '回迁', 400, '回迁安置', '社区托管', '乙')) "
            "AS v(suffix, name, hh, kind, committee, level) WHERE code = :c"
        ),
        {"m": COMMUNITY, "c": COMPOUND},
    )
    out = client.get(f"/api/v1/stats/residential?street={STREET}").get_json()
    assert out["compounds"] == 4
    assert out["committee_formation"] == {"numerator": 3, "denominator": 4, "rate": 75.0}
    assert out["owners_committee"] == {"numerator": 2, "denominator": 4, "rate": 50.0}
    assert out["property_coverage_old"] == {"numerator": 2, "denominator": 2, "rate": 100.0}
    assert out["service_level_old"] == {"numerator": 1, "denominator": 2, "rate": 50.0}
    assert out["reelections_due"] == {"numerator": 1, "denominator": 3, "rate": 33.33}
    other = client.get("/api/v1/stats/residential?street=330105002").get_json()
    assert other["compounds"] == 0
    assert other["committee_formation"]["rate"] is None
    assert client.get("/api/v1/stats/residential?street=x").status_code == 400
    compound = client.get(f"/api/v1/compounds/{COMPOUND}").get_json()
    parties = compound["three_parties"]
    assert parties["owners_committee"]["kind"] == "业委会"
    assert parties["owners_committee"]["term_end"] == soon.isoformat()
    assert parties["residents_committee"]["name"].endswith("居民委员会")
    assert parties["party_org"]["name"] == "测试新村党支部"
    assert client.get("/api/v1/compounds/nope").status_code == 404


@pytest.mark.demo
def test_the_demo_reproduces_the_districts_published_figures(demo_url: str) -> None:
    """97 % of compounds with an owners' or property-management committee, the combined rate
    both articles publish (the 业委会-only share is the platform's own breakdown, labelled
    so), professional property service in every old compound, 98 % of them graded 丁 or
    better; a commissioner for every compound (一小区一专员)."""
    from tests.conftest import keyed
    from webmap import create_app

    out = (
        keyed(create_app({"DATABASE_URL": demo_url, "SETTINGS": SETTINGS}), SETTINGS.demo_key)
        .get("/api/v1/stats/residential")
        .get_json()
    )
    assert out["compounds"] == 690
    assert round(out["committee_formation"]["rate"]) == 97
    assert "物管委" in out["labels"]["committee_formation"]
    assert "平台细分" in out["labels"]["owners_committee"]
    assert out["commissioner_coverage"] == {"numerator": 690, "denominator": 690, "rate": 100.0}
    assert out["societies"]["count"] > 2000  # "2000余个群众性社团"
    assert out["property_coverage_old"]["rate"] == 100.0
    assert round(out["service_level_old"]["rate"]) == 98


def test_the_three_parties_are_edited_by_the_compounds_staff_and_commissioner(app) -> None:  # type: ignore[no-untyped-def]
    """Staff of its area and its commissioner edit; others are refused; only staff name the
    commissioner; every change is kept with who and when, old and new."""
    from tests.conftest import keyed

    url = f"/api/v1/compounds/{COMPOUND}"
    change = {"committee_kind": "物管委", "property_level": "乙", "fee_model": "酬金制"}
    for role in ("worker_a", "planner", "command", "outsider"):
        assert keyed(app, f"{role}-key").patch(url, json=change).status_code == 403, role
    assert app.test_client().patch(url, json=change).status_code == 401
    mine = keyed(app, "compound-key")
    edited = mine.patch(url, json=change)
    assert edited.status_code == 200
    parties = edited.get_json()["three_parties"]
    assert parties["owners_committee"]["kind"] == "物管委"
    assert (parties["property"]["level"], parties["property"]["fee_model"]) == ("乙", "酬金制")
    assert mine.patch(url, json={"commissioner": "compound"}).status_code == 403
    named = keyed(app, "community-key").patch(url, json={"commissioner": "compound"})
    assert named.get_json()["three_parties"]["commissioner"] == "compound"
    bad = keyed(app, "community-key")
    assert bad.patch(url, json={"commissioner": "planner"}).status_code == 422  # not one
    assert bad.patch(url, json={"property_level": "戊"}).status_code == 400
    assert bad.patch(url, json={"committee_kind": None}).status_code == 400
    assert bad.patch(url, json={"colour": "red"}).status_code == 400
    history = keyed(app, "admin-key").get(url).get_json()["changes"]
    assert [c["by"] for c in history] == ["community", "compound"]
    assert history[1]["changed"]["committee_kind"] == ["无", "物管委"]
    assert history[0]["changed"]["commissioner"] == [None, "compound"]
    # who changed what, by name, is for those who may edit the compound
    unseen = keyed(app, "planner-key").get(url).get_json()
    assert "changes" not in unseen
    assert unseen["three_parties"]["owners_committee"]["kind"] == "物管委"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_three_parties_import_from_a_spreadsheet_as_an_account(
    session: Session, tmp_path: Path, fmt: str
) -> None:
    """Attribute rows, no geometry: applied as the account would edit them (its area only,
    commissioners named by staff only), each change audited; bad rows get a reason."""
    import pandas as pd
    import pyogrio

    from data.load.three_parties import import_parties
    from geo.accounts import audit

    rows = pd.DataFrame(
        {
            "小区编码": [COMPOUND, COMPOUND, "330105002001XQ001", COMPOUND],
            "业委会状态": ["物管委", "已成立", "业委会", None],
            "届期结束": ["2027-06-30", None, None, "不详"],
            "物业服务等级": ["乙", None, None, None],
            "小区专员": [None, None, None, None],
        }
    )
    f = tmp_path / f"parties.{fmt}"
    if fmt == "csv":
        rows.to_csv(f, index=False)
    else:
        pyogrio.write_dataframe(rows, f, driver="XLSX")
    report = import_parties(session, f, "community")
    assert report.updated == 1
    reasons = {r["row"]: r["reason"] for r in report.rejected}
    assert "committee_kind「已成立」" in reasons[2]
    assert "不在您的辖区内" in reasons[3]
    assert "须为日期" in reasons[4]
    row = session.execute(
        text(
            "SELECT committee_kind, committee_term_end, property_level FROM compounds "
            "WHERE code = :c"
        ),
        {"c": COMPOUND},
    ).one()
    assert tuple(row) == ("物管委", date(2027, 6, 30), "乙")
    (entry,) = audit.read(session, target=f"compound:{COMPOUND}", action="compound.edit")
    assert entry["username"] == "community"
    assert entry["detail"]["property_level"] == [None, "乙"]
    named = tmp_path / "named.csv"
    named.write_text(f"小区编码,小区专员\n{COMPOUND},compound\n", encoding="utf-8")
    refused = import_parties(session, named, "compound")  # a commissioner names no one
    assert "只有街道、社区工作人员可以指定小区专员" in refused.rejected[0]["reason"]
    assert import_parties(session, named, "community").updated == 1


@pytest.mark.demo
def test_xiuyin_cuiyuan_has_its_twenty_odd_societies(demo_url: str) -> None:
    """秀隐翠园 (祥符街道), a new compound: "首先组建了20余个群众性社团，开展各类活动近百场"."""
    from sqlalchemy import create_engine

    from tests.conftest import keyed
    from webmap import create_app

    engine = create_engine(demo_url)
    with engine.connect() as k:
        code, kind = k.execute(
            text("SELECT code, compound_type FROM compounds WHERE name = '秀隐翠园'")
        ).one()
    engine.dispose()
    assert code.startswith("330105009")
    assert kind == "商品房"
    c = keyed(create_app({"DATABASE_URL": demo_url, "SETTINGS": SETTINGS}), SETTINGS.demo_key)
    societies = c.get(f"/api/v1/compounds/{code}").get_json()["societies"]
    assert 20 < len(societies) < 30
    assert 90 <= sum(s["activities_365d"] for s in societies) < 100
