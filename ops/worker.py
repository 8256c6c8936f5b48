"""The gunicorn worker `gridmap serve` runs (`--worker-class ops.worker.Worker`).

gunicorn's threaded worker: a slow client holds one thread, never the process, whose heartbeat
goes on, so the other threads (and workers) keep answering. On top of it, a deadline on each
exchange, both ways:

- reading: a client that has not sent its whole request, head and body, within
  GRIDMAP_READ_TIMEOUT_S of starting it is cut off however slowly it trickles (a per-read
  timeout alone lets one byte every few seconds through);
- sending: an answer goes to the socket without waiting; what the client's buffers cannot take
  yet is kept in memory and sent by the worker's own event loop as the client reads, so a slow
  reader holds no thread. A client that has not taken its whole answer within
  GRIDMAP_SEND_TIMEOUT_S of its first byte is cut off. Each process keeps at most
  GRIDMAP_SEND_BUFFER_MB of such answers; past it a thread sends the rest itself, still within
  the deadline.

And no `Server` banner.
"""

from __future__ import annotations

import contextlib
import logging
import selectors
import sys
import threading
import time
from functools import partial
from typing import Any

from gunicorn import util
from gunicorn.glogging import Logger
from gunicorn.http import wsgi
from gunicorn.workers.gthread import ThreadWorker

from geo.settings import load_settings
from ops.logs import JsonLines


class SendBudget:
    """Bytes of answers waiting for their clients, across a process's connections."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.held = 0
        self._lock = threading.Lock()

    def take(self, n: int) -> bool:
        with self._lock:
            if self.held + n > self.limit:
                return False
            self.held += n
            return True

    def give(self, n: int) -> None:
        with self._lock:
            self.held -= n


class ClientSocket:
    """A client's socket: every recv bounded by what is left of the request's read deadline,
    every answer sent without blocking, the rest kept for the event loop (`pending`) within the
    process's budget. Everything else goes to the socket."""

    def __init__(self, sock: Any, read_s: float, send_s: float, budget: SendBudget) -> None:
        self._sock = sock
        self._read_s = read_s
        self._send_s = send_s
        self._budget = budget
        self._read_deadline = time.monotonic() + read_s
        self.send_deadline: float | None = None
        self.pending = bytearray()

    def start(self) -> None:
        """A request begins (a new connection, or the next on a kept-alive one)."""
        self._read_deadline = time.monotonic() + self._read_s
        self.send_deadline = None

    def recv(self, size: int, *flags: int) -> bytes:
        left = self._read_deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the request was not received within the read deadline")
        self._sock.settimeout(left)
        try:
            return self._sock.recv(size, *flags)  # type: ignore[no-any-return]
        finally:
            self._sock.settimeout(None)

    def sendall(self, data: bytes) -> None:
        if self.send_deadline is None:
            self.send_deadline = time.monotonic() + self._send_s
        if not self.pending:
            data = data[self.send_ready(data) :]
        if not data:
            return
        if self._budget.take(len(data)):
            self.pending += data
            return
        # Past the budget: this thread sends what is kept and the rest, within the deadline.
        left = self.send_deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("the answer was not taken within the send deadline")
        kept = bytes(self.pending)
        self.drop_pending()
        self._sock.settimeout(left)
        try:
            self._sock.sendall(kept + data)
        finally:
            self._sock.settimeout(None)

    def send_ready(self, data: bytes | bytearray | memoryview) -> int:
        """Send what the socket takes now, without waiting: the bytes sent."""
        sent = 0
        view = memoryview(data)
        self._sock.setblocking(False)
        try:
            while sent < len(view):
                sent += self._sock.send(view[sent:])
        except (BlockingIOError, InterruptedError):
            pass
        finally:
            self._sock.setblocking(True)
        return sent

    def flush(self) -> bool:
        """Send what the socket takes of the pending answer now: whether it is all sent."""
        sent = self.send_ready(self.pending)
        del self.pending[:sent]
        self._budget.give(sent)
        return not self.pending

    def drop_pending(self) -> None:
        self._budget.give(len(self.pending))
        self.pending.clear()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


SWITCH_INTERVAL_S = 0.001


class Worker(ThreadWorker):  # type: ignore[misc]
    settings = load_settings()
    read_timeout_s = settings.read_timeout_s
    send_timeout_s = settings.send_timeout_s

    def init_process(self) -> None:
        # A thread waiting on the database hands the GIL back; by default it waits up to 5 ms
        # to take it again from a busy one, and /locate (under 1 ms of Python) queues behind
        # it. At 1 ms, 4 threads served 0.62x the floor (bench/assign.py) against 0.42-0.48x.
        sys.setswitchinterval(SWITCH_INTERVAL_S)
        # No log line of ours shows the caller's source line, thread or process (ops/logs.py):
        # not gathering them (the logging HOWTO's "Optimization") takes 71 to 53 µs off the
        # access line every request writes.
        logging._srcfile = None
        logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
        self.send_budget = SendBudget(self.settings.send_buffer_mb * 1024 * 1024)
        self.sending: list[Any] = []  # connections whose answers the event loop is sending
        super().init_process()

    def handle(self, conn: Any) -> Any:
        if not isinstance(conn.sock, ClientSocket):
            conn.sock = ClientSocket(
                conn.sock, self.read_timeout_s, self.send_timeout_s, self.send_budget
            )
        conn.sock.start()
        return super().handle(conn)

    def finish_request(self, conn: Any, fs: Any) -> None:
        """On the event loop, once a thread is done with a connection: an answer the client
        has not taken in full is sent from here as it reads, then the connection goes on as
        gunicorn would take it (kept alive, or closed)."""
        sock = conn.sock
        if isinstance(sock, ClientSocket) and sock.pending and self.alive:
            self.sending.append(conn)
            self.poller.register(
                sock._sock, selectors.EVENT_WRITE, partial(self._on_writable, conn, fs)
            )
            return
        if isinstance(sock, ClientSocket) and sock.pending:
            sock.drop_pending()
        super().finish_request(conn, fs)

    def _on_writable(self, conn: Any, fs: Any, _fileobj: Any) -> None:
        try:
            done = conn.sock.flush()
        except OSError:  # the client went away
            self._cut(conn)
            return
        if done:
            self.poller.unregister(conn.sock._sock)
            self.sending.remove(conn)
            super().finish_request(conn, fs)

    def _cut(self, conn: Any) -> None:
        with contextlib.suppress(KeyError, ValueError, OSError):
            self.poller.unregister(conn.sock._sock)
        self.sending.remove(conn)
        conn.sock.drop_pending()
        self.nr_conns -= 1
        util.close(conn.sock._sock)

    def murder_pending(self) -> None:
        """Also cut off clients past their send deadline (run by the event loop each second
        at most)."""
        now = time.monotonic()
        for conn in [c for c in self.sending if (c.sock.send_deadline or now) < now]:
            self.log.info(
                "cut off %s: the answer was not taken within the send deadline", conn.client
            )
            self._cut(conn)
        super().murder_pending()


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
