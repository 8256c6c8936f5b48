"""`gridmap load`, `validate`, `cases import`, `apikey create|revoke`: the district's records."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from sqlalchemy.orm import Session

from cli.session import database_url, session_for, settings
from ops import progress


@click.command()
@click.argument("layer")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--crs", default=None, help="wgs84 | cgcs2000 | gcj02 | bd09 | EPSG:nnnn (else from the file)"
)
@click.option(
    "--encoding", default=None, help="attribute encoding, e.g. gbk for Chinese shapefiles"
)
def load(layer: str, file: Path, crs: str | None, encoding: str | None) -> None:
    """Load FILE (GeoJSON, GeoPackage, Shapefile, CSV) into LAYER, upserting by code; or a
    roster without geometry (CSV or XLSX, Chinese headers): party_orgs (编码, 名称, 类型,
    上级编码, 区域编码, 党员数), party_org_firms (党组织编码, 统一社会信用代码), riders (骑手账号,
    姓名, 驿站编码, 电话), workers
    (网格员编号, 姓名, 电话, 网格编码) or societies (社团编码, 社团名称, 类型, 小区编码, 人数,
    成立日期, 联系人, 联系电话)."""
    from data.load.rosters import TABLES, load_roster
    from data.load.upsert import load_layer

    with session_for(database_url()) as session, progress.task(f"载入 {layer}", 4):
        if layer in TABLES:
            report = load_roster(session, layer, file)
        else:
            report = load_layer(session, settings(), layer, file, crs=crs, encoding=encoding)
        session.commit()
    click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
    if report.rejected:
        sys.exit(1)


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--by", "username", required=True, help="the account the edits are made as")
def parties(file: Path, username: str) -> None:
    """Update compounds' three parties from FILE (CSV or XLSX, Chinese headers such as 小区编码,
    业委会状态, 届期开始, 届期结束, 物业公司, 物业服务等级, 物业收费模式, 小区专员), as account
    USERNAME would: inside its area, each change audited."""
    from data.load.three_parties import import_parties

    with session_for(database_url()) as session:
        report = import_parties(session, file, username)
        session.commit()
    click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
    if report.rejected:
        sys.exit(1)


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
def firms(file: Path) -> None:
    """Load the firm register from FILE (CSV or XLSX: 统一社会信用代码, 企业名称, 楼宇编码, 行业,
    从业人员, 重点税源, 注册资本), upserting by code; a per-row report."""
    from data.load.firms import load_firms

    with session_for(database_url()) as session:
        report = load_firms(session, file)
        session.commit()
    click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
    if report.rejected:
        sys.exit(1)


def _load_rows(file: Path, load: Callable[[Session, list[dict[str, str]]], dict[str, Any]]) -> None:
    """A table file's rows (text; an empty cell empty) loaded by `load` in one transaction and
    its per-row report printed: exit 1 if a row was rejected, 2 if the file cannot be read."""
    from data.load.loaders import LoadError, read_table

    try:
        table = read_table(file)
    except LoadError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    rows = [
        {str(k): "" if v is None or v != v else str(v) for k, v in r.items()}  # NaN: empty
        for r in table.to_dict("records")
    ]
    with session_for(database_url()) as session:
        report = load(session, rows)
        session.commit()
    click.echo(json.dumps(report, ensure_ascii=False, indent=1))
    if report["rejected"]:
        sys.exit(1)


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
def units(file: Path) -> None:
    """Load handling units (处置单位) from FILE (CSV or XLSX: 编码, 名称, 类型, 服务区域), upserting
    by code; a per-row report (exit 1 if a row was rejected, 2 if the file cannot be read)."""
    from geo.cases.units import load_units

    _load_rows(file, load_units)


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
def calendar(file: Path) -> None:
    """Load the district's calendar from FILE (CSV or XLSX: 日期, 类型 休|班, 说明): public
    holidays and make-up working days, for working-hour time limits; a per-row report."""
    from geo.cases.calendar import load_calendar

    _load_rows(file, load_calendar)


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
def categories(file: Path) -> None:
    """Load the case categories from FILE (CSV or XLSX: 编码, 名称, 大类, 大类编码, 国标编码,
    类型 部件|事件, 立案条件, 派遣时限 (hours, default 1), 处置时限 (hours), 工作时 是|否, 默认单位
    (CG, SJ, PCS, WY …), 需处置照片 是|否), upserting by code (codes in use keep working); a
    per-row report."""
    from geo.cases.catalogue import load_categories

    _load_rows(file, load_categories)


@click.command("block-people")
@click.argument("table", type=click.Choice(["party_members", "partner_units", "member_partners"]))
@click.argument("file", type=click.Path(path_type=Path))
def block_people(table: str, file: Path) -> None:
    """Load an open block's party members (编码, 姓名, 党组织编码, 流动党员), partner units (编码,
    名称, 类型, 街区编码) or their links (党员编码, 联建单位编码) from FILE (CSV or XLSX)."""
    from data.load.block_people import load_block_people

    with session_for(database_url()) as session:
        report = load_block_people(session, table, file)
        session.commit()
    click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
    if report.rejected:
        sys.exit(1)


@click.command()
@click.argument("layer")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--crs", type=click.Choice(["wgs84", "cgcs2000", "gcj02"]), default="wgs84")
@click.option(
    "--encoding", type=click.Choice(["gbk", "utf-8"]), default="gbk", help="Shapefile attributes"
)
@click.option(
    "--geometry",
    type=click.Choice(["wkt", "lonlat"]),
    default="wkt",
    help="CSV/XLSX: WKT or lon/lat columns",
)
def export(layer: str, file: Path, crs: str, encoding: str, geometry: str) -> None:
    """Write LAYER to FILE: .gpkg, .zip (a Shapefile), .csv (UTF-8 with BOM) or .xlsx."""
    from data.export import export as write
    from data.export import layer_frame
    from layers.registry import LAYERS

    spec = LAYERS.get(layer)
    if spec is None or spec.computed:
        raise click.BadParameter(f"no layer {layer!r}; one of {', '.join(LAYERS)}")
    fmt = {".gpkg": "gpkg", ".zip": "shp", ".shp": "shp", ".csv": "csv", ".xlsx": "xlsx"}.get(
        file.suffix.lower()
    )
    if fmt is None:
        raise click.BadParameter("FILE must end in .gpkg, .zip, .csv or .xlsx")
    with session_for(database_url()) as session:
        gdf = layer_frame(session, spec, None, {})
    file.write_bytes(write(gdf, layer, fmt, crs, encoding, geometry))  # type: ignore[arg-type]
    click.echo(f"{len(gdf)} features of {layer} → {file} ({fmt}, {crs})")


@click.group()
def cases() -> None:
    """Case batches."""


@cases.command("import")
@click.argument("file", type=click.Path(exists=True, path_type=Path))
def cases_import(file: Path) -> None:
    """Import cases from CSV or GeoJSON; prints the per-row report (exit 1 if rows rejected).

    A file over 100,000 rows is imported in parts, each committed on its own: run the same
    file again after a failure and only the missing parts are imported (exit 2 if none is)."""
    from data.load.case_batch import mapped
    from data.load.case_import import batch_source, import_cases

    fmt = "geojson" if file.suffix.lower() in (".geojson", ".json") else "csv"
    with (
        session_for(database_url()) as session,
        file.open("rb") as f,
        mapped(f) as data,
        progress.task("导入案件", 1),
    ):
        report = import_cases(
            session,
            data,
            fmt,
            source=batch_source(file.name),
            snap_m=settings().snap_distance_m,
        )
        session.commit()
    click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
    sys.exit(1 if report.rejected else 0)


@click.group()
def apikey() -> None:
    """API keys (stored hashed; a key is shown once)."""


@apikey.command("create")
@click.option("--label", required=True)
@click.option("--account", required=True, help="the account the key acts for (its role, areas)")
@click.option("--worker", default=None, help="bind the key to a grid worker id")
def apikey_create(label: str, account: str, worker: str | None) -> None:
    from geo.accounts.accounts import find_account
    from geo.accounts.apikeys import create_key
    from geo.errors import NotFound

    with session_for(database_url()) as session:
        if find_account(session, account) is None:
            raise NotFound(f"没有在用的账号「{account}」（见 gridmap user list）")
        key = create_key(session, label, worker, account=account)
        session.commit()
    click.echo(key)


@apikey.command("revoke")
@click.argument("key")
def apikey_revoke(key: str) -> None:
    from geo.accounts.apikeys import revoke_key

    with session_for(database_url()) as session:
        ok = revoke_key(session, key)
        session.commit()
    click.echo("revoked" if ok else "no such active key")
    sys.exit(0 if ok else 1)


@click.command()
@click.option("--min-m2", default=1.0, show_default=True, help="smallest area reported, m²")
def validate(min_m2: float) -> None:
    """Report overlapping grids, gaps, border crossings and zones outside grids (m², EPSG:4549)."""
    from geo.coverage.derived import refresh
    from geo.validate import CHECK_LABELS, small_slivers
    from geo.validate import validate as run

    with session_for(database_url()) as session:
        if refresh(
            session, "grid_slivers", settings().coverage_reach_m
        ):  # stale after a change made outside the loaders
            session.commit()
        problems = run(session, min_m2)
        s = small_slivers(session, min_m2)
    for p in problems:
        click.echo(
            f"{p.check}\t{CHECK_LABELS[p.check]}\t{p.code}\t{p.other or ''}\t{p.area_m2:.1f} m²"
        )
    click.echo(f"{len(problems)} problem(s)")
    if s.count:
        click.echo(
            f"{s.count} grid overlap(s) under {min_m2:g} m² ({s.area_m2:g} m² in all) not "
            "reported: a point in one goes to the lower grid code"
        )
    sys.exit(1 if problems else 0)


@click.command()
@click.option("--period", required=True, help="a month 2026-11, a quarter 2026-Q4 or a year 2026")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def report(period: str, file: Path) -> None:
    """The period's evaluation (综合评价) as a workbook FILE.xlsx: a sheet per level (街道, 社区,
    网格, 处置单位, 网格员), ranked, Chinese headers, and the indicators' definitions; the
    whole district."""
    from data.evaluation_report import evaluation_workbook
    from geo.errors import Unprocessable

    with session_for(database_url()) as session:
        try:
            data = evaluation_workbook(session, period, None)
        except Unprocessable as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)
    file.write_bytes(data)
    click.echo(json.dumps({"file": str(file), "bytes": len(data), "period": period}))


COMMANDS = (
    report,
    load,
    parties,
    firms,
    units,
    calendar,
    categories,
    block_people,
    export,
    cases,
    apikey,
    validate,
)
