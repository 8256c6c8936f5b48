"""`gridmap notify`: the sender that delivers the workflow's notices (the outbox, table
notices) to webhooks (table webhooks; 浙政钉, SMS gateways and the like plug in behind one).

Each notice gets one delivery per webhook active when it was written (notice_deliveries, in the
step's own transaction). Each webhook has its own thread, so one that hangs or fails delays
only its own notices. A delivery is claimed with FOR UPDATE SKIP LOCKED (two senders never
send the same one), POSTed as JSON signed with the webhook's secret (X-Gridmap-Signature:
sha256=HMAC of the body) and marked delivered in the claim's transaction; a refusal or a
timeout is retried with back-off (2, 4, 8 … s, at most an hour). The one way a receiver sees a
notice twice is a commit lost after its 2xx (a database outage at that instant): every
delivery carries X-Gridmap-Delivery, the notice's id, for it to drop the repeat.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import requests
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from geo.cases.notices import write_warnings
from geo.evaluation.warnings import notify_early_warnings
from geo.settings import load_settings
from geo.sql.loader import query
from geo.vocabulary import DISTRICT_TZ

TIMEOUT_S = 5.0
BATCH = 100
BACKOFF_S = 2.0  # the first wait after a refusal, doubling with each attempt
MAX_BACKOFF_S = 3600
WARN_EVERY_S = 60.0
EARLY_EVERY = 10  # 事件预警 every tenth pass of the warnings (ten minutes)
log = logging.getLogger("gridmap.notify")


def _q(name: str) -> Any:
    return text(query("cases/notices", name))


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def deliver_due(engine: Engine, webhook_id: int, post: Callable[..., Any] | None = None) -> int:
    """Send this webhook's due deliveries, a batch at a time, until none is due; a refusal
    (an HTTP error) waits its back-off while the rest go on, but no answer at all (a timeout, a
    refused connection) leaves the webhook until the next pass, so one that hangs costs a
    timeout a pass, not one per notice. How many were delivered."""
    with requests.Session() as http:  # one kept-alive connection a pass, not one a notice
        return _deliver(engine, webhook_id, post or http.post)


def _deliver(engine: Engine, webhook_id: int, post: Callable[..., Any]) -> int:
    sent = 0
    while True:
        with Session(engine) as s:
            hook = s.execute(_q("webhook"), {"id": webhook_id}).one_or_none()
            if hook is None:
                return sent
            rows = s.execute(_q("claim"), {"hook": webhook_id, "limit": BATCH}).all()
            if not rows:
                return sent
            done: list[int] = []  # marked together, in the claim's transaction
            retry: list[tuple[int, float, str]] = []
            for r in rows:
                body = json.dumps(
                    {
                        "id": r.notice_id,
                        "kind": r.kind,
                        "case_id": r.case_id,
                        "at": r.created_at.isoformat(),
                        "body": r.body,
                    },
                    ensure_ascii=False,
                    separators=(",", ":"),
                ).encode()
                headers = {
                    "Content-Type": "application/json; charset=utf-8",
                    "X-Gridmap-Delivery": str(r.notice_id),
                    "X-Gridmap-Signature": sign(hook.secret, body),
                }
                down = False
                try:
                    resp = post(hook.url, data=body, headers=headers, timeout=TIMEOUT_S)
                    ok, why = 200 <= resp.status_code < 300, f"HTTP {resp.status_code}"
                except requests.RequestException as exc:  # no answer: timed out, refused
                    ok, why, down = False, type(exc).__name__, True
                if ok:
                    done.append(r.notice_id)
                    continue
                wait = min(BACKOFF_S * 2 ** min(r.attempts, 20), MAX_BACKOFF_S)  # 2**20 s > 1 h
                retry.append((r.notice_id, wait, why))
                if down:  # it does not answer: the rest wait for the next pass, not a timeout each
                    break
            _mark(s, webhook_id, done, retry)
            s.commit()
            sent += len(done)
            if down:
                return sent


def _mark(
    s: Session, webhook_id: int, done: list[int], retry: list[tuple[int, float, str]]
) -> None:
    """A batch's outcome in two statements: the delivered, and the refused with their
    back-off."""
    if done:
        s.execute(_q("delivered"), {"notices": done, "hook": webhook_id})
    if retry:
        ids, waits, whys = (list(x) for x in zip(*retry, strict=True))
        s.execute(_q("retry"), {"notices": ids, "waits": waits, "whys": whys, "hook": webhook_id})


def run(engine: Engine, stop: threading.Event, idle_s: float = 1.0) -> None:
    """Deliver until stopped: a thread of its own per active webhook, so one that hangs or
    fails waits on its own; the list of webhooks is read again every idle_s. Beside them, the
    warnings' pass writes each case's yellow and red notice as it crosses its times, and every
    tenth pass the day's 事件预警 to the offices of their communities and streets."""
    threads: dict[int, threading.Thread] = {}

    def keep_sending(hook: int) -> None:
        while not stop.is_set():
            try:
                deliver_due(engine, hook)
            except Exception:  # the database away: try again after the pause
                log.exception("delivering to webhook %s", hook)
            stop.wait(idle_s)

    def keep_warning() -> None:  # the yellow and red notices, as cases cross their times
        passes, p = 0, load_settings().warning_p
        while not stop.is_set():
            try:
                with Session(engine) as s:
                    write_warnings(s, datetime.now(UTC))
                    if passes % EARLY_EVERY == 0:  # and the day's 事件预警 to the offices
                        notify_early_warnings(s, datetime.now(ZoneInfo(DISTRICT_TZ)).date(), p)
                    s.commit()
            except Exception:
                log.exception("writing the warnings")
            passes += 1
            stop.wait(WARN_EVERY_S)

    threading.Thread(target=keep_warning, daemon=True).start()
    while not stop.is_set():
        try:
            with Session(engine) as s:
                hooks = [int(h) for h in s.execute(_q("webhooks")).scalars()]
        except Exception:
            log.exception("reading the webhooks")
            hooks = []
        for hook in hooks:
            if hook not in threads or not threads[hook].is_alive():
                threads[hook] = threading.Thread(target=keep_sending, args=(hook,), daemon=True)
                threads[hook].start()
        stop.wait(idle_s)


def add_webhook(session: Session, url: str) -> str:
    """A webhook (a URL again: a new secret, enabled); its secret, to be shown once."""
    secret = secrets.token_urlsafe(32)
    session.execute(_q("add_webhook"), {"url": url, "secret": secret})
    return secret


def disable_webhook(session: Session, url: str) -> bool:
    return bool(session.execute(_q("disable_webhook"), {"url": url}).rowcount)  # type: ignore[attr-defined]
