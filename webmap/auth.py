"""API keys on requests: X-API-Key header (or Open311's api_key parameter)."""

from __future__ import annotations

from geo.apikeys import KeyHolder, check_key
from geo.errors import Forbidden, NotAuthenticated
from webmap.db import get_session


def require_key(key: str | None) -> KeyHolder:
    if not key:
        raise NotAuthenticated("an API key is required (header X-API-Key)")
    holder = check_key(get_session(), key)
    if holder is None:
        raise Forbidden("unknown or revoked API key")
    return holder


def optional_key(key: str | None) -> KeyHolder | None:
    return check_key(get_session(), key) if key else None
