"""Renewal (有机更新) projects (issue #17): signatures recorded with a per-row report, progress by
building, group and day, exports; the demo's 浙工新村 figures as published."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pyogrio
import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.conftest import keyed
from tests.fixtures import COMPOUND, SETTINGS, m_box


@pytest.fixture
def project(session: Session) -> int:
    """Two buildings in the fixture compound (3 and 2 households), groups 甲 and 乙."""
    for code, name, box in (
        ("RB1", "1幢", m_box(40, 40, 80, 60)),
        ("RB2", "2幢", m_box(100, 40, 140, 60)),
    ):
        session.execute(
            text(
                "INSERT INTO residential_buildings (code, name, compound_code, households, geom) "
                "VALUES (:c, :n, :x, 3, ST_Multi(ST_GeomFromText(:g, 4326)))"
            ),
            {"c": code, "n": name, "x": COMPOUND, "g": box.wkt},
        )
    pid = session.execute(
        text(
            "INSERT INTO renewal_projects (name, compound_code, started_on, mobilised_on) "
            "VALUES ('测试更新', :x, DATE '2024-03-01', DATE '2024-03-11') RETURNING id"
        ),
        {"x": COMPOUND},
    ).scalar_one()
    session.execute(
        text(
            "INSERT INTO renewal_buildings (project_id, building_code, households, "
            "representative, group_name) VALUES (:p, 'RB1', 3, '1幢代表', '甲'), "
            "(:p, 'RB2', 2, NULL, '乙')"
        ),
        {"p": pid},
    )
    return int(pid)


def at(day: str, hour: int = 10) -> str:
    return f"{day}T{hour:02d}:00:00+08:00"


def test_signatures_are_checked_row_by_row_and_progress_adds_up(app, project: int) -> None:  # type: ignore[no-untyped-def]
    staff = keyed(app, "community-key")
    future = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    report = staff.post(
        f"/api/v1/renewal/projects/{project}/signings",
        json={
            "signings": [
                {"building_code": "RB1", "household": "1单元101", "signed_at": at("2024-03-11")},
                {"building_code": "RB1", "household": "1单元102", "signed_at": at("2024-03-12")},
                {"building_code": "RB1", "household": "1单元102", "signed_at": at("2024-03-13")},
                {"building_code": "RB9", "household": "1单元101", "signed_at": at("2024-03-12")},
                {"building_code": "RB2", "household": "1单元101", "signed_at": at("2024-02-01")},
                {"building_code": "RB2", "household": "1单元101", "signed_at": future},
                {
                    "building_code": "RB2",
                    "household": "1单元101",
                    "signed_at": at("2024-03-12", 23),
                },
                {"building_code": "RB2", "household": "1单元102", "signed_at": at("2024-03-20")},
                {"building_code": "RB2", "household": "1单元103", "signed_at": at("2024-03-21")},
            ]
        },
    ).get_json()
    assert report["accepted"] == 4
    reasons = {r["row"]: r["reason"] for r in report["rejected"]}
    assert "signed already" in reasons[3]
    assert "not in the project" in reasons[4]
    assert "before the project began" in reasons[5]
    assert "in the future" in reasons[6]
    assert "all signed" in reasons[9]
    naive = staff.post(
        f"/api/v1/renewal/projects/{project}/signings",
        json={
            "signings": [
                {"building_code": "RB1", "household": "x", "signed_at": "2024-03-12T10:00:00"}
            ]
        },
    )
    assert naive.status_code == 400  # a time without its zone is refused
    assert (
        keyed(app, "outsider-key")
        .post(
            f"/api/v1/renewal/projects/{project}/signings",
            json={
                "signings": [
                    {"building_code": "RB1", "household": "x", "signed_at": at("2024-03-12")}
                ]
            },
        )
        .status_code
        == 403
    )
    p = staff.get(f"/api/v1/renewal/projects/{project}").get_json()
    assert (p["households"], p["signed"], p["rate_pct"]) == (5, 4, 80.0)
    assert p["days"] == 19
    assert p["last_signed_on"] == "2024-03-20"
    assert p["representatives"] == 1
    assert {b["representative"] for b in p["buildings"]} >= {"1幢代表"}
    # a representative is a resident: by name only to those who may record the signings
    seen = keyed(app, "planner-key").get(f"/api/v1/renewal/projects/{project}").get_json()
    assert "1幢代表" not in {b["representative"] for b in seen["buildings"]}
    exported = keyed(app, "planner-key").get(
        f"/api/v1/renewal/projects/{project}/export?format=csv&table=buildings"
    )
    assert "1幢代表" not in exported.get_data(as_text=True)
    groups = {g["name"]: g for g in p["groups"]}
    assert (groups["乙"]["signed"], groups["乙"]["households"], groups["乙"]["complete"]) == (
        2,
        2,
        True,
    )
    assert groups["甲"]["rate_pct"] == 66.67
    assert not groups["甲"]["complete"]
    # 23:00 Beijing on the 12th is the 12th, not the 12th in UTC's terms the day before
    assert [(d["date"], d["since_mobilisation"], d["cumulative"]) for d in p["daily"]] == [
        ("2024-03-11", 0, 1),
        ("2024-03-12", 1, 3),
        ("2024-03-20", 9, 4),
    ]


def test_exports_open_with_chinese_headers(app, project: int, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    staff = keyed(app, "community-key")
    staff.post(
        f"/api/v1/renewal/projects/{project}/signings",
        json={
            "signings": [
                {"building_code": "RB1", "household": "101", "signed_at": at("2024-03-12")}
            ]
        },
    )
    csv = staff.get(f"/api/v1/renewal/projects/{project}/export?format=csv&table=groups")
    assert csv.data.startswith("\ufeff".encode())
    groups = pd.read_csv(io.BytesIO(csv.data), encoding="utf-8-sig")
    assert list(groups.columns)[:3] == ["工作组", "楼幢", "户数"]
    assert groups.set_index("工作组").loc["甲", "已签约"] == 1
    xlsx = staff.get(f"/api/v1/renewal/projects/{project}/export?format=xlsx")
    f = tmp_path / "p.xlsx"
    f.write_bytes(xlsx.data)
    assert [name for name, _ in pyogrio.list_layers(f)] == ["楼幢", "工作组", "每日进度"]
    sheet = pyogrio.read_dataframe(f, layer="楼幢")
    assert sheet["楼幢"].tolist() == ["1幢", "2幢"]
    assert staff.get("/api/v1/renewal/projects/999999").status_code == 404


@pytest.mark.demo
def test_the_demo_reproduces_zhegong_xincun(demo_url: str) -> None:
    """548 households, 547 signed in 85 days (99.82 %), 13 representatives, mobilisation on
    22 April 2023, the last signature on 30 June 2023, 二组: two buildings, 80 households, all
    signed."""
    from webmap import create_app

    c = keyed(create_app({"DATABASE_URL": demo_url, "SETTINGS": SETTINGS}), SETTINGS.demo_key)
    (listed,) = c.get("/api/v1/renewal/projects").get_json()
    p = c.get(f"/api/v1/renewal/projects/{listed['id']}").get_json()
    assert p["compound"]["name"] == "浙工新村"
    assert (p["households"], p["signed"], p["rate_pct"], p["days"]) == (548, 547, 99.82, 85)
    assert (p["representatives"], p["building_count"]) == (13, 13)
    assert (p["mobilised_on"], p["last_signed_on"]) == ("2023-04-22", "2023-06-30")
    two = next(g for g in p["groups"] if g["name"] == "二组")
    assert (len(two["buildings"]), two["households"], two["signed"]) == (2, 80, 80)
    assert two["last_signed_on"] == "2023-06-30"
    assert p["daily"][-1] == {
        "date": "2023-06-30",
        "since_mobilisation": 69,
        "signed": 1,
        "cumulative": 547,
        "rate_pct": 99.82,
    }
    compound = c.get(f"/api/v1/compounds/{p['compound']['code']}").get_json()
    assert compound["renewal_projects"][0]["rate_pct"] == 99.82
