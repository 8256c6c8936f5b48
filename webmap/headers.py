"""Security headers on every response.

The Content-Security-Policy here is the part the pages allow today: they are framed only by
our own origin, load no plugins and post forms only to us. `default-src 'self'` (no inline
script) needs Folium's inline map scripts moved into static files first (issue #15)."""

from __future__ import annotations

from flask import Flask, Response

HEADERS = {
    "Content-Security-Policy": (
        "frame-ancestors 'self'; base-uri 'self'; object-src 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",  # for browsers that predate frame-ancestors
    "Referrer-Policy": "same-origin",
}


def add_headers(resp: Response) -> Response:
    for name, value in HEADERS.items():
        resp.headers.setdefault(name, value)
    return resp


def init_app(app: Flask) -> None:
    app.after_request(add_headers)
