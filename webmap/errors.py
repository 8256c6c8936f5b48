"""The one place errors become responses: domain errors (geo/errors.py), schema failures and
HTTP errors leave as JSON `{"error", "message"}`, or under /open311 as Open311's list of
`{code, description}` (JSON or XML, by the path's format); never an HTML page or a trace."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

import psycopg
import sqlalchemy.exc
from flask import Flask, Response, g, jsonify, make_response, request
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.http import HTTP_STATUS_CODES

from geo.errors import (
    BadInput,
    Conflict,
    DomainError,
    Forbidden,
    NotAuthenticated,
    NotFound,
    Overtaken,
    Rebuilding,
    TooManyAttempts,
    Unprocessable,
)
from webmap.metrics import DB_ERRORS

STATUS: dict[type[DomainError], int] = {
    BadInput: 400,
    NotAuthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    Overtaken: 412,
    Unprocessable: 422,
    Rebuilding: 503,
    TooManyAttempts: 429,
}


def status_of(exc: DomainError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


# Open311 GeoReport v2 answers bad input with 400; it has no 422.
OPEN311_STATUS = {422: 400}


def error_response(status: int, message: str, **extra: Any) -> Response:
    """An error as the request's API speaks it."""
    if request.path.startswith("/open311/"):
        return open311_errors(OPEN311_STATUS.get(status, status), message)
    resp = jsonify(error=HTTP_STATUS_CODES.get(status, "Error"), message=message, **extra)
    resp.status_code = status
    return resp


def open311_errors(status: int, description: str) -> Response:
    """Open311's error list, in the format the path asks for (…​.xml, else JSON)."""
    errors = [{"code": status, "description": description}]
    if not request.path.endswith(".xml"):
        resp = jsonify(errors)
        resp.status_code = status
        return resp
    top = ET.Element("errors")
    for e in errors:
        el = ET.SubElement(top, "error")
        for k, v in e.items():
            ET.SubElement(el, k).text = str(v)
    body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8")
    return Response(body, status=status, mimetype="text/xml")


def validation_error(e: ValidationError):  # type: ignore[no-untyped-def]
    """Schema failures (flask-openapi3 calls this): 400 naming each bad field."""
    details = e.errors(include_url=False, include_context=False, include_input=False)
    message = "; ".join(
        f"{'.'.join(str(p) for p in d['loc']) or 'body'}: {d['msg']}" for d in details
    )
    if request.path.startswith("/open311/"):
        return open311_errors(400, message)
    return make_response(jsonify(error="Bad Request", message=message, details=details), 400)


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):  # type: ignore[no-untyped-def]
        if exc.code == 429:  # Flask-Limiter adds Retry-After to this response afterwards
            return error_response(429, f"请求过于频繁，请稍后再试（限额 {exc.description}）")
        resp = error_response(exc.code or 500, exc.description or exc.name)
        if isinstance(exc, MethodNotAllowed) and exc.valid_methods:
            resp.headers["Allow"] = ", ".join(exc.valid_methods)  # RFC 9110 §15.5.6
        return resp

    @app.errorhandler(ValidationError)  # a schema applied inside a view (Open311's form)
    def schema_error(exc: ValidationError):  # type: ignore[no-untyped-def]
        return validation_error(exc)

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):  # type: ignore[no-untyped-def]
        resp = error_response(status_of(exc), str(exc))
        if isinstance(exc, Rebuilding):
            from webmap.rebuild import queue_rebuild

            queue_rebuild(app)
        if isinstance(exc, Rebuilding | TooManyAttempts):
            resp.headers["Retry-After"] = str(exc.retry_after_s)
        challenge = getattr(exc, "challenge", None)  # webmap/auth.py's BasicRefused
        if challenge:
            resp.headers["WWW-Authenticate"] = challenge
        return resp

    @app.errorhandler(psycopg.OperationalError)
    @app.errorhandler(sqlalchemy.exc.OperationalError)
    @app.errorhandler(sqlalchemy.exc.InterfaceError)
    def database_unavailable(exc: Exception):  # type: ignore[no-untyped-def]
        if isinstance(getattr(exc, "orig", exc), psycopg.errors.QueryCanceled):
            # the request's time budget (settings.request_budget_s), not an outage
            DB_ERRORS.labels("timeout").inc()
            resp = error_response(503, "请求超出处理时限，请稍后重试或缩小范围")
            resp.headers["Retry-After"] = "5"
            return resp
        # The connection is broken or the server is down: the request's read connection is
        # thrown away at teardown (webmap/db.py), so the next request gets a fresh one.
        g.db_broken = True
        DB_ERRORS.labels("unavailable").inc()
        app.logger.warning("database unavailable: %s", exc)
        if request.method in ("GET", "HEAD"):
            resp = error_response(503, "数据库暂时不可用，请稍后重试")
        else:  # it may have been written before the connection went: only a retry can tell
            resp = error_response(
                503,
                "数据库暂时不可用，本次提交可能已受理：请用同一 Idempotency-Key 重试，不会重复受理",
                retry_with_same_key=True,
            )
        resp.headers["Retry-After"] = "2"
        return resp

    @app.errorhandler(TimeoutError)  # the body trickled past the read deadline (ops/worker.py)
    def read_timeout(exc: TimeoutError):  # type: ignore[no-untyped-def]
        resp = error_response(408, "请求未在规定时间内发送完毕")
        resp.headers["Connection"] = "close"
        return resp

    @app.errorhandler(Exception)
    def internal_error(exc: Exception):  # type: ignore[no-untyped-def]
        app.logger.exception("unhandled error")
        return error_response(500, "服务器内部错误")
