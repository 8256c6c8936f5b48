"""The `gridmap` command against its own scratch database."""

import json
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pytest
from click.testing import CliRunner

from cli import main
from geo.db import dispose_engines
from tests.conftest import scratch_database
from tests.fixtures import m_box


@pytest.fixture(scope="module")
def cli_env(cluster) -> Iterator[dict[str, str]]:  # type: ignore[no-untyped-def]
    url = scratch_database(cluster, "gridmap_cli")
    yield {"DATABASE_URL": url}
    dispose_engines(url)  # the commands ran in this process: close their pools


def streets_file(tmp_path: Path, name: str = "米市巷街道") -> Path:
    f = tmp_path / "streets.geojson"
    gpd.GeoDataFrame(
        {"code": ["330105001"], "name": [name]}, geometry=[m_box(0, 0, 100, 100)], crs=4326
    ).to_file(f)
    return f


def test_load_prints_the_report_and_reload_updates(cli_env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    first = runner.invoke(main, ["load", "streets", str(streets_file(tmp_path))], env=cli_env)
    assert first.exit_code == 0, first.output
    report = json.loads(first.output)
    assert report["inserted"] + report["updated"] == 1
    again = runner.invoke(
        main, ["load", "streets", str(streets_file(tmp_path, "改名街道"))], env=cli_env
    )
    assert json.loads(again.output)["updated"] == 1


def test_load_of_a_bad_file_exits_2_with_the_reason(cli_env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "bad.geojson"
    f.write_text("{not json")
    result = CliRunner().invoke(main, ["load", "streets", str(f)], env=cli_env)
    assert result.exit_code == 2
    assert "无法读取 bad.geojson" in result.output


def test_load_with_rejected_rows_exits_1(cli_env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "c.geojson"
    gpd.GeoDataFrame(
        {"code": ["330105001999"], "name": ["孤儿社区"], "street_code": ["330105999"]},
        geometry=[m_box(0, 0, 10, 10)],
        crs=4326,
    ).to_file(f)
    result = CliRunner().invoke(main, ["load", "communities", str(f)], env=cli_env)
    assert result.exit_code == 1
    assert "未知的 street_code" in result.output


def test_demo_refuses_to_overwrite_a_loaded_database(cli_env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    CliRunner().invoke(main, ["load", "streets", str(streets_file(tmp_path))], env=cli_env)
    result = CliRunner().invoke(main, ["demo"], env=cli_env)
    assert result.exit_code == 2
    assert "--force" in result.output


def test_validate_exits_0_on_a_clean_database(cli_env) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(main, ["validate"], env=cli_env)
    assert result.exit_code == 0
    assert "0 problem(s)" in result.output


def test_cases_import_commits_good_rows_and_lists_bad_ones(cli_env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.cases.test_batch import csv_body

    f = tmp_path / "cases.csv"
    f.write_bytes(csv_body())
    result = CliRunner().invoke(main, ["cases", "import", str(f)], env=cli_env)
    report = json.loads(result.output)
    assert result.exit_code == 1
    assert report["accepted"] == 2
    assert len(report["rejected"]) == 6


def test_apikey_create_then_revoke(cli_env) -> None:  # type: ignore[no-untyped-def]
    key = (
        CliRunner()
        .invoke(main, ["apikey", "create", "--label", "test", "--account", "street"], env=cli_env)
        .output.strip()
    )
    assert key.startswith("gm_")
    assert len(key) > 20
    assert CliRunner().invoke(main, ["apikey", "revoke", key], env=cli_env).exit_code == 0
    assert CliRunner().invoke(main, ["apikey", "revoke", key], env=cli_env).exit_code == 1


def test_user_add_list_disable_and_import(cli_env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Accounts from the command line: added (the password from stdin), listed, disabled; a
    CSV import reports each row; the audit log lists it all."""
    run = CliRunner()
    added = run.invoke(
        main,
        [
            "user",
            "add",
            "zhang",
            "--role",
            "community",
            "--area",
            "330105001001",
            "--password-stdin",
        ],
        input="a-long-password-1\n",
        env=cli_env,
    )
    assert added.exit_code == 0, added.output
    listed = run.invoke(main, ["user", "list"], env=cli_env).output
    assert "zhang\tcommunity\t330105001001" in listed
    bad_role = run.invoke(
        main, ["user", "add", "li", "--role", "mayor", "--area", "330105"], env=cli_env
    )
    assert bad_role.exit_code == 2
    assert "未知角色" in bad_role.output
    f = tmp_path / "accounts.csv"
    f.write_text(
        "用户名,角色,辖区,密码\nwang,grid_worker,330105001001001,another-password-2\n"
        "zhao,planner,nowhere,another-password-3\nzhang,street,330105001,another-password-4\n",
        encoding="utf-8-sig",
    )
    imported = run.invoke(main, ["user", "import", str(f)], env=cli_env)
    report = json.loads(imported.output)
    assert imported.exit_code == 1
    assert [r["ok"] for r in report] == [True, False, False]
    assert "不是辖区编码" in report[1]["reason"]
    assert "已存在" in report[2]["reason"]
    assert run.invoke(main, ["user", "disable", "zhang"], env=cli_env).exit_code == 0
    assert "disabled" in run.invoke(main, ["user", "list"], env=cli_env).output
    log = run.invoke(main, ["audit", "--action", "account.add"], env=cli_env).output
    assert '"target": "account:zhang"' in log


@pytest.mark.parametrize(
    ("bind", "local"),
    [
        ("127.0.0.1:5000", True),
        ("127.0.0.2:5000", True),
        ("[::1]:5000", True),
        ("localhost:5000", True),
        ("unix:/run/gridmap.sock", True),
        ("0.0.0.0:5000", False),
        ("[::]:5000", False),
        ("10.20.30.40:5000", False),
        ("gridmap.intranet:5000", False),
    ],
)
def test_which_binds_serve_this_machine_only(bind: str, local: bool) -> None:
    from cli.database import is_loopback

    assert is_loopback(bind) is local


def test_the_demo_is_not_served_to_the_network_with_its_documented_credentials(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`gridmap serve --bind 0.0.0.0:…` on the demo, whose passwords and key the README
    prints, refuses (exit 2) and names them; on 127.0.0.1 it serves (gunicorn is not started
    here: the exec is caught)."""
    import os

    started: list[list[str]] = []

    def exec_caught(path: str, argv: list[str], env: dict[str, str]) -> None:
        started.append(argv)
        raise SystemExit(0)

    monkeypatch.setattr(os, "execve", exec_caught)
    import subprocess

    spawned: list[list[str]] = []
    monkeypatch.setattr(subprocess, "Popen", lambda argv, **kw: spawned.append(argv))
    runner = CliRunner()
    env = {"DATABASE_URL": demo_url}
    out = runner.invoke(main, ["serve", "--bind", "0.0.0.0:5999"], env=env)
    assert out.exit_code == 2, out.output
    assert "admin / demo-admin-2026" in out.output
    assert "API key demo-key" in out.output
    assert started == []
    out = runner.invoke(main, ["serve", "--bind", "127.0.0.1:5999"], env=env)
    assert out.exit_code == 0, out.output
    assert len(started) == 1
    assert spawned[0][-3:-1] == ["notify", "--parent"]  # the notices' sender beside it
    dispose_engines(demo_url)


def test_a_demo_served_beyond_this_machine_gets_one_random_first_password(session) -> None:  # type: ignore[no-untyped-def]
    """Built for the network, the demo has no documented password and no key: `admin` alone,
    with a random password shown once that must be changed at the first sign-in."""
    from sqlalchemy import text

    from data.demo.accounts import documented_credentials, ensure_demo_accounts

    session.execute(text("TRUNCATE accounts, api_keys CASCADE"))  # rolled back after
    first = ensure_demo_accounts(session, None)
    assert first is not None
    assert len(first) >= 16
    rows = session.execute(text("SELECT username, must_change_password FROM accounts")).all()
    assert [tuple(r) for r in rows] == [("admin", True)]
    assert session.execute(text("SELECT count(*) FROM api_keys")).scalar() == 0
    assert documented_credentials(session, "demo-key") == []
    assert ensure_demo_accounts(session, None) is None  # printed once: never made again


def test_reset_password_prints_a_first_password_once(cli_env) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    out = runner.invoke(main, ["user", "reset-password", "street"], env=cli_env)
    assert out.exit_code == 0, out.output
    assert "street / " in out.output
    missing = runner.invoke(main, ["user", "reset-password", "nobody"], env=cli_env)
    assert missing.exit_code == 1


def test_units_and_calendar_load_with_a_per_row_report(cli_env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    units = tmp_path / "units.csv"
    units.write_text(
        "编码,名称,类型,服务区域\n"
        "U330105001CG,米市巷综合行政执法中队,department,330105001\n"
        "BAD,坏编码,department,330105001\n",
        encoding="utf-8-sig",
    )
    out = CliRunner().invoke(main, ["units", str(units)], env=cli_env)
    assert out.exit_code == 1, out.output  # a row was rejected; the good one is in
    report = json.loads(out.output)
    assert report["inserted"] + report["updated"] == 1
    assert [r["row"] for r in report["rejected"]] == [2]
    days = tmp_path / "calendar.csv"
    days.write_text(
        "日期,类型,说明\n2027-02-11,班,春节调休上班\n2027-02-16,休,春节\n2027-13-01,休,坏日期\n",
        encoding="utf-8",
    )
    out = CliRunner().invoke(main, ["calendar", str(days)], env=cli_env)
    assert out.exit_code == 1
    assert json.loads(out.output)["loaded"] == 2
    missing = CliRunner().invoke(main, ["units", str(tmp_path / "none.csv")], env=cli_env)
    assert missing.exit_code == 2


def test_report_writes_the_periods_evaluation_workbook_and_refuses_a_bad_period(
    cli_env, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    import pyogrio

    runner = CliRunner()
    out = tmp_path / "2026-11.xlsx"
    done = runner.invoke(main, ["report", "--period", "2026-11", str(out)], env=cli_env)
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["period"] == "2026-11"
    sheets = [name for name, _ in pyogrio.list_layers(out)]
    assert sheets == ["街道", "社区", "网格", "处置单位", "网格员", "指标定义"]
    bad = runner.invoke(main, ["report", "--period", "2026-13", str(out)], env=cli_env)
    assert bad.exit_code == 2
    assert "2026-11（月）" in bad.output
