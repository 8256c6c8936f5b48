"""`gridmap serve` from nothing: initdb under var/, demo district, gunicorn, /healthz."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def var_dir():  # type: ignore[no-untyped-def]
    d = Path(tempfile.mkdtemp(prefix="gridmap-serve-"))
    d.chmod(0o755)
    yield d
    env = {**os.environ, "GRIDMAP_VAR": str(d)}
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [str(Path(sys.executable).with_name("gridmap")), "db", "down"],
        env=env,
        capture_output=True,
        timeout=60,
    )
    shutil.rmtree(d, ignore_errors=True)


def test_serve_builds_the_demo_and_answers_healthz_within_a_minute(var_dir: Path) -> None:
    port, pg_port = free_port(), free_port()
    env = {
        **os.environ,
        "GRIDMAP_VAR": str(var_dir),
        "PORT": str(port),
        "GRIDMAP_PG_PORT": str(pg_port),
    }
    env.pop("DATABASE_URL", None)
    log = var_dir / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(Path(sys.executable).with_name("gridmap")), "serve", "--workers", "2"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        body, deadline = None, time.monotonic() + 60
        while time.monotonic() < deadline and body is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = json.load(r)
            except OSError:
                assert proc.poll() is None, log.read_text(errors="replace")
                time.sleep(0.5)
        assert body is not None, "no /healthz answer within 60 s"
        assert body["counts"]["streets"] == 18
        assert body["counts"]["compounds"] == 690
        assert (var_dir / "pg" / "data" / "PG_VERSION").exists()  # the private cluster, under var/
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
