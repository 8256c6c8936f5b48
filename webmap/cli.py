"""The `gridmap` command: database lifecycle, loading, validation, demo, serving."""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path

import click

from geo.db import get_engine, local_cluster, make_session, resolve_url
from geo.settings import load_settings


def _session(url: str):  # type: ignore[no-untyped-def]
    return make_session(get_engine(url))


def _url(db: str | None = None) -> str:
    s = load_settings()
    if s.database_url:
        return resolve_url(s)
    cluster = local_cluster(s)
    return cluster.up(db) if db else cluster.up()


@click.group()
def main() -> None:
    """gridmap: grid-governance maps for Chinese city districts (街道 → 社区 → 网格)."""


@main.group()
def db() -> None:
    """The project-managed local PostGIS cluster under var/ (ignored with DATABASE_URL)."""


@db.command("up")
def db_up() -> None:
    """Initialise on first use and start; print the database URL."""
    click.echo(_url())


@db.command("down")
def db_down() -> None:
    """Stop the local cluster; its data stays under var/pg."""
    local_cluster(load_settings()).stop()
    click.echo("stopped")


@main.command()
def migrate() -> None:
    """Upgrade the schema to the newest migration."""
    from geo.migrate import upgrade

    upgrade(_url())
    click.echo("migrated to head")


@main.command()
@click.argument("layer")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--crs", default=None, help="wgs84 | cgcs2000 | gcj02 | bd09 | EPSG:nnnn (else from the file)"
)
@click.option(
    "--encoding", default=None, help="attribute encoding, e.g. gbk for Chinese shapefiles"
)
def load(layer: str, file: Path, crs: str | None, encoding: str | None) -> None:
    """Load FILE (GeoJSON, GeoPackage, Shapefile, CSV) into LAYER, upserting by code."""
    from data.loaders import LoadError
    from data.upsert import load_layer

    session = _session(_url())
    try:
        report = load_layer(session, layer, file, crs=crs, encoding=encoding)
        session.commit()
    except LoadError as exc:
        session.rollback()
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
    if report.rejected:
        sys.exit(1)


@main.group()
def cases() -> None:
    """Case batches."""


@cases.command("import")
@click.argument("file", type=click.Path(exists=True, path_type=Path))
def cases_import(file: Path) -> None:
    """Import cases from CSV or GeoJSON; prints the per-row report (exit 1 if rows rejected).

    A file over 100,000 rows is imported in parts, each committed on its own: run the same
    file again after a failure and only the missing parts are imported (exit 2 if none is)."""
    from data.case_batch import BatchError
    from data.case_import import import_cases

    session = _session(_url())
    fmt = "geojson" if file.suffix.lower() in (".geojson", ".json") else "csv"
    try:
        report = import_cases(
            session,
            file.read_bytes(),
            fmt,
            source=f"batch:{file.name}",
            snap_m=load_settings().snap_distance_m,
        )
        session.commit()
    except BatchError as exc:
        session.rollback()
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
    sys.exit(1 if report.rejected else 0)


@main.group()
def apikey() -> None:
    """API keys (stored hashed; a key is shown once)."""


@apikey.command("create")
@click.option("--label", required=True)
@click.option("--worker", default=None, help="bind the key to a grid worker id")
def apikey_create(label: str, worker: str | None) -> None:
    from geo.apikeys import create_key

    session = _session(_url())
    key = create_key(session, label, worker)
    session.commit()
    click.echo(key)


@apikey.command("revoke")
@click.argument("key")
def apikey_revoke(key: str) -> None:
    from geo.apikeys import revoke_key

    session = _session(_url())
    ok = revoke_key(session, key)
    session.commit()
    click.echo("revoked" if ok else "no such active key")
    sys.exit(0 if ok else 1)


@main.command()
@click.option("--min-m2", default=1.0, show_default=True, help="smallest area reported, m²")
def validate(min_m2: float) -> None:
    """Report overlapping grids, gaps, border crossings and zones outside grids (m², EPSG:4549)."""
    from geo.validate import CHECK_LABELS, small_slivers
    from geo.validate import validate as run

    session = _session(_url())
    problems = run(session, min_m2)
    for p in problems:
        click.echo(
            f"{p.check}\t{CHECK_LABELS[p.check]}\t{p.code}\t{p.other or ''}\t{p.area_m2:.1f} m²"
        )
    click.echo(f"{len(problems)} problem(s)")
    s = small_slivers(session, min_m2)
    if s.count:
        click.echo(
            f"{s.count} grid overlap(s) under {min_m2:g} m² ({s.area_m2:g} m² in all) not "
            "reported: a point in one goes to the lower grid code"
        )
    sys.exit(1 if problems else 0)


@main.command()
@click.option("--force", is_flag=True, help="empty the database first")
def demo(force: bool) -> None:
    """Build the Gongshu demo district into the database."""
    _build(_url(), lambda s: __import__("data.city").city.build_demo(s), force)


@main.command()
@click.option("--scale", "-k", type=click.IntRange(1, 50), required=True)
@click.option("--force", is_flag=True, help="empty the database first")
def generate(scale: int, force: bool) -> None:
    """Build a synthetic city SCALE times the demo (local database gridmap_scaleK)."""
    from data.city import build_synthetic

    url = _url(None if load_settings().database_url else f"gridmap_scale{scale}")
    _build(url, lambda s: build_synthetic(s, scale), force)
    click.echo(url)


def _build(url: str, builder, force: bool) -> None:  # type: ignore[no-untyped-def]
    from data.store import is_empty, truncate_all
    from geo.migrate import upgrade

    upgrade(url)
    session = _session(url)
    if not is_empty(session):
        if not force:
            click.echo("the database already holds a district; use --force to replace it", err=True)
            sys.exit(2)
        truncate_all(session)
    t0 = time.perf_counter()
    report = builder(session)
    session.commit()
    click.echo(
        json.dumps(
            {"counts": report.counts, "seconds": round(time.perf_counter() - t0, 1)},
            ensure_ascii=False,
        )
    )


def prepare_database() -> str:
    """What `serve` does first: migrations, and the demo into an empty local database."""
    from data.city import build_demo
    from data.store import is_empty
    from geo.migrate import upgrade

    settings = load_settings()
    url = _url()
    upgrade(url)
    if not settings.database_url:
        session = _session(url)
        if is_empty(session):
            click.echo("empty database: building the Gongshu demo district …")
            report = build_demo(session)
            session.commit()
            click.echo(json.dumps(report.counts, ensure_ascii=False))
        session.close()
    return url


@main.command()
@click.option("--port", type=int, default=None, help="default $PORT or 5000")
@click.option("--workers", type=int, default=None, help="default 2 × cores + 1")
def serve(port: int | None, workers: int | None) -> None:
    """Serve the platform on 127.0.0.1 through gunicorn."""
    url = prepare_database()
    port = port or load_settings().port
    workers = workers or (2 * (os.cpu_count() or 1) + 1)
    gunicorn = shutil.which("gunicorn") or str(Path(sys.executable).with_name("gunicorn"))
    env = {**os.environ, "GRIDMAP_RESOLVED_URL": url}
    click.echo(f"gridmap on http://127.0.0.1:{port} ({workers} workers)")
    os.execve(
        gunicorn,
        [
            gunicorn,
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "-",
            "webmap:create_app()",
        ],
        env,
    )
