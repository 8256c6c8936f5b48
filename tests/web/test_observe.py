"""Request ids, JSON logs and Prometheus metrics (issue #20), as `gridmap serve` runs the app:
several gunicorn workers, whose figures /metrics adds up whichever worker answers."""

from __future__ import annotations

import json
import logging
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import _free_port, gunicorn


def test_a_request_id_is_kept_or_made_and_logged_as_json(client) -> None:  # type: ignore[no-untyped-def]
    from ops.logs import JsonLines
    from webmap.observe import ACCESS

    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    ACCESS.addHandler(handler)
    try:
        mine = client.get("/livez", headers={"X-Request-ID": "trace-42"})
        made = client.get("/api/v1/cases/999999")
        bad = client.get("/livez", headers={"X-Request-ID": "no spaces <allowed>"})
    finally:
        ACCESS.removeHandler(handler)
    assert mine.headers["X-Request-ID"] == "trace-42"
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["X-Request-ID"])
    assert bad.headers["X-Request-ID"] != "no spaces <allowed>"
    lines = [json.loads(JsonLines().format(r)) for r in records]
    assert [line["request_id"] for line in lines] == [
        "trace-42",
        made.headers["X-Request-ID"],
        bad.headers["X-Request-ID"],
    ]
    assert lines[1]["status"] == 404
    assert lines[1]["endpoint"] == "/api/v1/cases/<int:case_id>"
    assert lines[1]["caller"] == "key"
    assert lines[1]["method"] == "GET"
    # /metrics: to the monitoring addresses (GRIDMAP_METRICS_FROM, here the default loopback)
    assert client.get("/metrics").status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 403


@pytest.fixture
def served(db_url: str, tmp_path: Path) -> Iterator[int]:
    """Three workers sharing one metrics folder, as `gridmap serve` starts them."""
    port, metrics, log = _free_port(), tmp_path / "metrics", tmp_path / "gunicorn.log"
    metrics.mkdir()
    env = {
        "PORT": str(port),
        "GRIDMAP_RESOLVED_URL": db_url,
        "GRIDMAP_RATE_LIMIT": "off",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics),
    }
    with gunicorn(env, log, workers=3, threads=2):
        yield port
    # every line is a JSON object: the app's with a request id, gunicorn's own too
    lines = [json.loads(x) for x in log.read_text().splitlines()]
    assert lines
    assert all(
        line["request_id"] for line in lines if line["logger"] not in ("webmap", "gunicorn.error")
    )
    assert any(line["message"].startswith("Booting worker") for line in lines)


def scrape(port: int) -> dict[str, float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
        text = r.read().decode()
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            out[name] = float(value)
    return out


def test_metrics_add_up_every_workers_requests(served: int) -> None:
    base = f"http://127.0.0.1:{served}"
    series = 'gridmap_http_requests_total{endpoint="/livez",method="GET",status="200"}'
    count = 'gridmap_http_request_duration_seconds_count{endpoint="/livez"}'
    before = scrape(served)
    for _ in range(60):
        urllib.request.urlopen(base + "/livez", timeout=5).read()
    seen = set()
    for _ in range(6):  # whichever worker answers, the sum is every worker's
        got = scrape(served)
        seen.add((got[series] - before[series], got[count] - before[count]))
    assert seen == {(60.0, 60.0)}
    assert any(k.startswith("gridmap_http_requests_total") and "/metrics" in k for k in got)
    refused = urllib.request.Request(base + "/metrics", headers={"X-Forwarded-For": "10.0.0.9"})
    assert urllib.request.urlopen(refused, timeout=5).status == 200  # the peer is what counts
