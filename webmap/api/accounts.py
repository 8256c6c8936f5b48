"""Sign-in and sign-out (/api/v1/session), password change, and the audit log (admins)."""

from __future__ import annotations

from flask import Response, jsonify, request
from flask_openapi3 import APIBlueprint, Tag
from pydantic import Field

from geo.accounts import accounts as records
from geo.accounts import audit
from geo.accounts.accounts import change_password, close_session, open_session, sign_in
from geo.accounts.answers import Account, AuditEntry, PasswordChanged
from geo.errors import NotAuthenticated, TooManyAttempts
from webmap.auth import (
    COOKIE,
    CSRF_COOKIE,
    allow,
    client_address,
    current_caller,
    set_session_cookies,
    signed_in,
)
from webmap.db import get_session, get_settings
from webmap.openapi import Answer, answers
from webmap.schemas import Body, IsoDatetime, Schema

api = APIBlueprint("session", __name__, url_prefix="/api/v1", abp_tags=[Tag(name="session")])


class SignIn(Body):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)


class NewPassword(Body):
    old_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=1, max_length=200)


class AuditQuery(Schema):
    username: str | None = Field(None, max_length=64)
    action: str | None = Field(None, max_length=40)
    since: IsoDatetime | None = None
    limit: int = Field(200, ge=1, le=5000)


@answers(Account)
@api.post("/session")
def post_session(body: SignIn):  # type: ignore[no-untyped-def]
    """Sign in: sets the session cookie (HttpOnly, SameSite=Strict, Secure over HTTPS) and
    returns the account and the CSRF token that cookie-authenticated writes send back in
    X-CSRF-Token. Failed attempts are throttled per account and per address."""
    s = get_session()
    address = client_address()
    try:
        account = sign_in(s, body.username, body.password, address)
    except (NotAuthenticated, TooManyAttempts):
        s.commit()  # the failed attempt stays in the audit log
        raise
    token, csrf = open_session(s, account, address, get_settings().session_hours)
    s.commit()
    resp = jsonify({**account.as_dict(), "csrf_token": csrf})
    set_session_cookies(resp, token, csrf)
    return resp


@answers(Account)
@api.get("/session")
def get_session_account():  # type: ignore[no-untyped-def]
    """The signed-in account (401 if none), with its CSRF token when signed in by cookie."""
    caller = signed_in()
    assert isinstance(caller.account, records.Account)
    out = caller.account.as_dict()
    if caller.via == "session" and caller.account.csrf_token:
        out["csrf_token"] = caller.account.csrf_token
    return jsonify(out)


@answers(signed_out=Answer(description="Signed out"))
@api.delete("/session")
def delete_session():  # type: ignore[no-untyped-def]
    """Sign out: the session ends on the server, and the cookie is cleared; so is what this
    browser keeps of the site (the service worker's copies of cases and pages, the phone's
    outbox): nothing personal stays on a shared phone past sign-out."""
    caller = current_caller()
    token = request.cookies.get(COOKIE)
    if token and caller.via == "session" and caller.account is not None:
        s = get_session()
        close_session(s, token)
        audit.record(s, "signout", caller.account.id, caller.account.username, caller.address)
        s.commit()
    resp = Response(status=204)
    resp.headers["Clear-Site-Data"] = '"cache", "storage"'
    resp.delete_cookie(COOKIE, path="/")
    resp.delete_cookie(CSRF_COOKIE, path="/")
    return resp


@answers(PasswordChanged)
@api.post("/session/password")
def post_password(body: NewPassword):  # type: ignore[no-untyped-def]
    """Change the signed-in account's password (required before anything else on first use)."""
    caller = signed_in()
    assert isinstance(caller.account, records.Account)
    s = get_session()
    keep = request.cookies.get(COOKIE) if caller.via == "session" else None
    change_password(s, caller.account, body.old_password, body.new_password, caller.address, keep)
    s.commit()
    return jsonify({"ok": True})


@answers(list[AuditEntry])
@api.get("/audit")
def get_audit(query: AuditQuery):  # type: ignore[no-untyped-def]
    """The audit log, newest first (administrators)."""
    allow("audit")
    return jsonify(
        audit.read(
            get_session(),
            since=query.since,
            username=query.username,
            action=query.action,
            limit=query.limit,
        )
    )
