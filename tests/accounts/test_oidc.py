"""OpenID Connect sign-in against a stand-in identity service on a real port: discovery, a
code for a token, an RS256-signed ID token checked by Authlib (signature, issuer, audience,
nonce). The claim names an account here; an unknown user or a forged state is refused."""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest
from flask import Flask, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import RSAKey
from werkzeug.serving import make_server

from geo.settings import load_settings
from tests.conftest import make_app

KEY = RSAKey.generate_key(2048)
KEY_ID = "test-key"


def identity_service(user: dict[str, str]) -> Flask:
    """Signs whoever user["name"] is in: /authorize answers at once with a code."""
    idp = Flask("idp")
    codes: dict[str, str] = {}

    @idp.get("/.well-known/openid-configuration")
    def discovery():  # type: ignore[no-untyped-def]
        base = request.host_url.rstrip("/")
        return jsonify(
            issuer=base,
            authorization_endpoint=f"{base}/authorize",
            token_endpoint=f"{base}/token",
            jwks_uri=f"{base}/jwks",
            response_types_supported=["code"],
            subject_types_supported=["public"],
            id_token_signing_alg_values_supported=["RS256"],
        )

    @idp.get("/jwks")
    def jwks():  # type: ignore[no-untyped-def]
        return jsonify(keys=[{**KEY.as_dict(private=False), "kid": KEY_ID}])

    @idp.get("/authorize")
    def authorize():  # type: ignore[no-untyped-def]
        code = f"code-{len(codes)}"
        codes[code] = request.args.get("nonce", "")
        back = request.args["redirect_uri"]
        return redirect(
            f"{back}?{urllib.parse.urlencode({'code': code, 'state': request.args['state']})}"
        )

    @idp.post("/token")
    def token():  # type: ignore[no-untyped-def]
        nonce = codes.pop(request.form["code"])
        now = int(time.time())
        claims = {
            "iss": request.host_url.rstrip("/"),
            "aud": "gridmap",
            "sub": user["name"],
            "preferred_username": user["name"],
            "nonce": nonce,
            "iat": now,
            "exp": now + 300,
        }
        id_token = jwt.encode({"alg": "RS256", "kid": KEY_ID}, claims, KEY)
        return jsonify(access_token="at", token_type="Bearer", expires_in=300, id_token=id_token)

    return idp


@pytest.fixture
def idp() -> Iterator[tuple[str, dict[str, str]]]:
    user = {"name": "worker_a"}
    srv = make_server("127.0.0.1", 0, identity_service(user), threaded=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_port}", user
    srv.shutdown()


def app_for(issuer: str, db_url: str, connection, tmp_path):  # type: ignore[no-untyped-def]
    settings = load_settings(
        {
            "GRIDMAP_RATE_LIMIT": "off",
            "GRIDMAP_OIDC_ISSUER": issuer,
            "GRIDMAP_OIDC_CLIENT_ID": "gridmap",
            "GRIDMAP_OIDC_CLIENT_SECRET": "s3cret",
            "GRIDMAP_VAR": str(tmp_path),
        }
    )
    return make_app(db_url, connection, settings)


def test_the_identity_service_signs_in_an_account_of_ours(
    idp, db_url, connection, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    issuer, user = idp
    client = app_for(issuer, db_url, connection, tmp_path).test_client()
    assert "统一身份认证登录" in client.get("/login?next=/worker").text
    to_idp = client.get("/login/oidc?next=/worker")
    assert to_idp.status_code == 302
    assert to_idp.headers["Location"].startswith(issuer)
    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as back:  # the service's 302 to our callback
        opener.open(to_idp.headers["Location"], timeout=10)
    callback = back.value.headers["Location"]
    back.value.close()
    parts = urllib.parse.urlsplit(callback)
    assert parts.path == "/login/oidc/callback"
    signed = client.get(f"{parts.path}?{parts.query}")
    assert signed.status_code == 302
    assert signed.headers["Location"] == "/worker"
    me = client.get("/api/v1/session").get_json()
    assert me["username"] == "worker_a"
    assert me["role"] == "grid_worker"
    # a replayed callback (its state used) is refused
    assert client.get(f"{parts.path}?{parts.query}").status_code == 400
    # someone the service knows and we do not: refused, and logged
    user["name"] = "stranger"
    c2 = app_for(issuer, db_url, connection, tmp_path).test_client()
    to_idp = c2.get("/login/oidc")
    with pytest.raises(urllib.error.HTTPError) as back:
        opener.open(to_idp.headers["Location"], timeout=10)
    parts = urllib.parse.urlsplit(back.value.headers["Location"])
    back.value.close()
    refused = c2.get(f"{parts.path}?{parts.query}")
    assert refused.status_code == 403
    assert "stranger" in refused.text
    assert c2.get("/api/v1/session").status_code == 401


def test_a_forged_state_is_refused(idp, db_url, connection, tmp_path) -> None:  # type: ignore[no-untyped-def]
    issuer, _ = idp
    client = app_for(issuer, db_url, connection, tmp_path).test_client()
    client.get("/login/oidc")
    forged = client.get("/login/oidc/callback?code=code-0&state=not-the-one")
    assert forged.status_code == 400
    assert client.get("/api/v1/session").status_code == 401


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None
