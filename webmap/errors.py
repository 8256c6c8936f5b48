"""Every error leaves as JSON with a message, never as an HTML page."""

from __future__ import annotations

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):  # type: ignore[no-untyped-def]
        return jsonify(error=exc.name, message=exc.description), exc.code

    @app.errorhandler(Exception)
    def internal_error(exc: Exception):  # type: ignore[no-untyped-def]
        app.logger.exception("unhandled error")
        return jsonify(error="Internal Server Error", message="服务器内部错误"), 500
