"""Rate limits, so that no client starves the rest: per API key for callers that send one, per
address for the rest, with 429 and Retry-After beyond (Flask-Limiter). The limits are settings;
GRIDMAP_RATE_LIMIT=off turns them off (load tests, benchmarks).

Counts are kept in each worker process's memory: with N gunicorn workers a caller gets up to
N times the limit before every worker refuses it. Static page assets are not counted; vector
tiles (a map view asks for dozens at once, most from the tile cache) get the keyed limit.
"""

from __future__ import annotations

import hashlib

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from geo.settings import Settings


def _key() -> str | None:
    """The caller's API key: the header, or Open311's api_key parameter."""
    return request.headers.get("X-API-Key") or request.values.get("api_key")


def _caller() -> str:
    key = _key()
    if key:  # the key itself is never kept, only a digest of it
        return "key:" + hashlib.sha256(key.encode()).hexdigest()[:16]
    return "addr:" + get_remote_address()


def init_app(app: Flask, settings: Settings) -> None:
    if settings.rate_limit is None:
        return

    def limit() -> str:
        tiles = request.path.startswith("/tiles/")
        return settings.rate_limit_keyed if _key() or tiles else str(settings.rate_limit)

    Limiter(
        _caller,
        app=app,
        default_limits=[limit],
        default_limits_exempt_when=lambda: request.path.startswith("/static/"),
        headers_enabled=True,
        storage_uri="memory://",
    )
