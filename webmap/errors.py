"""Every error leaves as JSON with a message, never as an HTML page or a stack trace."""

from __future__ import annotations

from flask import Flask, jsonify, make_response
from pydantic import ValidationError
from werkzeug.exceptions import HTTPException

from geo.cases import CaseError
from geo.locate import OutsideDistrict
from geo.points import PointError


def validation_error(e: ValidationError):  # type: ignore[no-untyped-def]
    """Schema failures (flask-openapi3 calls this): 400 naming each bad field."""
    details = e.errors(include_url=False, include_context=False, include_input=False)
    message = "; ".join(
        f"{'.'.join(str(p) for p in d['loc']) or 'body'}: {d['msg']}" for d in details
    )
    return make_response(jsonify(error="Bad Request", message=message, details=details), 400)


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):  # type: ignore[no-untyped-def]
        return jsonify(error=exc.name, message=exc.description), exc.code

    @app.errorhandler(PointError)
    @app.errorhandler(OutsideDistrict)
    def unplaceable(exc: ValueError):  # type: ignore[no-untyped-def]
        return jsonify(error="Unprocessable Entity", message=str(exc)), 422

    @app.errorhandler(CaseError)
    def case_error(exc: CaseError):  # type: ignore[no-untyped-def]
        names = {404: "Not Found", 409: "Conflict", 422: "Unprocessable Entity"}
        return jsonify(error=names.get(exc.status, "Bad Request"), message=str(exc)), exc.status

    @app.errorhandler(Exception)
    def internal_error(exc: Exception):  # type: ignore[no-untyped-def]
        app.logger.exception("unhandled error")
        return jsonify(error="Internal Server Error", message="服务器内部错误"), 500
