"""Test setup: a throwaway PostGIS cluster started here, never a developer's data.

One cluster per test session (in a temporary directory, its own socket and port), one
migrated database with small readable fixtures, and each test inside a transaction that
is rolled back (join_transaction_mode="create_savepoint", so code under test may commit).
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from geo.migrate import upgrade
from geo.settings import Settings
from ops.cluster import Cluster
from tests import fixtures

SHARED_REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Close every engine's pooled connections before the interpreter ends: left to the
    garbage collector at exit, each one warns (ResourceWarning), which this suite treats as
    an error, at a moment that depends on the collector."""
    import gc

    from geo.db import dispose_engines

    dispose_engines()
    gc.collect()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark what is slow to set up, for `make test-fast` (pytest -m "not demo and not browser")."""
    for item in items:
        names = getattr(item, "fixturenames", ())
        if "demo_url" in names:
            item.add_marker(pytest.mark.demo)
        if "browser" in names:
            item.add_marker(pytest.mark.browser)


def _free_port() -> int:
    with socket.socket() as s:  # only to pick an unused number for the socket name
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def gunicorn(
    env: dict[str, str], log: Path, workers: int, threads: int
) -> Iterator[subprocess.Popen[bytes]]:
    """The app as `gridmap serve` runs it (ops/serving.py) on env["PORT"], with env added to
    ours; yields once it answers /livez, and stops it afterwards. Its output goes to log."""
    from ops.serving import APP, gunicorn_command

    port = int(env["PORT"])
    argv = gunicorn_command(APP, f"127.0.0.1:{port}", workers, threads)
    with log.open("wb") as out:
        proc = subprocess.Popen(
            argv,
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/livez", timeout=2)
                break
            except OSError:
                assert proc.poll() is None, log.read_text(errors="replace")
                assert time.monotonic() < deadline, "no /livez within 30 s"
                time.sleep(0.2)
        yield proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


@contextmanager
def throwaway_cluster(prefix: str = "gridmap-test-pg-") -> Iterator[Cluster]:
    """A PostgreSQL cluster of its own in a temporary directory, destroyed afterwards."""
    # Not pytest's tmp_path: that is private to the user, and under root the server runs
    # as `postgres`, which must be able to reach its directory.
    root = Path(tempfile.mkdtemp(prefix=prefix))
    root.chmod(0o755)
    c = Cluster(root=root / "cluster", port=_free_port())
    c.up("gridmap")
    try:
        yield c
    finally:
        c.destroy()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    with throwaway_cluster() as c:
        yield c


@pytest.fixture(scope="session")
def db_url(cluster: Cluster) -> str:
    """A migrated database holding the small hand-made fixture district."""
    return scratch_database(cluster, "gridmap_test")


def scratch_database(cluster: Cluster, name: str) -> str:
    """A database of its own, migrated, with the small district committed: for tests whose
    code commits on its own connections (the command line, the queued rebuild)."""
    cluster.ensure_database(name)
    url = cluster.url(name)
    upgrade(url)
    engine = create_engine(url)
    with Session(engine) as s:
        fixtures.load_small_district(s)
        s.commit()
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def engine(db_url: str) -> Iterator[Engine]:
    e = create_engine(db_url)
    yield e
    e.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    conn = engine.connect()
    trans = conn.begin()
    yield conn
    trans.rollback()
    conn.close()


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    s = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    yield s
    s.close()


@pytest.fixture
def app(db_url: str, connection: Connection):  # type: ignore[no-untyped-def]
    return make_app(db_url, connection, fixtures.SETTINGS)


def make_app(db_url: str, connection: Connection, settings: Settings):  # type: ignore[no-untyped-def]
    """The app with these settings, its request sessions bound to the test's connection."""
    from webmap import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": db_url, "SETTINGS": settings})
    bound = sessionmaker(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    app.extensions["gridmap.sessionmaker"] = bound
    # Reads leave the connection's transaction alone when they close: a savepoint of their
    # own, opened before the request's write, would take the write with it when rolled back.
    app.extensions["gridmap.read_sessionmaker"] = sessionmaker(
        bind=connection, join_transaction_mode="rollback_only", expire_on_commit=False
    )
    app.extensions["gridmap.read_connect"] = lambda: connection
    app.extensions["gridmap.lent"] = connection
    return app


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    """A client of the district's command centre (role command: reads every case, masked).
    Tests of who may do what use `anonymous` or another account's key."""
    c = app.test_client()
    c.environ_base["HTTP_X_API_KEY"] = "command-key"
    return c


def keyed(app, key: str = "command-key"):  # type: ignore[no-untyped-def]
    """A test client that sends an account's API key with every request."""
    c = app.test_client()
    c.environ_base["HTTP_X_API_KEY"] = key
    return c


@pytest.fixture
def anonymous(app):  # type: ignore[no-untyped-def]
    return app.test_client()


@pytest.fixture
def runner(app):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def demo_url(cluster: Cluster) -> str:
    """A separate database with the whole Gongshu demo, built once (about 15 s)."""
    from data.demo.city import BUILD_STEPS, build_demo
    from ops import progress

    cluster.ensure_database("gridmap_demo")
    url = cluster.url("gridmap_demo")
    upgrade(url)
    engine = create_engine(url)
    with Session(engine) as s:
        if s.execute(text("SELECT count(*) FROM streets")).scalar_one() == 0:
            with progress.task("示范区", BUILD_STEPS, out=TERMINAL) as bar:
                build_demo(s, fixtures.SETTINGS)
                assert bar is not None
                DEMO_BUILD["steps"] = bar.done  # tests/data/test_demo.py: the bar's count is right
            s.commit()
    engine.dispose()
    return url


class _Terminal(io.StringIO):
    """A stream that says it is a terminal, so a progress bar draws on it."""

    def isatty(self) -> bool:
        return True


TERMINAL = _Terminal()
DEMO_BUILD: dict[str, int] = {}


@pytest.fixture(scope="session")
def shared_real() -> Path:
    if not SHARED_REAL.exists():
        pytest.skip(f"real data not present at {SHARED_REAL} (../shared is not part of a clone)")
    return SHARED_REAL


@pytest.fixture
def towers(session: Session) -> None:
    """A business community with two buildings in grid B (fixtures.BC, B1, B2)."""
    fixtures.add_towers(session)
