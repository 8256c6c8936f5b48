"""The server as `gridmap serve` runs it (ops/serving.py, ops/worker.py): clients that trickle
their request are cut off at the read deadline and never keep the others waiting; no banner."""

from __future__ import annotations

import http.client
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import _free_port, gunicorn


@pytest.fixture
def server(db_url: str, tmp_path: Path) -> Iterator[int]:
    """One worker of two threads, a 2 s read deadline, rate limits off."""
    port = _free_port()
    env = {
        "PORT": str(port),
        "GRIDMAP_RESOLVED_URL": db_url,
        "GRIDMAP_READ_TIMEOUT_S": "2",
        "GRIDMAP_RATE_LIMIT": "off",
    }
    with gunicorn(env, tmp_path / "gunicorn.log", workers=1, threads=2):
        yield port


def get(
    port: int, path: str, timeout: float, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str]]:
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("GET", path, headers=headers or {})
        r = c.getresponse()
        r.read()
        return r.status, dict(r.getheaders())
    finally:
        c.close()


def trickle(port: int, head: bytes) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(head)
    return s


def test_clients_trickling_their_request_are_cut_off_and_starve_no_one(server: int) -> None:
    """Four clients (twice the threads) send a byte of their head, or of their body, every
    half second: each is closed at the 2 s deadline, and /healthz, asked meanwhile, answers
    within a few seconds, not after the clients give up."""
    heads = [b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: "] * 2 + [
        b"POST /api/v1/cases HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 1000\r\n\r\n{"
    ] * 2
    slow = [trickle(server, h) for h in heads]
    t0 = time.monotonic()
    status, headers = get(server, "/healthz", timeout=10)
    waited = time.monotonic() - t0
    assert status == 200
    assert waited < 5, f"/healthz waited {waited:.1f} s behind the slow clients"
    assert "Server" not in headers  # no banner
    closed_at = []
    for s in slow:
        s.settimeout(0.5)
        while True:
            try:
                s.sendall(b"a")
                data = s.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                data = b""
            if data == b"" or data.startswith(b"HTTP/1.1 408"):  # a body: 408, a head: closed
                closed_at.append(time.monotonic() - t0)
                break
            assert not data.startswith(b"HTTP/1.1 5"), data
            assert time.monotonic() - t0 < 15, "a trickling client was never cut off"
        s.close()
    assert max(closed_at) < 8


def test_the_read_deadline_does_not_cut_a_client_that_sends_in_time(server: int) -> None:
    """Kept-alive requests each get the whole deadline: three requests 1.2 s apart on one
    connection (3.6 s in all, past the 2 s deadline) all succeed."""
    c = http.client.HTTPConnection("127.0.0.1", server, timeout=5)
    for _ in range(3):
        c.request("GET", "/healthz")
        r = c.getresponse()
        r.read()
        assert r.status == 200
        time.sleep(1.2)
    c.close()


@pytest.fixture
def sending_server(demo_url: str, tmp_path: Path) -> Iterator[int]:
    """The demo on one worker of two threads, a 3 s send deadline, rate limits off."""
    port = _free_port()
    env = {
        "PORT": str(port),
        "GRIDMAP_RESOLVED_URL": demo_url,
        "GRIDMAP_SEND_TIMEOUT_S": "3",
        "GRIDMAP_RATE_LIMIT": "off",
    }
    with gunicorn(env, tmp_path / "gunicorn.log", workers=1, threads=2):
        yield port


def never_reading(port: int, path: str) -> socket.socket:
    """A client with a 4 KiB receive buffer that asks for `path` and reads nothing."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", port))
    s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nX-API-Key: demo-key\r\n\r\n".encode())
    return s


def take_all(s: socket.socket) -> bytes:
    s.settimeout(10)
    got = bytearray()
    while chunk := s.recv(1 << 16):
        got += chunk
    return bytes(got)


def test_clients_that_never_read_a_large_answer_hold_no_thread(sending_server: int) -> None:
    """64 clients (32 times the threads) ask for the demo's roads, an answer of megabytes,
    far beyond their socket buffers, and read nothing: /livez and /healthz still answer within
    2 s, and each client is cut off at the 3 s send deadline, short of its answer."""
    path = "/api/v1/layers/roads.geojson"
    key = {"X-API-Key": "demo-key"}
    status, headers = get(sending_server, path, 30, key)  # made once at full speed
    assert status == 200
    whole = int(headers["Content-Length"])
    assert whole > 1_000_000, whole
    slow = [never_reading(sending_server, path) for _ in range(64)]
    for s in slow:  # wait until every answer is made and has begun to arrive, untaken
        s.settimeout(30)
        s.recv(1, socket.MSG_PEEK)
    for probe in ("/livez", "/healthz"):
        t0 = time.monotonic()
        status, _ = get(sending_server, probe, timeout=10)
        waited = time.monotonic() - t0
        assert status == 200
        assert waited < 2, f"{probe} waited {waited:.1f} s behind clients that do not read"
    time.sleep(4)  # past the send deadline, and the event loop's second
    taken = [len(take_all(s)) for s in slow]
    for s in slow:
        s.close()
    assert max(taken) < whole, "a client that did not read still got its whole answer"
    status, _ = get(sending_server, path, 30, key)  # a reading client still gets it all
    assert status == 200
