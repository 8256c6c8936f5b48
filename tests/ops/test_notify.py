"""The notices' sender (ops/notify.py) against real webhooks on this machine: each notice once
to each webhook, signed, retried after a failure, and a webhook that hangs delays only its own."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from geo.cases.notices import notify
from ops.notify import add_webhook, deliver_due, run
from tests.conftest import scratch_database


class Receiver:
    """A webhook: records each body it took (2xx); fails every other call, or hangs."""

    def __init__(self, fail_every_other: bool = False, hang_s: float = 0.0) -> None:
        self.taken: list[dict[str, Any]] = []
        self.signatures: list[tuple[bytes, str]] = []
        self.calls = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.calls += 1
                if hang_s:
                    time.sleep(hang_s)
                if fail_every_other and receiver.calls % 2 == 1:
                    self.send_response(500)
                    self.end_headers()
                    return
                receiver.taken.append(json.loads(body))
                receiver.signatures.append((body, self.headers["X-Gridmap-Signature"]))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def notify_url(cluster) -> str:  # type: ignore[no-untyped-def]
    return scratch_database(cluster, "gridmap_notify")


@pytest.fixture
def engine(notify_url: str) -> Iterator[Any]:
    e = create_engine(notify_url)
    yield e
    with Session(e) as s:
        s.execute(text("TRUNCATE notices, webhooks CASCADE"))
        s.commit()
    e.dispose()


def write_notices(e: Any, n: int) -> None:
    with Session(e) as s:
        for i in range(n):
            notify(s, "dispatched", i + 1, unit="U330105001CG", detail={"i": i})
        s.commit()


def test_each_notice_reaches_each_webhook_once_signed_through_failures(engine) -> None:  # type: ignore[no-untyped-def]
    flaky = Receiver(fail_every_other=True)
    with Session(engine) as s:
        secret = add_webhook(s, flaky.url)
        s.commit()
    write_notices(engine, 20)
    with Session(engine) as s:  # closed here: an unclosed one held its snapshot and lock until
        # the garbage collector came, and the teardown's TRUNCATE waited for it (a hang in CI)
        hook = int(s.execute(text("SELECT id FROM webhooks")).scalar_one())
    for _ in range(40):  # passes, with the back-off skipped
        deliver_due(engine, hook)
        with Session(engine) as s:
            s.execute(text("UPDATE notice_deliveries SET next_at = now()"))
            s.commit()
    ids = [t["id"] for t in flaky.taken]
    assert len(ids) == 20
    assert len(set(ids)) == 20  # none twice
    assert all(t["kind"] == "dispatched" for t in flaky.taken)
    for body, signature in flaky.signatures:
        expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(signature, expected)
    with Session(engine) as s:
        left, retried = s.execute(
            text(
                "SELECT count(*) FILTER (WHERE delivered_at IS NULL), "
                "count(*) FILTER (WHERE attempts > 1) FROM notice_deliveries"
            )
        ).one()
    assert (left, retried > 0) == (0, True)


def test_a_webhook_that_hangs_delays_only_its_own_notices(engine) -> None:  # type: ignore[no-untyped-def]
    good, stuck = Receiver(), Receiver(hang_s=30)
    with Session(engine) as s:
        add_webhook(s, stuck.url)
        add_webhook(s, good.url)
        s.commit()
    write_notices(engine, 10)
    stop = threading.Event()
    sender = threading.Thread(target=run, args=(engine, stop, 0.2), daemon=True)
    sender.start()
    deadline = time.monotonic() + 10
    while len(good.taken) < 10 and time.monotonic() < deadline:
        time.sleep(0.1)
    stop.set()
    assert len(good.taken) == 10, "the good webhook waited behind the one that hangs"
    assert stuck.taken == []


def test_a_notice_refused_for_months_waits_an_hour_between_tries(engine) -> None:  # type: ignore[no-untyped-def]
    """The back-off doubles to an hour and stays there, however many tries went before (a
    webhook refusing for months: 2**attempts past a float's range crashed the pass)."""
    refusing = Receiver(fail_every_other=True)
    with Session(engine) as s:
        add_webhook(s, refusing.url)
        s.commit()
    write_notices(engine, 2)
    with Session(engine) as s:
        s.execute(text("UPDATE notice_deliveries SET attempts = 5000"))
        hook = int(s.execute(text("SELECT id FROM webhooks")).scalar_one())
        s.commit()
    assert deliver_due(engine, hook) == 1  # one refused (every other call), one taken
    with Session(engine) as s:
        wait = s.execute(
            text(
                "SELECT extract(epoch FROM next_at - now()) FROM notice_deliveries "
                "WHERE delivered_at IS NULL"
            )
        ).scalar_one()
    assert 3500 < wait <= 3600
