"""The platform as a district's IT department installs it (issue #20): the wheel built from this
checkout, installed into a fresh virtualenv outside it, then `gridmap serve` from nothing:
initdb under the user's data folder (not inside the package), the demo district, gunicorn,
/readyz, the page assets and the demo's layers.

The fresh virtualenv borrows the test environment's dependencies (a path file to its
site-packages, whose own path files, the editable install among them, are not read), so it
needs no network; gridmap itself comes from the wheel alone."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def home():  # type: ignore[no-untyped-def]
    d = Path(tempfile.mkdtemp(prefix="gridmap-install-"))
    d.chmod(0o755)
    yield d
    env = {**os.environ, "HOME": str(d / "home")}
    env.pop("DATABASE_URL", None)
    env.pop("GRIDMAP_VAR", None)
    if (d / "env" / "bin" / "gridmap").exists():
        subprocess.run(
            [str(d / "env" / "bin" / "gridmap"), "db", "down"],
            env=env,
            capture_output=True,
            timeout=60,
            cwd=d,
        )
    shutil.rmtree(d, ignore_errors=True)


def get(url: str, key: str | None = None) -> tuple[int, bytes]:
    req = urllib.request.Request(url, headers={"X-API-Key": key} if key else {})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_the_wheel_installs_outside_the_checkout_and_serves_the_demo(home: Path) -> None:
    shutil.rmtree(ROOT / "build" / "lib", ignore_errors=True)  # no module a past build left
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"]
        + ["-w", str(home / "dist"), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = (home / "dist").glob("gridmap-*.whl")
    env_dir = home / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], check=True)
    py = env_dir / "bin" / "python"
    site = subprocess.run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site) / "borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(py), "install", "--quiet", "--no-deps"]
        + [str(wheel)],
        check=True,
        capture_output=True,
    )
    port, pg_port = free_port(), free_port()
    env = {**os.environ, "HOME": str(home / "home"), "GRIDMAP_PG_PORT": str(pg_port)}
    for name in ("DATABASE_URL", "GRIDMAP_VAR", "PYTHONPATH", "XDG_DATA_HOME"):
        env.pop(name, None)
    where = subprocess.run(
        [str(py), "-c", "import webmap, geo.sql.loader; print(webmap.__file__)"],
        env=env,
        cwd=home,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert where.startswith(site), where  # the installed copy, not the checkout
    log = home / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(env_dir / "bin" / "gridmap"), "serve", "--bind", f"127.0.0.1:{port}"]
            + ["--workers", "2", "--timeout", "60"],
            env=env,
            cwd=home,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        ready, deadline = None, time.monotonic() + 120
        while time.monotonic() < deadline and ready is None:
            try:
                status, body = get(base + "/readyz")
                if status == 200:
                    ready = json.loads(body)
            except OSError:
                assert proc.poll() is None, log.read_text(errors="replace")
                time.sleep(0.5)
        assert ready is not None, "no /readyz within 120 s\n" + log.read_text(errors="replace")
        status, body = get(base + "/livez")
        assert status == 200
        assert json.loads(body) == {"status": "alive"}
        data = home / "home" / ".local" / "share" / "gridmap"
        assert (data / "pg" / "data" / "PG_VERSION").exists()  # the private cluster is there
        health = json.loads(get(base + "/healthz")[1])
        assert health["counts"]["streets"] == 18
        assert health["counts"]["compounds"] == 690
        for asset in (
            "leaflet/leaflet.js",
            "leaflet-heat/leaflet-heat.js",
            "maplibre/maplibre-gl-csp.js",
        ):
            assert get(f"{base}/static/vendor/{asset}")[0] == 200, asset
        status, page = get(base + "/cockpit", key="demo-key")
        assert status == 200
        assert "数字驾驶舱" in page.decode()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
