"""`gridmap db up|down`, `migrate`, `demo`, `generate`, `serve`."""

from __future__ import annotations

import ipaddress
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import click
from sqlalchemy import text
from sqlalchemy.orm import Session

from cli.session import database_url, session_for, settings
from ops import progress
from ops.database import local_cluster
from ops.serving import APP, gunicorn_command


@click.group()
def db() -> None:
    """The project-managed local PostGIS cluster under var/ (ignored with DATABASE_URL)."""


@db.command("up")
def db_up() -> None:
    """Initialise on first use and start; print the database URL."""
    click.echo(database_url())


@db.command("down")
def db_down() -> None:
    """Stop the local cluster; its data stays under var/pg."""
    local_cluster(settings()).stop()
    click.echo("stopped")


@click.command()
def migrate() -> None:
    """Upgrade the schema to the newest migration, re-apply changed SQL definitions, rebuild
    stale derived tables."""
    from geo.coverage.derived import DERIVED
    from geo.migrate import upgrade

    with progress.task("迁移与重建", 1 + len(DERIVED)):
        upgrade(database_url(), progress=progress.step)
    click.echo("migrated to head")


@click.command()
@click.option("--force", is_flag=True, help="empty the database first")
def demo(force: bool) -> None:
    """Build the Gongshu demo district into the database."""
    from data.demo.city import build_demo

    _build(database_url(), lambda s: build_demo(s, settings()), force)


@click.command()
@click.option("--scale", "-k", type=click.IntRange(1, 50), required=True)
@click.option("--force", is_flag=True, help="empty the database first")
def generate(scale: int, force: bool) -> None:
    """Build a synthetic city SCALE times the demo (local database gridmap_scaleK)."""
    from data.demo.city import build_synthetic

    url = database_url(f"gridmap_scale{scale}")
    _build(url, lambda s: build_synthetic(s, settings(), scale), force)
    click.echo(url)


def _build(url: str, builder: Callable[[Session], object], force: bool) -> None:
    from data.bulk import is_empty, truncate_all
    from data.demo.city import BUILD_STEPS, DISTRICT_TABLES
    from geo.migrate import upgrade

    upgrade(url)
    with session_for(url) as session:
        if not is_empty(session):
            if not force:
                click.echo("the database already holds a district; use --force", err=True)
                sys.exit(2)
            truncate_all(session, DISTRICT_TABLES)
        t0 = time.perf_counter()
        with progress.task("建设城区", BUILD_STEPS):
            report = builder(session)
        session.commit()
        analyze(session)
    counts = getattr(report, "counts", {})
    click.echo(
        json.dumps(
            {"counts": counts, "seconds": round(time.perf_counter() - t0, 1)}, ensure_ascii=False
        )
    )


def analyze(session: Session) -> None:
    """The planner's statistics of a district just built, at once: autovacuum gets to them
    minutes later, and until then the desk's queues were planned on no statistics (at scale
    10 the 黄灯 queue took 232 to 745 ms, and 13 ms after ANALYZE)."""
    session.execute(text("ANALYZE"))
    session.commit()


def is_loopback(bind: str) -> bool:
    """Whether HOST:PORT (or [HOST]:PORT, unix:PATH) is reached from this machine only."""
    if bind.startswith("unix:"):
        return True
    host = bind.rsplit(":", 1)[0].strip("[]") if ":" in bind else bind
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: whatever it resolves to, it may be the network


def prepare_database(local: bool = True) -> str:
    """What `serve` does first: migrations, and the demo into an empty local database. local
    (served on a loopback address only): the demo's documented passwords and key; otherwise
    only `admin`, with a random first password printed once, and a database that the
    documented passwords or key still open is not served at all (exit 2)."""
    from data.bulk import is_empty
    from data.demo.accounts import documented_credentials
    from data.demo.city import build_demo
    from geo.migrate import upgrade

    url = database_url()
    upgrade(url)
    with session_for(url) as session:
        if not settings().database_url and is_empty(session):
            click.echo("empty database: building the Gongshu demo district …")
            report = build_demo(session, settings(), documented=local)
            session.commit()
            analyze(session)
            click.echo(json.dumps(report.counts, ensure_ascii=False))
            if report.first_password:
                click.echo(
                    f"first sign-in: admin / {report.first_password} (shown this once; "
                    "a new password is asked for at the first sign-in)"
                )
        if not local:
            found = documented_credentials(session, settings().demo_key)
            if found:
                click.echo(
                    "error: the demo's documented credentials still open this database ("
                    + "; ".join(found)
                    + "): served beyond this machine, anyone who read the README could sign "
                    "in. Reset those passwords (gridmap user reset-password NAME) and revoke "
                    "the key (gridmap apikey revoke KEY), or serve on 127.0.0.1.",
                    err=True,
                )
                sys.exit(2)
    return url


@click.command()
@click.option("--bind", default=None, help="HOST:PORT to listen on (default 127.0.0.1:$PORT)")
@click.option("--port", type=int, default=None, help="default $PORT or 5000 (with --bind unset)")
@click.option("--workers", type=int, default=None, help="processes, default 2 × cores + 1")
@click.option("--threads", type=int, default=4, help="threads per worker (default 4)")
@click.option(
    "--timeout", type=int, default=30, help="seconds a worker may hang before it is restarted"
)
def serve(
    bind: str | None, port: int | None, workers: int | None, threads: int, timeout: int
) -> None:
    """Serve the platform through gunicorn: threaded workers (ops/worker.py), so a slow client
    holds a thread, not a process, and is cut off past GRIDMAP_READ_TIMEOUT_S. Bind 0.0.0.0
    (or the machine's address) to serve the intranet; 127.0.0.1 behind a reverse proxy."""
    bind = bind or f"127.0.0.1:{port or settings().port}"
    local = is_loopback(bind)
    url = prepare_database(local)
    workers = workers or (2 * (os.cpu_count() or 1) + 1)
    # the workers' metrics, added up by /metrics (webmap/observe.py): a fresh folder each start
    metrics = settings().var_dir / "metrics"
    shutil.rmtree(metrics, ignore_errors=True)
    metrics.mkdir(parents=True)
    env = {**os.environ, "GRIDMAP_RESOLVED_URL": url, "PROMETHEUS_MULTIPROC_DIR": str(metrics)}
    click.echo(f"gridmap on http://{bind} ({workers} workers × {threads} threads)")
    if not settings().database_url and local:  # the demo: how to sign in
        from data.demo.accounts import DEMO_ACCOUNTS

        click.echo(
            "demo accounts (user / password, role): "
            + "; ".join(f"{u} / {p} ({r})" for u, r, p, _ in DEMO_ACCOUNTS)
        )
    # the notices' sender (gridmap notify), ending when this process (gunicorn after the exec) does
    notifier = [sys.executable, "-m", "cli", "notify", "--parent", str(os.getpid())]
    subprocess.Popen(notifier, env=env)  # noqa: S603 - our own command
    argv = gunicorn_command(APP, bind, workers, threads, timeout)
    os.execve(argv[0], argv, env)  # the app writes the access log (JSON lines, with ids)


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup(file: Path) -> None:
    """Write the whole database to FILE (pg_dump's custom format, PostGIS and pgRouting
    included): the running platform keeps serving meanwhile."""
    from ops.backup import BackupError
    from ops.backup import backup as dump

    try:
        size = dump(database_url(), file)
    except BackupError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    click.echo(json.dumps({"file": str(file), "bytes": size}))


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="drop the database's tables first")
def restore(file: Path, force: bool) -> None:
    """Read a backup FILE into the database (empty, or emptied with --force), in one
    transaction; then `gridmap migrate` brings an older backup up to this version."""
    from ops.backup import BackupError, tables
    from ops.backup import restore as load

    url = database_url()
    try:
        load(url, file, force)
    except BackupError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    click.echo(json.dumps({"file": str(file), "tables": len(tables(url))}))


COMMANDS = (db, migrate, demo, generate, serve, backup, restore)
