"""Sign-in through the unified identity service (统一身份认证) by OpenID Connect, with Authlib.

/login/oidc sends the browser to the service (state and nonce kept in Flask's signed session
cookie); /login/oidc/callback takes the code back, Authlib checks the state and the ID token
(signature by the service's keys, issuer, audience, nonce, expiry), and the claim
GRIDMAP_OIDC_USERNAME_CLAIM names the account, which must exist here: the service says who
someone is, this platform what they may do. The session then is the same as a password
sign-in's. Off unless GRIDMAP_OIDC_ISSUER is set.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import cast

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import Blueprint, Flask, Response, current_app, redirect, request, session, url_for
from markupsafe import escape

from geo.accounts import audit
from geo.accounts.accounts import find_account, open_session
from geo.settings import Settings
from webmap.auth import client_address, set_session_cookies
from webmap.db import get_session, get_settings

bp = Blueprint("oidc", __name__)


def _secret(settings: Settings) -> str:
    """GRIDMAP_SECRET_KEY, or one made once and kept in the data folder."""
    if settings.secret_key:
        return settings.secret_key
    path = Path(settings.var_dir) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def init_app(app: Flask, settings: Settings) -> None:
    if not settings.oidc_issuer:
        return
    app.secret_key = _secret(settings)
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"  # the service's redirect back carries it
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    oauth = OAuth(app)
    oauth.register(
        "idp",
        server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        client_kwargs={"scope": "openid profile"},
    )
    app.extensions["gridmap.oidc"] = oauth
    app.register_blueprint(bp)


def _refused(message: str, status: int) -> Response:
    return Response(
        f"<!doctype html><meta charset=utf-8><title>登录失败</title><p>{escape(message)}"
        '<p><a href="/login">返回登录</a>',
        status=status,
        mimetype="text/html",
    )


@bp.get("/login/oidc")
def oidc_start() -> Response:
    nxt = request.args.get("next", "/")
    session["gridmap_next"] = nxt if nxt.startswith("/") and not nxt.startswith("//") else "/"
    idp = current_app.extensions["gridmap.oidc"].idp
    return idp.authorize_redirect(url_for("oidc.oidc_callback", _external=True))  # type: ignore[no-any-return]


@bp.get("/login/oidc/callback")
def oidc_callback() -> Response:
    idp = current_app.extensions["gridmap.oidc"].idp
    try:
        token = idp.authorize_access_token()
    except AuthlibBaseError as exc:  # a forged or stale state, a bad ID token
        return _refused(f"统一身份认证未通过：{exc}", 400)
    claim = get_settings().oidc_username_claim
    username = str((token.get("userinfo") or {}).get(claim) or "")
    s = get_session()
    account = find_account(s, username) if username else None
    address = client_address()
    if account is None:
        audit.record(s, "signin", None, username or None, address, ok=False, detail={"via": "oidc"})
        s.commit()
        return _refused(f"统一身份认证用户 {username!r} 在本系统中没有账号", 403)
    audit.record(s, "signin", account.id, account.username, address, detail={"via": "oidc"})
    cookie, csrf = open_session(s, account, address, get_settings().session_hours)
    s.commit()
    resp = cast(Response, redirect(session.pop("gridmap_next", "/")))
    set_session_cookies(resp, cookie, csrf)
    return resp
