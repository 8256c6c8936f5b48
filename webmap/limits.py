"""Rate limits, so that no client starves the rest: per API key for callers that send one, per
address for the rest, with 429 and Retry-After beyond (Flask-Limiter). The limits are settings;
GRIDMAP_RATE_LIMIT=off turns them off (load tests, benchmarks).

Counts are kept in each worker process's memory: with N gunicorn workers a caller gets up to
N times the limit before every worker refuses it. Static page assets are not counted; vector
tiles (a map view asks for dozens at once, most from the tile cache) get the keyed limit.
"""

from __future__ import annotations

from flask import Flask, g, request
from flask_limiter import Limiter

from geo.settings import Settings
from webmap.auth import client_address, valid_key_id


def _key_id() -> int | None:
    """The caller's API key's id if the key is valid: a made-up key buys no bucket of its own
    (each random value would be a fresh 3,000 a minute); it counts against the address."""
    if "limit_key_id" not in g:
        try:
            g.limit_key_id = valid_key_id()
        except Exception:  # the database unreachable: count by address, let the view answer
            g.limit_key_id = None
    key_id: int | None = g.limit_key_id
    return key_id


def _caller() -> str:
    key_id = _key_id()
    return f"key:{key_id}" if key_id is not None else "addr:" + client_address()


def init_app(app: Flask, settings: Settings) -> None:
    if settings.rate_limit is None:
        return

    def limit() -> str:
        tiles = request.path.startswith("/tiles/")
        keyed = tiles or _key_id() is not None
        return settings.rate_limit_keyed if keyed else str(settings.rate_limit)

    Limiter(
        _caller,
        app=app,
        default_limits=[limit],
        default_limits_exempt_when=lambda: request.path.startswith("/static/"),
        headers_enabled=True,
        storage_uri="memory://",
    )
