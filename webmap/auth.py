"""Who is calling: the one place a request's caller is worked out (geo/access.py decides
what it may do).

In order: the identity service's header (GRIDMAP_AUTH_PROXY_HEADER, trusted only from
GRIDMAP_AUTH_PROXY_FROM), the session cookie, an API key (X-API-Key, or Open311's api_key
field), HTTP Basic on the machine interfaces (a key as the password, or an account's username
and password), else anonymous. A cookie-authenticated write must send the session's CSRF token
back in X-CSRF-Token; a key is not sent by a browser on its own, so needs none; the proxy
header and HTTP Basic are, so their writes must not come from another site's page.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time
from threading import Lock
from typing import Any

from flask import Response, current_app, g, request
from sqlalchemy.orm import Session

from geo.access import Caller, require
from geo.accounts import audit
from geo.accounts.accounts import (
    Account,
    find_account,
    load_account,
    session_account,
    sign_in,
)
from geo.accounts.apikeys import hash_key, key_account
from geo.errors import Forbidden, NotAuthenticated, TooManyAttempts
from webmap.db import get_read_session, get_session, get_settings

COOKIE = "gridmap_session"
CSRF_COOKIE = "gridmap_csrf"
SAFE = ("GET", "HEAD", "OPTIONS")
KEY_TTL_S = 10.0  # a revoked key stops working within this long in every worker
_keys_lock = Lock()


def peer_address() -> str:
    """The address of the machine connected to us (a proxy, where there is one)."""
    return request.remote_addr or "?"


def client_address() -> str:
    """The client's address: the connection's, or, through a trusted proxy
    (GRIDMAP_TRUSTED_PROXIES), the nearest address in `X-Forwarded-For` that is not itself a
    trusted proxy; what a client wrote into the header before it reached the proxy is left of
    that and never read. Sign-in throttling, rate limits and logs count by it."""
    peer = peer_address()
    trusted = get_settings().trusted_proxies
    if peer not in trusted:
        return peer
    hops = [h.strip() for h in ",".join(request.headers.getlist("X-Forwarded-For")).split(",")]
    for hop in reversed(hops):
        if hop in trusted:
            continue
        try:
            return str(ipaddress.ip_address(hop))
        except ValueError:
            return peer  # a malformed hop: the proxy's own address, nothing made up
    return peer


def is_https() -> bool:
    """Whether the client reached us over HTTPS: this connection's, or, through a trusted proxy
    (GRIDMAP_TRUSTED_PROXIES) that ends TLS for us, the proxy's `X-Forwarded-Proto`."""
    if request.is_secure:
        return True
    if peer_address() not in get_settings().trusted_proxies:
        return False
    proto = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    return proto == "https"


def current_caller() -> Caller:
    """The request's caller (worked out once per request)."""
    if "caller" not in g:
        g.caller = _resolve()
    return g.caller  # type: ignore[no-any-return]


def _resolve() -> Caller:
    settings = get_settings()
    address = peer_address()
    header = settings.auth_proxy_header
    if header and address in settings.auth_proxy_from and request.headers.get(header):
        account = find_account(get_read_session(), request.headers[header])
        if account is None:
            raise Forbidden(f"统一身份认证用户 {request.headers[header]!r} 在本系统中没有账号")
        if request.method not in SAFE and not _same_origin():
            # the proxy signs the browser in on every request, so a foreign page's form or
            # fetch would act as the staff member: writes come from this site's pages only
            raise Forbidden("跨站请求：统一身份认证登录的写操作只接受本站页面发出的请求")
        return Caller(account, "proxy", address)
    token = request.cookies.get(COOKIE)
    if token:
        account = session_account(get_read_session(), token)
        if account is not None:
            if (
                request.method not in SAFE
                and request.headers.get("X-CSRF-Token") != account.csrf_token
            ):
                raise Forbidden("CSRF 令牌缺失或不符（请求头 X-CSRF-Token）")
            return Caller(account, "session", address)
    key = presented_key()
    if key:
        found = _key_account(key)
        if found is None:
            raise Forbidden("API 密钥无效或已吊销")
        account, key_id = found
        return Caller(account, "key", address, key_id)
    basic = basic_credentials()
    if basic is not None:
        return _basic_caller(*basic, address)
    return Caller(None, "anonymous", address)


# HTTP Basic is taken on the machine interfaces only, for GIS desktops (QGIS's authentication
# manager, GDAL) that cannot send a header of their own; pages keep their cookie sessions.
MACHINE_PATHS = ("/api/", "/ogc", "/tiles/", "/open311/")


class BasicRefused(NotAuthenticated):
    """Wrong HTTP Basic credentials: the 401 names the scheme to try again with."""

    challenge = 'Basic realm="gridmap", charset="UTF-8"'


def basic_credentials() -> tuple[str, str] | None:
    """(username, password) of an HTTP Basic `Authorization` on a machine interface."""
    if not request.path.startswith(MACHINE_PATHS):
        return None
    auth = request.authorization
    if auth is None or auth.type != "basic":
        return None
    return auth.username or "", auth.password or ""


def _basic_caller(username: str, secret: str, address: str) -> Caller:
    """HTTP Basic: an API key as the password (any username), else an account's username and
    password, checked and throttled as a sign-in is (a success is kept KEY_TTL_S, so a GIS
    client's hundred requests cost one Argon2 check). Writes come from no other site's page:
    a browser resends Basic credentials on its own, as it does cookies."""
    if request.method not in SAFE and not _same_origin():
        raise Forbidden("跨站请求：HTTP Basic 认证的写操作只接受本站页面或非浏览器客户端")
    found = _key_account(secret) if secret else None
    if found is not None:
        return Caller(found[0], "basic", address, found[1])
    h = hashlib.sha256(f"{username}\0{secret}".encode()).hexdigest()
    now = time.monotonic()
    cache: dict[str, tuple[float, int]] = current_app.extensions.setdefault("gridmap.basic", {})
    with _keys_lock:
        hit = cache.get(h)
    account = load_account(get_read_session(), hit[1]) if hit and hit[0] > now else None
    if account is None:
        s = get_session()
        try:
            account = sign_in(s, username, secret, client_address())
        except TooManyAttempts:
            s.commit()  # the refused attempt stays in the audit log
            raise
        except NotAuthenticated:
            s.commit()
            raise BasicRefused("HTTP Basic：用户名或密码（或作密码的 API 密钥）错误") from None
        s.commit()
        with _keys_lock:
            if len(cache) > 10_000:
                cache.clear()
            cache[h] = (now + KEY_TTL_S, account.id)
    return Caller(account, "basic", address)


def _same_origin() -> bool:
    """Whether a browser says the request comes from this site's own pages (Sec-Fetch-Site,
    else Origin); a client that is no browser sends neither and is not a cross-site page."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    return origin is None or origin == request.host_url.rstrip("/")


def presented_key() -> str | None:
    """The API key the request presents: the header, or Open311's form field api_key."""
    return request.headers.get("X-API-Key") or (
        request.form.get("api_key") if request.path.startswith("/open311/") else None
    )


def valid_key_id() -> int | None:
    """The id of the key the request presents (or sends as its HTTP Basic password), if it is
    a valid one (None for none, a made-up or revoked one): the rate limiter counts a key's
    bucket only for a valid key."""
    basic = basic_credentials()
    key = presented_key() or (basic[1] if basic else None)
    found = _key_account(key) if key else None
    return None if found is None else found[1]


def _key_account(key: str) -> tuple[Account, int] | None:
    h = hash_key(key)
    now = time.monotonic()
    # per app (one database), never per process: a key names an account of its database
    _keys: dict[str, tuple[float, Account, int]] = current_app.extensions.setdefault(
        "gridmap.keys", {}
    )
    with _keys_lock:
        hit = _keys.get(h)
    if hit and hit[0] > now:
        return hit[1], hit[2]
    found = key_account(get_read_session(), key)
    account = None if found is None else load_account(get_read_session(), found[1])
    if found is None or account is None:
        return None
    with _keys_lock:
        if len(_keys) > 10_000:
            _keys.clear()
        _keys[h] = (now + KEY_TTL_S, account, found[0])
    return account, found[0]


def set_session_cookies(resp: Response, token: str, csrf: str) -> None:
    """The session cookie (HttpOnly, SameSite=Lax so the identity service's redirect back
    signs in, Secure over HTTPS; writes need the CSRF token besides) and the CSRF token
    again, readable by this origin's scripts (double submit): a page sends it back in
    X-CSRF-Token, which another site can neither read nor set."""
    age = int(get_settings().session_hours * 3600)
    for name, value, http_only in ((COOKIE, token, True), (CSRF_COOKIE, csrf, False)):
        resp.set_cookie(
            name,
            value,
            max_age=age,
            httponly=http_only,
            samesite="Lax",
            secure=is_https(),
            path="/",
        )


def audit_caller(
    session: Session,
    action: str,
    *,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """An audit entry for what the request's caller did (geo/accounts/audit.py)."""
    caller = current_caller()
    account_id = caller.account.id if caller.account else None
    audit.record(
        session, action, account_id, caller.name, caller.address, target=target, detail=detail
    )


def allow(action: str) -> Caller:
    """The caller, if it may take the action (401/403 otherwise)."""
    caller = current_caller()
    require(caller, action)
    return caller


def signed_in() -> Caller:
    caller = current_caller()
    if caller.account is None:
        raise NotAuthenticated("请先登录")
    return caller
