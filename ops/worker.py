"""The gunicorn worker `gridmap serve` runs (`--worker-class ops.worker.Worker`).

gunicorn's threaded worker: a slow client holds one thread, never the process, whose heartbeat
goes on, so the other threads (and workers) keep answering. On top of it, a deadline on reading
each request: a client that has not sent its whole request, head and body, within
GRIDMAP_READ_TIMEOUT_S of starting it is cut off however slowly it trickles (a per-read
timeout alone lets one byte every few seconds through). And no `Server` banner.
"""

from __future__ import annotations

import sys
import time
from typing import Any

from gunicorn.glogging import Logger
from gunicorn.http import wsgi
from gunicorn.workers.gthread import ThreadWorker

from geo.settings import load_settings
from ops.logs import JsonLines


class DeadlineSocket:
    """A client socket whose every recv is bounded by what is left of the request's read
    deadline (TimeoutError past it); everything else goes to the socket."""

    def __init__(self, sock: Any, seconds: float) -> None:
        self._sock = sock
        self._seconds = seconds
        self._deadline = time.monotonic() + seconds

    def start(self) -> None:
        """A request begins (a new connection, or the next on a kept-alive one)."""
        self._deadline = time.monotonic() + self._seconds

    def recv(self, size: int, *flags: int) -> bytes:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request was not received within the read deadline")
        self._sock.settimeout(left)
        try:
            return self._sock.recv(size, *flags)  # type: ignore[no-any-return]
        finally:
            self._sock.settimeout(None)  # writing the answer is not bounded by it

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


SWITCH_INTERVAL_S = 0.001


class Worker(ThreadWorker):  # type: ignore[misc]
    read_timeout_s = load_settings().read_timeout_s

    def init_process(self) -> None:
        # A thread waiting on the database hands the GIL back; by default it waits up to 5 ms
        # to take it again from a busy one, and /locate (under 1 ms of Python) queues behind
        # it. At 1 ms, 4 threads served 0.62x the floor (bench/assign.py) against 0.42-0.48x.
        sys.setswitchinterval(SWITCH_INTERVAL_S)
        super().init_process()

    def handle(self, conn: Any) -> Any:
        if not isinstance(conn.sock, DeadlineSocket):
            conn.sock = DeadlineSocket(conn.sock, self.read_timeout_s)
        conn.sock.start()
        return super().handle(conn)


_default_headers = wsgi.Response.default_headers


def _without_banner(self: Any) -> list[str]:
    return [h for h in _default_headers(self) if not h.startswith("Server:")]


wsgi.Response.default_headers = _without_banner


class JsonLogger(Logger):  # type: ignore[misc]
    """gunicorn's own lines (starting, booting a worker, a worker timed out …) as the JSON lines
    the app writes (webmap/observe.py), so a log holds one format (`--logger-class`)."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(JsonLines())
