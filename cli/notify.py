"""`gridmap notify` (the sender of the workflow's notices) and `gridmap webhook add|disable`."""

from __future__ import annotations

import os
import signal
import sys
import threading

import click

from cli.session import database_url, session_for


@click.command()
@click.option("--once", is_flag=True, help="deliver what is due now, then stop")
@click.option("--parent", type=int, default=None, help="stop when this process ends (serve's)")
def notify(once: bool, parent: int | None) -> None:
    """Deliver notices to the webhooks (signed JSON, retried with back-off, a thread per
    webhook); runs until stopped (SIGTERM, SIGINT) or its parent ends. `gridmap serve` starts
    it."""
    from geo.db import get_engine
    from ops.notify import deliver_due, run

    engine = get_engine(database_url())
    if once:
        from sqlalchemy import text
        from sqlalchemy.orm import Session

        with Session(engine) as s:
            hooks = list(s.execute(text("SELECT id FROM webhooks WHERE disabled_at IS NULL")))
        sent = sum(deliver_due(engine, int(h[0])) for h in hooks)
        click.echo(f"delivered {sent}")
        return
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    if parent is not None:

        def watch() -> None:
            while not stop.wait(2.0):
                if os.getppid() != parent:
                    stop.set()

        threading.Thread(target=watch, daemon=True).start()
    run(engine, stop)


@click.group()
def webhook() -> None:
    """Where notices go (浙政钉, an SMS gateway … behind a URL)."""


@webhook.command("add")
@click.argument("url")
def webhook_add(url: str) -> None:
    """Add URL (or renew its secret); prints the secret deliveries are signed with, once."""
    from ops.notify import add_webhook

    if not url.startswith(("http://", "https://")):
        click.echo("error: URL 须以 http:// 或 https:// 开头", err=True)
        sys.exit(2)
    with session_for(database_url()) as session:
        secret = add_webhook(session, url)
        session.commit()
    click.echo(f"{url}\nsecret (X-Gridmap-Signature: sha256=HMAC of the body): {secret}")


@webhook.command("disable")
@click.argument("url")
def webhook_disable(url: str) -> None:
    from ops.notify import disable_webhook

    with session_for(database_url()) as session:
        ok = disable_webhook(session, url)
        session.commit()
    click.echo("disabled" if ok else f"no active webhook {url}")
    sys.exit(0 if ok else 1)


COMMANDS = (notify, webhook)
