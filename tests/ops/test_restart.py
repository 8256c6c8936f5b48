"""A database restart under load, on the server as `gridmap serve` runs it: answers during the
outage are 503s, locate and intake succeed again within 2 s of the database's return, and
every case the server acknowledged is stored once."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from ops.cluster import Cluster
from ops.serving import APP, gunicorn_command
from tests.conftest import _free_port, scratch_database, throwaway_cluster
from tests.fixtures import m_point

CLIENTS = 6


@pytest.fixture
def own_cluster() -> Iterator[Cluster]:
    """A cluster of its own: restarting the suite's would break its pooled connections."""
    with throwaway_cluster("gridmap-restart-pg-") as c:
        yield c


def call(
    port: int, method: str, path: str, body: dict | None = None, key: str = ""
) -> tuple[int, dict]:  # type: ignore[type-arg]
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        headers = {"Content-Type": "application/json", "X-API-Key": "command-key"}
        if key:
            headers["Idempotency-Key"] = key
        c.request(method, path, body=json.dumps(body) if body else None, headers=headers)
        r = c.getresponse()
        return r.status, json.loads(r.read() or b"{}")
    except OSError:
        return 0, {}  # no answer at all (counted as a failure)
    finally:
        c.close()


def test_locate_and_intake_recover_within_two_seconds_of_a_restart(
    own_cluster: Cluster, tmp_path: Path
) -> None:
    url = scratch_database(own_cluster, "gridmap")
    port = _free_port()
    env = {**os.environ, "GRIDMAP_RESOLVED_URL": url, "GRIDMAP_RATE_LIMIT": "off"}
    argv = gunicorn_command(APP, f"127.0.0.1:{port}", workers=2, threads=4)
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            argv, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    lon, lat = m_point(100, 100)
    locate = f"/api/v1/locate?lon={lon}&lat={lat}"
    seen: list[tuple[float, str, int]] = []  # (sent at, kind, status)
    acked: dict[str, int] = {}  # idempotency key -> case id
    stop = threading.Event()

    def client(n: int) -> None:
        i = 0
        while not stop.is_set():
            t = time.monotonic()
            seen.append((t, "locate", call(port, "GET", locate)[0]))
            key, i = f"restart-{n}-{i}", i + 1
            body = {"lon": lon, "lat": lat, "category": "parking", "description": key}
            while not stop.is_set():  # the same key until acknowledged, as a client should
                t = time.monotonic()
                status, out = call(port, "POST", "/api/v1/cases", body, key)
                seen.append((t, "intake", status))
                if status in (200, 201):
                    acked[key] = int(out["id"])
                    break
                time.sleep(0.05)

    try:
        deadline = time.monotonic() + 30
        while call(port, "GET", "/healthz")[0] != 200:
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
        for t in threads:
            t.start()
        time.sleep(1.5)
        own_cluster.stop()  # pg_ctl stop -m fast: every backend ends
        down = time.monotonic()
        time.sleep(2)
        own_cluster.start()
        up = time.monotonic()
        time.sleep(4)
        stop.set()
        for t in threads:
            t.join(timeout=30)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    statuses = {s for _, _, s in seen}
    assert statuses <= {200, 201, 503}, f"answers other than 200/201/503: {statuses}"
    assert any(s == 503 for t, _, s in seen if down < t < up), "the outage was never noticed"
    for kind in ("locate", "intake"):
        after = [(t, s) for t, k, s in seen if k == kind and t > up + 2]
        assert after, kind
        assert all(s in (200, 201) for _, s in after), (kind, after[:5])
        first_ok = min(t for t, k, s in seen if k == kind and t > up and s in (200, 201))
        assert first_ok - up < 2, f"{kind} succeeded only {first_ok - up:.1f} s after the return"
    with psycopg.connect(own_cluster.conninfo("gridmap")) as conn:
        rows = conn.execute(
            "SELECT idempotency_key, count(*), min(id) FROM cases "
            "WHERE idempotency_key LIKE 'restart-%' GROUP BY 1"
        ).fetchall()
    stored = {k: (n, i) for k, n, i in rows}
    assert len(acked) > 20
    for key, case_id in acked.items():
        assert stored.get(key) == (1, case_id), key  # every acknowledged case, once
    assert all(n == 1 for n, _ in stored.values())
