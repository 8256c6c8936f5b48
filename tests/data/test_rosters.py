"""Rosters from spreadsheets (issue #32): party organisations, grid workers and residents'
societies, each row upserted or refused with its reason, nothing else changed; a worker's new
grid carries its open cases; a society's contact masked for those who may not edit its
compound."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import text

from data.load.rosters import load_roster
from tests.conftest import keyed
from tests.fixtures import COMMUNITY, COMPOUND, GRID_A, GRID_B, WORKER_A, m_point


def _csv(tmp: Path, name: str, rows: list[dict[str, str]]) -> Path:
    f = tmp / name
    with f.open("w", encoding="utf-8-sig", newline="") as out:
        w = csv.DictWriter(out, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return f


def test_party_organisations_load_with_their_parents_and_areas(session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    org = {"编码": "", "名称": "", "类型": "", "上级编码": "", "区域编码": "", "党员数": ""}
    rows = [
        {
            **org,
            "编码": "DZB-NEW",
            "名称": "新支部",
            "类型": "小区党支部",
            "上级编码": f"DW{COMMUNITY}",
            "区域编码": COMPOUND,
            "党员数": "23",
        },
        {
            **org,
            "编码": "LD-1",
            "名称": "1幢楼道党支部",
            "类型": "stairwell_branch",
            "上级编码": "DZB-NEW",
            "区域编码": COMPOUND,
        },  # its parent is the row before
        {**org, "编码": "X1", "名称": "甲", "类型": "兴趣小组", "区域编码": COMPOUND},
        {**org, "编码": "X2", "名称": "乙", "类型": "小区党支部", "区域编码": "330105999XQ001"},
        {
            **org,
            "编码": "X3",
            "名称": "丙",
            "类型": "小区党支部",
            "上级编码": "X3",
            "区域编码": COMPOUND,
        },
        {
            **org,
            "编码": "X4",
            "名称": "丁",
            "类型": "小区党支部",
            "上级编码": "NOPE",
            "区域编码": COMPOUND,
        },
        {
            **org,
            "编码": "X5",
            "名称": "戊",
            "类型": "小区党支部",
            "区域编码": COMPOUND,
            "党员数": "很多",
        },
        {**org, "编码": "", "名称": "己", "类型": "小区党支部", "区域编码": COMPOUND},
    ]
    report = load_roster(session, "party_orgs", _csv(tmp_path, "orgs.csv", rows))
    assert (report.inserted, report.updated) == (2, 0)
    reasons = {r["row"]: r["reason"] for r in report.rejected}
    assert set(reasons) == {3, 4, 5, 6, 7, 8}
    for row, word in ((3, "类型"), (4, "区域编码"), (5, "自己"), (6, "NOPE"), (7, "党员数")):
        assert word in reasons[row], (row, reasons[row])
    assert "缺少 code" in reasons[8]
    got = session.execute(
        text(
            "SELECT code, kind, parent_code, area_kind, members FROM party_orgs "
            "WHERE code IN ('DZB-NEW', 'LD-1') ORDER BY code"
        )
    ).all()
    assert [tuple(r) for r in got] == [
        ("DZB-NEW", "compound_branch", f"DW{COMMUNITY}", "compound", 23),
        ("LD-1", "stairwell_branch", "DZB-NEW", "compound", None),
    ]
    again = load_roster(session, "party_orgs", _csv(tmp_path, "again.csv", rows[:1]))
    assert (again.inserted, again.updated) == (0, 1)


def test_a_worker_roster_moves_the_grids_open_cases_to_its_worker(  # type: ignore[no-untyped-def]
    app, session, tmp_path: Path
) -> None:
    lon, lat = m_point(100, 100)
    case = (
        keyed(app, "street-key")
        .post(
            "/api/v1/cases",
            json={"lon": lon, "lat": lat, "category": "parking", "description": "名册"},
        )
        .get_json()
    )
    assert case["assignment"]["worker"]["id"] == WORKER_A
    rows = [
        {"网格员编号": "W0", "姓名": "新网格员", "电话": "13800001111", "网格编码": GRID_A},
        {"网格员编号": "W9", "姓名": "无网格", "电话": "", "网格编码": "330105001001999"},
        {"网格员编号": "W8", "姓名": "坏电话", "电话": "call me", "网格编码": GRID_B},
    ]
    report = load_roster(session, "workers", _csv(tmp_path, "workers.csv", rows))
    assert report.inserted == 1
    assert [r["row"] for r in report.rejected] == [2, 3]
    assert report.reassigned_cases >= 1  # W0 is now grid A's first worker by number
    worker = session.execute(
        text("SELECT worker_id FROM cases WHERE id = :id"), {"id": case["id"]}
    ).scalar_one()
    assert worker == "W0"


def test_societies_load_and_show_masked_to_those_who_may_not_edit(  # type: ignore[no-untyped-def]
    app, session, tmp_path: Path
) -> None:
    head = {
        "社团编码": "",
        "社团名称": "",
        "类型": "",
        "小区编码": COMPOUND,
        "人数": "",
        "成立日期": "",
        "联系人": "",
        "联系电话": "",
    }
    rows = [
        {
            **head,
            "社团编码": "S1",
            "社团名称": "太极队",
            "类型": "文体",
            "人数": "30",
            "成立日期": "2024-03-01",
            "联系人": "王小明",
            "联系电话": "13800002222",
        },
        {**head, "社团编码": "S2", "社团名称": "巡防队", "类型": "志愿", "人数": "12"},
        {**head, "社团编码": "S3", "社团名称": "怪", "类型": "秘密", "人数": "3"},
        {**head, "社团编码": "S4", "社团名称": "无家", "类型": "文体", "小区编码": "XQ0"},
        {**head, "社团编码": "S5", "社团名称": "错日", "类型": "文体", "成立日期": "去年"},
    ]
    report = load_roster(session, "societies", _csv(tmp_path, "societies.csv", rows))
    assert report.inserted == 2
    assert [r["row"] for r in report.rejected] == [3, 4, 5]
    session.commit()
    url = f"/api/v1/compounds/{COMPOUND}"
    seen = keyed(app, "worker_a-key").get(url).get_json()["societies"]
    assert [s["code"] for s in seen] == ["S1", "S2"]
    assert seen[0]["contact"] == {"name": "王**", "phone": "138****2222"}
    editor = keyed(app, "compound-key").get(url).get_json()["societies"]
    assert editor[0]["contact"] == {"name": "王小明", "phone": "13800002222"}
    stats = keyed(app, "street-key").get("/api/v1/stats/residential").get_json()
    assert stats["society_coverage"]["numerator"] == 1
    assert stats["societies"]["count"] == 2
    assert stats["societies"]["members"] == 42


def test_the_firms_a_party_organisation_spans_load_by_code(session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.fixtures import B1, add_towers

    add_towers(session)
    firm = "91330105MA2B3C4D5E"
    session.execute(
        text("INSERT INTO firms (code, name, building_code) VALUES (:c, '测试企业', :b)"),
        {"c": firm, "b": B1},
    )
    orgs = [
        {
            "编码": "LWH1",
            "名称": "楼宇1楼宇治理委员会",
            "类型": "楼宇治理委员会",
            "上级编码": "",
            "区域编码": B1,
            "党员数": "",
        }
    ]
    assert load_roster(session, "party_orgs", _csv(tmp_path, "o.csv", orgs)).inserted == 1
    rows = [
        {"党组织编码": "LWH1", "统一社会信用代码": firm},
        {"党组织编码": "LWH1", "统一社会信用代码": firm},  # held already: nothing twice
        {"党组织编码": "NOPE", "统一社会信用代码": firm},
        {"党组织编码": "LWH1", "统一社会信用代码": "91330105MA2B3C4D5X"},
    ]
    report = load_roster(session, "party_org_firms", _csv(tmp_path, "f.csv", rows))
    assert (report.inserted, report.updated) == (1, 0)
    assert [r["row"] for r in report.rejected] == [3, 4]
    assert (
        session.execute(
            text("SELECT count(*) FROM party_org_firms WHERE org_code = 'LWH1'")
        ).scalar_one()
        == 1
    )
